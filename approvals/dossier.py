"""Which parts of an application's dossier a user may see: the one place pages, API and downloads ask.

Seeing an application (approvals.access.VIEW) opens its event facts only. What else a user reads follows from the
other object permission it holds on the application (approvals.access), never from a hidden link:

| holder                         | permission     | parts                                                       |
| ------------------------------ | -------------- | ----------------------------------------------------------- |
| police (district, city)        | REVIEW         | everything                                                  |
| the applicant and co-organisers| CHANGE / VIEW  | everything but the police's internal notes: the risk        |
|                                | (organizer)    | override reason, the internal audit entries (below)         |
| the assigned culture official  | VET            | facts, lineup and setlist, document 9 (sector approval)     |
| a department asked to opine    | OPINE          | facts, the plan sections, the site plan, its own opinion    |
|                                |                | (no documents, parties, lineup, risk, audit or permit)      |
| the named security company     | STAFF          | facts, section 3 (security staff and posts), its own party  |
|                                |                | (安保服务方) and checklist, the required deployment, the     |
|                                |                | permit and the approved plan PDF                            |

A part a user may not see answers 404 (as for an application it may not see), lists leave the rows out, and
detail payloads leave the field empty. The audit log is the police's; the organizer reads its own view of it,
without the entries marked internal here (`audit_entry_is_internal`) but with every reason the law says the
applicant must be told (return for correction, refusal, suspension and what must change, revocation).
"""
from dataclasses import dataclass

from django.http import Http404

from .access import CHANGE, OPINE, REVIEW, STAFF, VET, VIEW
from .models import AuditEntry

FACTS = "facts"                      # event facts, venue and exits, state, flags, level
DOCUMENTS = "documents"              # every uploaded document (insurance, contracts, registrations, ...)
SECTOR_APPROVAL = "sector_approval"  # document 9 only: the commercial performance approval
PLAN = "plan"                        # all 11 plan sections, and the submission checklist
STAFFING = "staffing"                # section 3 and the security-service party with its checklist
PARTIES = "parties"                  # all five parties with their people and phones
LINEUP = "lineup"                    # performers and songs with their vetting
RISK = "risk"                        # the risk assessment: scores, factors, crowd figures, fuse flags, history
DEPLOYMENT = "deployment"            # the minimum deployment the risk model requires
RISK_INTERNAL = "risk_internal"      # the police's reasons: level override reasons
AUDIT = "audit"                      # the whole audit log
APPLICANT_AUDIT = "applicant_audit"  # the audit log without the internal entries
PERMIT = "permit"                    # the permit and the refusal decision
PLAN_PDF = "plan_pdf"                # the rendered security plan (status, preview, download)
OPINIONS = "opinions"                # the departments' opinions (police: all; a department: its own)

ALL_PARTS = frozenset({FACTS, DOCUMENTS, SECTOR_APPROVAL, PLAN, STAFFING, PARTIES, LINEUP, RISK, DEPLOYMENT,
                       RISK_INTERNAL, AUDIT, APPLICANT_AUDIT, PERMIT, PLAN_PDF, OPINIONS})
ORGANIZER_PARTS = ALL_PARTS - {RISK_INTERNAL, AUDIT, OPINIONS}
CULTURE_PARTS = frozenset({FACTS, LINEUP, SECTOR_APPROVAL})
COMPANY_PARTS = frozenset({FACTS, STAFFING, DEPLOYMENT, PERMIT, PLAN_PDF})
DEPARTMENT_PARTS = frozenset({FACTS, PLAN, OPINIONS})

# Catalogue codes (stable across catalogue versions) of what the narrow parts open.
SECTOR_APPROVAL_DOCUMENT = "sector_approvals"
STAFFING_SECTION = "security_staff"
STAFFING_PARTY = "security_company"

