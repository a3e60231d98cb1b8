"""The 30-minute idle session: every request a user makes extends it, except what a page fetches by itself.

SESSION_SAVE_EVERY_REQUEST refreshes the expiry on every response. A page that polls (the event-day
dashboard every few seconds) would so keep its user signed in for ever: views marked `passive` leave the
session's expiry where the user's last action put it, unless they change the session themselves.
"""
from functools import wraps

from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers

PASSIVE_ATTRIBUTE = "session_passive"


def passive(view):
    """Mark a view (function, or DRF APIView class) as polled: it does not count as user activity."""
    if isinstance(view, type):
        setattr(view, PASSIVE_ATTRIBUTE, True)
        return view

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    setattr(wrapped, PASSIVE_ATTRIBUTE, True)
    return wrapped


def _is_passive(view_func) -> bool:
    return bool(getattr(view_func, PASSIVE_ATTRIBUTE, False)
                or getattr(getattr(view_func, "cls", None), PASSIVE_ATTRIBUTE, False)       # DRF as_view()
                or getattr(getattr(view_func, "view_class", None), PASSIVE_ATTRIBUTE, False))  # Django CBV


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a passive view's response does not refresh the expiry."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.session_passive = _is_passive(view_func)

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if getattr(request, "session_passive", False) and session is not None and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
