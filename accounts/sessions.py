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

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
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
