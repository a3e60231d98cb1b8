"""The client's address, as seen through the TLS proxy production puts in front of gunicorn.

Behind TRUSTED_PROXY_COUNT proxies, REMOTE_ADDR is the nearest proxy and the client is the address the outermost
trusted proxy added to X-Forwarded-For: the n-th from the right (what a client writes to the left of it is not
trusted). Without proxies (development, tests) it is REMOTE_ADDR and the header is ignored. django-axes keys its
lockouts on this (AXES_CLIENT_IP_CALLABLE) and the API throttles theirs; DRF's NUM_PROXIES follows the same rule.

(django-ipware, which axes can use instead, returns no address at all for a one-entry X-Forwarded-For with a
proxy count of 1 in its current strict mode, which would key every lockout on the same "None".)
"""
import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    meta = request.META
    remote = meta.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not chain:
        return remote
    candidate = chain[-min(count, len(chain))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
