"""API throttles by scope (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] in config/settings/base.py).

- `anon`: callers without any credential, by client address (config/proxy.py decides which address);
- `user`: signed-in users (session or token), by account;
- `token`: the token sign-in (`accounts.api`), by client address, with DRF's ScopedRateThrottle.

Callers that authenticate with a credential that is not a user (the gate counters' device tokens: request.auth
set, request.user anonymous) are left to the scope their own views choose.
"""
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .proxy import client_ip


class AnonymousRateThrottle(AnonRateThrottle):
    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated or request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class SignedInUserRateThrottle(UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