# Audit entries the organizer does not read: the police's own working (level overrides and their reasons, who
# was assigned to review or vet, the grant bookkeeping of approvals.access).
INTERNAL_AUDIT_ACTIONS = frozenset({AuditEntry.Action.LEVEL_OVERRIDDEN, AuditEntry.Action.ASSIGNED})
# ... and the reviewers' 已查验 marks on documents (their reading, not a decision).
INTERNAL_AUDIT_EVENTS = frozenset({AuditEntry.Event.DOCUMENT_CHECKED, AuditEntry.Event.DOCUMENT_UNCHECKED})
INTERNAL_SNAPSHOT_KEYS = frozenset({"access", "assigned_reviewer", "reviewer", "previous", "culture_official",
                                    "computed_level", "assessment"})


@dataclass(frozen=True)
class Dossier:
    """The parts of one application one user may see."""

    parts: frozenset

    def __contains__(self, part: str) -> bool:
        return part in self.parts

    def may_see_document(self, code: str) -> bool:
        return DOCUMENTS in self.parts or (SECTOR_APPROVAL in self.parts and code == SECTOR_APPROVAL_DOCUMENT)

    def may_see_section(self, code: str) -> bool:
        return PLAN in self.parts or (STAFFING in self.parts and code == STAFFING_SECTION)

    def may_see_party(self, code: str) -> bool:
        return PARTIES in self.parts or (STAFFING in self.parts and code == STAFFING_PARTY)

    @property
    def any_documents(self) -> bool:
        return bool({DOCUMENTS, SECTOR_APPROVAL} & self.parts)

    @property
    def any_sections(self) -> bool:
        return bool({PLAN, STAFFING} & self.parts)

    @property
    def any_parties(self) -> bool:
        return bool({PARTIES, STAFFING} & self.parts)

    @property
    def any_audit(self) -> bool:
        return bool({AUDIT, APPLICANT_AUDIT} & self.parts)

    def documents(self, documents) -> list:
        return [d for d in documents if self.may_see_document(d.document_type.code)]

    def sections(self, entries) -> list:
        return [e for e in entries if self.may_see_section(e.section.code)]

    def parties(self, assignments) -> list:
        return [a for a in assignments if self.may_see_party(a.party.code)]

    def audit_entries(self, entries) -> list:
        """The entries this user reads (the organizer's without the internal ones and their internal keys)."""
        if AUDIT in self.parts:
            return list(entries)
        if APPLICANT_AUDIT not in self.parts:
            return []
        shown = []
        for entry in entries:
            if audit_entry_is_internal(entry):
                continue
            if entry.snapshot and INTERNAL_SNAPSHOT_KEYS & set(entry.snapshot):
                entry.snapshot = {k: v for k, v in entry.snapshot.items() if k not in INTERNAL_SNAPSHOT_KEYS}
            shown.append(entry)
        return shown


def audit_entry_is_internal(entry) -> bool:
    return (entry.action in INTERNAL_AUDIT_ACTIONS or entry.event in INTERNAL_AUDIT_EVENTS
            or "access" in (entry.snapshot or {}))


def dossier_for(user, application) -> Dossier:
    """What of `application` the user may see (nothing if it may not see the application at all)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Dossier(frozenset())
    if user.is_superuser or application.user_may(user, REVIEW):
        return Dossier(ALL_PARTS)
    if not application.user_may(user, VIEW):
        return Dossier(frozenset())
    parts = {FACTS}
    if application.user_may(user, CHANGE) or user.is_organizer:
        parts |= ORGANIZER_PARTS
    if application.user_may(user, VET):
        parts |= CULTURE_PARTS
    if application.user_may(user, STAFF):
        parts |= COMPANY_PARTS
    if application.user_may(user, OPINE):
        parts |= DEPARTMENT_PARTS
    return Dossier(frozenset(parts))


def require(user, application, *parts: str) -> Dossier:
    """The user's dossier of `application` if it may see at least one of `parts`, else 404 (never 403: that
    a part exists is not told to those who may not read it)."""
    dossier = dossier_for(user, application)
    if not dossier.parts & set(parts):
        raise Http404("No such part of the application.")
    return dossier
