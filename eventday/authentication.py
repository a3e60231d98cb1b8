"""Gate counters authenticate with their own token (`Authorization: Device <token>`), not as users."""
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import GateDevice, hash_device_token

KEYWORD = "Device"


class GateDeviceAuthentication(BaseAuthentication):
    """request.user stays anonymous; request.auth is the GateDevice (with its event and application loaded)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("设备令牌格式错误。"))
        try:
            raw = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed(_("设备令牌格式错误。"))
        device = (GateDevice.objects.select_related("event__application")
                  .filter(token_hash=hash_device_token(raw), is_active=True).first())
        if device is None:
            raise AuthenticationFailed(_("设备令牌无效或已停用。"))
        return AnonymousUser(), device

    def authenticate_header(self, request):
        return KEYWORD


class IsGateDevice(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, GateDevice)


class GateDeviceRateThrottle(SimpleRateThrottle):
    """Requests per device token (scope "gate_device" in DEFAULT_THROTTLE_RATES): a leaked token cannot flood
    the counting endpoint, and devices behind one address do not share a budget as anonymous clients would."""

    scope = "gate_device"

    def get_rate(self):
        # Read when the throttle is made, not when DRF was imported, so that a settings change applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        device = request.auth
        if not isinstance(device, GateDevice):
            return None
        return self.cache_format % {"scope": self.scope, "ident": device.token_hash}


try:  # Describe the scheme in the OpenAPI schema (drf-spectacular finds extensions by subclassing).
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class GateDeviceScheme(OpenApiAuthenticationExtension):
        target_class = "eventday.authentication.GateDeviceAuthentication"
        name = "gateDevice"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "Device <token>"}
except ImportError:  # pragma: no cover
    pass
