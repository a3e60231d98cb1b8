"""API tokens (django-rest-knox): sign in with username and password, sign out this token or every token.

Tokens expire (REST_KNOX["TOKEN_TTL"]), are stored hashed, and are all revoked when the password changes
(accounts.models.User.save). Sign-in is throttled on its own scope (`token`) and by django-axes like the portal.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox import views as knox_views
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny

TokenOutput = inline_serializer("TokenOutput", {
    "token": serializers.CharField(help_text=_("放在请求头 Authorization: Token <token> 中。")),
    "expiry": serializers.DateTimeField(help_text=_("令牌过期时间。")),
})


class TokenSignInView(knox_views.LoginView):
    """POST username and password: a new token with its expiry."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "token"
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenOutput}, tags=["auth"], auth=[])
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)


class TokenSignOutView(knox_views.LogoutView):
    """Revoke the token this request is authenticated with."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format=format)


class TokenSignOutEverywhereView(knox_views.LogoutAllView):
    """Revoke every token of the user (every client it signed in with)."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format=format)
