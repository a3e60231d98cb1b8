"""The public verification pages, no sign-in: a decision document found by its QR-code token or by its short code.
Rate-limited per client address (DRF's throttle machinery, scope "verification"), never cached, never indexed."""
from functools import wraps
from math import ceil

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.proxy import client_ip

from . import services


class VerificationRateThrottle(SimpleRateThrottle):
    """Requests per client address (config/proxy.py decides which address), signed in or not."""

    scope = "verification"

    def get_rate(self):
        # Read when the throttle is made, not when DRF was imported, so that a settings change applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def _public(response):
    # What a verification says may change the next minute (a suspension): never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _throttled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        throttle = VerificationRateThrottle()
        if not throttle.allow_request(request, None):
            wait = throttle.wait()
            response = render(request, "approvals/verification/too_many.html",
                              {"wait_seconds": ceil(wait) if wait else None}, status=429)
            if wait:
                response["Retry-After"] = str(ceil(wait))
            return _public(response)
        return _public(view(request, *args, **kwargs))
    return wrapper


@require_GET
@_throttled
def verification_lookup(request):
    """The short code read from the paper or over the phone (?code=K7QM-3XPA, any case, dash optional)."""
    code = request.GET.get("code", "").strip()
    if not code:
        return render(request, "approvals/verification/lookup.html", {"code": ""})
    token = services.token_for_code(code)
    if token is None:
        return render(request, "approvals/verification/lookup.html", {
            "code": code, "error": _("核验码无效或无对应文书，无法核验。请核对后重新输入。")}, status=404)
    return redirect("verification:decision", token=token)


@require_GET
@_throttled
def verification_decision(request, token):
    decision = services.decision_verify(token)
    if decision is None:
        return render(request, "approvals/verification/unknown.html", status=404)
    return render(request, "approvals/verification/decision.html", {"decision": decision})
