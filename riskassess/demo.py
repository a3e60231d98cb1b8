"""Demo data of the risk model: assess every demo application (called by `manage.py load_demo`).

Imports approvals only inside the function: riskassess never imports approvals at module level, and this
module is a demo hook, not part of the model.
"""


def load_demo(stdout) -> None:
    from approvals.models import Application
    from approvals.risk.bridge import assess_applications

    applications = list(Application.objects.select_related("event").order_by("pk"))
    assessments = {a.application_id: a for a in assess_applications(applications, trigger="demo")}
    for application in applications:
        assessment = assessments.get(application.pk)
        if assessment is None:
            continue
        flags = "、".join(flag["code"] for flag in assessment.fuse_flags) or "—"
        stdout.write(f"  风险评估 {application.event.name}: {assessment.level} ({assessment.total}) 熔断标记: {flags}")
