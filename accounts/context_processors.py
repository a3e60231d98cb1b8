"""Template context: the signed-in user's roles, for navigation only (access is enforced elsewhere)."""


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": user.role_names}
