"""The bridge from approvals to riskassess: build plain facts from an application and ask for the score.

riskassess never imports approvals; approvals asks it. (Stub until the risk-assessment work lands.)
"""


def assess_application(*, application, actor=None, forecast=None):
    """Score the application, store an Assessment, update application.security_level; returns the assessment."""
    return None


def fuse_flags_blocking_approval(application) -> list[str]:
    """Human-readable reasons (fuse flags) that block approval; empty when approval may proceed."""
    return []
