"""What the public verification page tells about a decision document, found by its token or short code: its
number, event, sessions, issuing authority, date and the permit's current status in plain words — nothing else
(no organizer, no contact, no documents)."""
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.sessions import session_approved_attendance, session_label, sessions_of

from ..applications.models import ApplicationState
from ..workflow.models import Permit, Refusal
from ..workflow.states import state_has
from .codes import grouped, normalise_code


class VerificationStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("已熔断（暂停）")
    REVOKED = "revoked", _("已撤销")
    CANCELLED = "cancelled", _("已注销（活动取消）")
    COMPLETED = "completed", _("已办结")
    REFUSED = "refused", _("不予许可")
    # A permit in none of the above (no workflow path leads there today): never shown as valid.
    INVALID = "invalid", _("已失效")


# The closed states a permit may end in, each a status of its own. The traits say whether a permit is in force
# or held (suspended) but not how it closed, so the three closing states are named here one by one.
CLOSED_PERMIT_STATUS = {
    ApplicationState.REVOKED: VerificationStatus.REVOKED,
    ApplicationState.CANCELLED: VerificationStatus.CANCELLED,
    ApplicationState.COMPLETED: VerificationStatus.COMPLETED,
}


def permit_status(state: str, *, revoked: bool = False, cancelled: bool = False) -> VerificationStatus:
    """The permit's status from its application's state; a permit marked revoked or cancelled is never valid,
    whatever the state says."""
    withdrawn = revoked or cancelled
    if not withdrawn and state_has(state, "permit_in_force"):
        return VerificationStatus.VALID
    if not withdrawn and state_has(state, "permit_held"):
        return VerificationStatus.SUSPENDED
    if state in CLOSED_PERMIT_STATUS:
        return CLOSED_PERMIT_STATUS[state]
    if cancelled:
        return VerificationStatus.CANCELLED
    if revoked:
        return VerificationStatus.REVOKED
    return VerificationStatus.INVALID


@dataclass(frozen=True)
class VerifiedSession:
    label: str
    start_at: datetime
    end_at: datetime
    approved_attendance: int | None


@dataclass(frozen=True)
class VerifiedDecision:
    """Everything the public may read about one decision document."""

    is_permit: bool
    number: str
    event_name: str
    authority_name: str
    decided_at: datetime
    status: VerificationStatus
    sessions: tuple[VerifiedSession, ...] = ()

    @property
    def status_label(self) -> str:
        return str(self.status.label)


def _permit_decision(permit: Permit) -> VerifiedDecision:
    application = permit.application
    sessions = sessions_of(application.event)
    return VerifiedDecision(
        is_permit=True, number=permit.number, event_name=application.event.name,
        authority_name=permit.authority.name, decided_at=permit.issued_at,
        status=permit_status(application.state, revoked=permit.revoked_at is not None,
                             cancelled=permit.cancelled_at is not None),
        sessions=tuple(VerifiedSession(
            label=str(session_label(session, number)) if len(sessions) > 1 else "",
            start_at=session.start_at, end_at=session.end_at,
            approved_attendance=session_approved_attendance(session, permit.approved_attendance))
            for number, session in enumerate(sessions, start=1)))


def _refusal_decision(refusal: Refusal) -> VerifiedDecision:
    return VerifiedDecision(
        is_permit=False, number=refusal.number, event_name=refusal.application.event.name,
        authority_name=refusal.authority.name, decided_at=refusal.decided_at, status=VerificationStatus.REFUSED)


def decision_verify(token: str) -> VerifiedDecision | None:
    """The decision whose QR code carries `token`, or None (the page says it cannot be verified)."""
    if not token:
        return None
    permit = (Permit.objects.select_related("application__event", "authority")
              .prefetch_related("application__event__sessions").filter(verification_token=token).first())
    if permit is not None:
        return _permit_decision(permit)
    refusal = (Refusal.objects.select_related("application__event", "authority")
               .filter(verification_token=token).first())
    return _refusal_decision(refusal) if refusal is not None else None


def token_for_code(text: str) -> str | None:
    """The token of the document whose short code was typed (any case, dashes or spaces optional), or None."""
    code = normalise_code(text)
    if code is None:
        return None
    for model in (Permit, Refusal):
        token = model.objects.filter(verification_code=code).values_list("verification_token", flat=True).first()
        if token:
            return token
    return None


def verification_url(document: Permit | Refusal) -> str:
    """The absolute link the QR code carries (PUBLIC_BASE_URL: where the public reaches the site)."""
    return settings.PUBLIC_BASE_URL + reverse("verification:decision", args=[document.verification_token])


def verification_code_display(document: Permit | Refusal) -> str:
    return grouped(document.verification_code)


def qr_svg(url: str) -> str:
    """The QR code of `url` as an inline SVG element (no file, nothing fetched); scales with its box."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=4, omitsize=True, light="#fff",
                                              svgclass="verification-qr")


@dataclass(frozen=True)
class VerificationMark:
    """What a printed decision carries for verification: the QR code (inline SVG), its link and the short code."""

    url: str
    qr_svg: str
    code: str


def verification_mark(document: Permit | Refusal | None) -> VerificationMark | None:
    if document is None:
        return None
    url = verification_url(document)
    return VerificationMark(url=url, qr_svg=qr_svg(url), code=verification_code_display(document))
