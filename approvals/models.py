"""Every model of the approvals app, for Django (`apps.get_model`, migrations, "approvals.X" references).

The models live with their sub-domain: approvals.catalogue.models (the lists and rules), approvals.applications.models
(an application and what it holds, the audit log), approvals.workflow.models (commitments, suspensions, permits).
"""
from .applications.models import (  # noqa: F401
    Application,
    ApplicationDocument,
    ApplicationGroupObjectPermission,
    ApplicationState,
    ApplicationUserObjectPermission,
    AuditEntry,
    DocumentVersion,
    PartyAssignment,
    SavedInboxView,
    SectionDraft,
    SectionEntry,
    document_upload_path,
)
from .calendar.models import BlackoutWindow  # noqa: F401
from .opinions.models import ConditionTemplate, DecisionTemplate, OpinionRequest  # noqa: F401
from .clocks.models import CalendarDay, ClockExtension, ClockPolicy, OverdueNotice  # noqa: F401
from .catalogue.models import CatalogueVersion, DocumentType, Party, PlanSection, ResponsibilityItem  # noqa: F401
from .workflow.models import (  # noqa: F401
    ChangeRequest, DecisionNumberSequence, DeferredCommitment, Permit, Refusal, Suspension,
)
