"""The 30-minute idle session: every request a user makes extends it, except what a page fetches by itself.

SESSION_SAVE_EVERY_REQUEST refreshes the expiry on every response. A page that polls (the event-day
dashboard every few seconds) would so keep its user signed in for ever: views marked `passive` leave the
session's expiry where the user's last action put it, unless they change the session themselves.

Refreshing is a write (BEGIN, UPDATE, COMMIT: three of a page's queries). It is done at most once a
SESSION_REFRESH_SECONDS (a minute): the store remembers the expiry it read, and a response whose session is
unchanged and whose stored expiry is less than that old is not saved. The idle timeout so ends between 29 and
30 minutes after the last action, never later.
"""
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

PASSIVE_ATTRIBUTE = "session_passive"


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE = "accounts.sessions"), remembering the stored expiry."""

    stored_expiry = None

    def load(self):
        row = self._get_session_from_db()
        self.stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}


def _refreshed_lately(session) -> bool:
    """The stored expiry was set less than SESSION_REFRESH_SECONDS ago (so saving would only move it by less)."""
    stored = getattr(session, "stored_expiry", None)
    if stored is None or session.get_expiry_age() != settings.SESSION_COOKIE_AGE:
        return False
    fresh = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS)
    return stored >= fresh


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
        if session is not None and not session.modified and (
                getattr(request, "session_passive", False) or (session.accessed and _refreshed_lately(session))):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


class HtmxSessionExpiredMiddleware:
    """An htmx request whose session has ended gets 401 and a short hint, not the sign-in page.

    `login_required` answers a signed-out request with a redirect to sign in; the browser follows it inside the
    XMLHttpRequest and htmx would swap the whole sign-in page into the section card, the typed text gone. htmx
    swaps nothing for a 4xx answer, so the form keeps what was typed; static/js/session.js reads the 401 (and
    the `X-Session-Expired` header), keeps a copy in sessionStorage, asks the user to sign in again in a new tab
    and then retries. Not an HX-Redirect: that would leave the page and lose the text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.headers.get("HX-Request") == "true" and response.status_code in (301, 302)
                and not getattr(getattr(request, "user", None), "is_authenticated", False)
                and _is_login_redirect(response)):
            from django.template.loader import render_to_string

            # Signed in again in a new tab, the user lands on a page that says to go back and retry.
            login_url = response["Location"].split("?")[0] + "?" + urlencode({"next": reverse("accounts:signed_in")})
            expired = HttpResponse(render_to_string("includes/session_expired.html", {"login_url": login_url},
                                                    request=request), status=401)
            expired["X-Session-Expired"] = "1"
            patch_vary_headers(expired, ("Cookie", "HX-Request"))
            return expired
        return response


def _is_login_redirect(response) -> bool:
    from django.conf import settings
    from django.shortcuts import resolve_url

    login_path = resolve_url(settings.LOGIN_URL)
    return urlsplit(response.get("Location", "")).path == login_path
