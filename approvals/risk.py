"""The bridge from approvals to riskassess: build plain facts from an application and ask for the score.

riskassess never imports approvals; approvals asks it. (Stub until the risk-assessment work lands.)
"""


def assess_application(*, application, actor=None, forecast=None):
    """Score the application, store an Assessment, update application.security_level; returns the assessment."""
    return None


def latest_assessment(application):
    """The newest riskassess Assessment of the application, or None."""
    return None


def fuse_flags_blocking_approval(application) -> list[str]:
    """Human-readable reasons (fuse flags) that block approval; empty when approval may proceed."""
    return []


def reassess_on_change(sender, application, **kwargs):
    """Receiver of approvals.signals.application_changed: re-assess (history is kept)."""
