"""The one table of workflow actions: the API endpoints (approvals.workflow.api), the page action view
(approvals.workflow.views) and the actions panel (templates/approvals/includes/actions_panel.html through
approvals.templatetags.workflow_tags) are all generated from `REGISTRY`.

Each entry says what the action is called (button, confirmation, success message), what it takes (the API's
input serializer and the page form's fields), who may fire it and from which states (a transition: read from the
django-fsm table on the model, its `permission=` being role AND object permission via approvals.access; any other
action: a state trait and a check), what blocks it (the reason shown on a disabled button), and the service it
calls. Adding an action: one entry here and one service in approvals.workflow.actions.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .. import access
from ..clocks import services as clocks_services
from ..opinions import services as opinions
from . import actions, fsm, inputs
from .states import state_has


@dataclass(frozen=True)
class WorkflowAction:
    name: str  # the action code: panel, page URL (review:act), `actions` in the API's workflow state
    label: str  # the button
    success: str = ""  # the page's message once done
    confirm: str = ""  # asked before firing (data-confirm), if anything
    service: Callable | None = None  # called as service(application=, actor=, expected_revision=, **inputs)
    transition: str = ""  # the fsm transition it fires: states and role come from the model's table
    trait: str = ""  # otherwise: the state trait it needs (approvals.workflow.states) ...
    may: Callable | None = None  # ... and who may (application, user) → bool (role + object permission)
    # Input: the API's serializer and how its data becomes the service's keywords; the page form's fields.
    api_input: type = inputs.WorkflowRevisionInput
    from_api: Callable = lambda data: {}
    form: dict = field(default_factory=dict)
    # Where it is offered.
    api_slug: str = ""  # POST /api/applications/<pk>/workflow/<slug>/ ("" for none)
    api_operation: str = ""  # operationId application_<api_operation>
    api_summary: str = ""
    page: bool = True  # POST /review/applications/<pk>/act/<name>/
    listed: bool = True  # in available_actions (the API's `actions`, the panel)
    # The panel: an include and its place (buttons first, then the forms); None: drawn elsewhere in the panel.
    template: str | None = "approvals/review/action_button.html"
    rank: int = 0
    style: str = "primary"
    field_name: str = ""  # a reason form's field
    field_label: str = ""
    optional: bool = False
    # A non-transition action: why the state allows it but not this user (shown on a disabled button).
    refusal: Callable | None = None

    @property
    def is_button(self) -> bool:
        return self.template == "approvals/review/action_button.html" or self.template == LINK

    def offered(self, application, user) -> bool:
        """The state allows it and the user may fire it (blocking conditions are shown, not hidden)."""
        if not getattr(user, "is_authenticated", False):
            return False
        if self.transition:
            return fsm.allows(application, self.transition) and fsm.permits(application, self.transition, user)
        return (not self.trait or state_has(application.state, self.trait)) and bool(self.may(application, user))

    def withheld(self, application, user) -> str | None:
        """Why the state allows it but not for this user's authority (shown on a disabled button), or None."""
        if not getattr(user, "is_authenticated", False):
            return None
        if not self.transition:
            if self.refusal is None or (self.trait and not state_has(application.state, self.trait)):
                return None
            return self.refusal(application, user)
        if fsm.allows(application, self.transition) and not fsm.permits(application, self.transition, user):
            return actions.authority_refusal(application, self.transition, user)
        return None

    def perform(self, *, application, actor, expected_revision=None, **values):
        return self.service(application=application, actor=actor, expected_revision=expected_revision, **values)


LINK = "approvals/review/actions/vet_link.html"
REASON = "approvals/review/reason_form.html"


def _police(application, user) -> bool:
    return bool(user.is_police and application.user_may(user, access.REVIEW))


def _may_file_change(application, user) -> bool:
    return bool(user.is_organizer and application.user_may(user, access.CHANGE)
                and actions.pending_change(application) is None)


def _may_decide_change(application, user) -> bool:
    return bool(_police(application, user) and actions.pending_change(application) is not None
                and actions.change_refusal(application, user) is None)


def _change_withheld(application, user) -> str | None:
    if not _police(application, user):
        return None
    return actions.change_refusal(application, user)


def _unsigned_commitments(application, user) -> bool:
    return bool(user.is_organizer and application.user_may(user, access.CHANGE)
                and application.deferred_commitments.filter(signed_at__isnull=True).exists())


REGISTRY: dict[str, WorkflowAction] = {entry.name: entry for entry in (
    WorkflowAction(
        "submit", _("提交"), service=actions.application_submit, transition="submit", page=False, listed=False,
        template=None, api_slug="resubmit", api_operation="resubmit", api_summary="补正后重新提交"),
    WorkflowAction(
        "accept", _("受理"), _("已受理。"), service=actions.application_accept, transition="accept",
        api_slug="accept", api_operation="accept", api_summary="受理", rank=10),
    WorkflowAction(
        "accept_with_deferred", _("容缺受理"), _("已容缺受理，已通知申请单位签署承诺书。"),
        service=actions.application_accept_with_deferred, transition="accept_with_deferred",
        api_input=inputs.AcceptWithDeferredInput,
        from_api=lambda d: {"documents": d["documents"], "due_date": d["due_date"]},
        form={"documents": inputs.text_list("documents"), "due_date": inputs.iso_date("due_date")},
        api_slug="accept-with-deferred", api_operation="accept_with_deferred", api_summary="容缺受理",
        template="approvals/review/actions/accept_with_deferred.html", rank=110),
    WorkflowAction(
        "return_for_correction", _("退回补正"), _("已退回补正，已一次性告知申请单位需补正的事项。"),
        service=actions.application_return, transition="return_for_correction", api_input=inputs.CorrectionInput,
        from_api=lambda d: {"reason": d["reason"], "items": d["items"], "due_date": d.get("due_date")},
        form={"reason": inputs.text("reason"), "items": inputs.text_list("items"),
              "due_date": inputs.optional_iso_date("due_date")},
        api_slug="return", api_operation="return", api_summary="退回补正（一次性告知需补正的事项）",
        template="approvals/review/actions/return_for_correction.html", rank=120, style="outline-warning",
        field_name="reason", field_label=_("补正说明")),
    WorkflowAction(
        "start_review", _("开始审查"), _("已进入审查。"), service=actions.application_start_review,
        transition="start_review", api_slug="start-review", api_operation="start_review", api_summary="开始审查",
        rank=20),
    WorkflowAction(
        "approve", _("许可"), _("已许可，许可决定书已签发。"), _("确认作出许可决定并签发许可决定书？"),
        service=actions.application_approve, transition="approve", api_input=inputs.ApproveInput,
        from_api=lambda d: {"library_conditions": [dict(c) for c in d["library_conditions"]],
                            "extra_conditions": d["extra_conditions"]},
        form={"library_conditions": inputs.library_conditions(),
              "extra_conditions": inputs.text("extra_conditions", "")},
        api_slug="approve", api_operation="approve", api_summary="许可（可选标准许可条件和其他条件）",
        template="approvals/opinions/approve_form.html", rank=30, style="success"),
    WorkflowAction(
        "approve_provisionally", _("先批后审"), _("已先批后审，临时许可已签发。"), _("确认签发先批后审临时许可？"),
        service=actions.application_approve_provisionally, transition="approve_provisionally",
        api_slug="approve-provisionally", api_operation="approve_provisionally", api_summary="先批后审",
        rank=50, style="outline-success"),
    WorkflowAction(
        "confirm_post_review", _("先批后审确认通过"), _("先批后审已确认通过。"),
        service=actions.application_confirm_post_review, transition="confirm_post_review",
        api_slug="confirm-post-review", api_operation="confirm_post_review", api_summary="先批后审确认通过",
        rank=40, style="success"),
    WorkflowAction(
        "reject", _("不予许可"), _("已作出不予许可决定。"), service=actions.application_reject, transition="reject",
        api_input=inputs.WorkflowReasonInput, from_api=lambda d: {"reason": d["reason"]},
        form={"reason": inputs.text("reason")}, api_slug="reject", api_operation="reject", api_summary="不予许可",
        template=REASON, rank=130, style="outline-danger", field_name="reason", field_label=_("不予许可的理由")),
    WorkflowAction(
        "suspend", _("熔断"), _("已熔断。"), service=actions.application_suspend, transition="suspend",
        api_input=inputs.ApplicationSuspendInput,
        from_api=lambda d: {"reasons": d["reasons"], "required_changes": d["required_changes"]},
        form={"reasons": inputs.text("reasons"), "required_changes": inputs.text("required_changes")},
        api_slug="suspend", api_operation="suspend", api_summary="熔断",
        template="approvals/review/actions/suspend.html", rank=170),
    WorkflowAction(
        "resume", _("恢复"), _("已恢复。"), service=actions.application_resume, transition="resume",
        api_input=inputs.ApplicationResumeInput, from_api=lambda d: {"changes_made": d["changes_made"]},
        form={"changes_made": inputs.text("changes_made")}, api_slug="resume", api_operation="resume",
        api_summary="恢复", template=REASON, rank=150, style="success", field_name="changes_made",
        field_label=_("已完成的整改情况")),
    WorkflowAction(
        "revoke", _("撤销许可"), _("许可已撤销。"), service=actions.application_revoke, transition="revoke",
        api_input=inputs.WorkflowReasonInput, from_api=lambda d: {"reason": d["reason"]},
        form={"reason": inputs.text("reason")}, api_slug="revoke", api_operation="revoke", api_summary="撤销许可",
        template=REASON, rank=140, style="outline-danger", field_name="reason", field_label=_("撤销理由")),
    WorkflowAction(
        "withdraw", _("撤回申请"), _("申请已撤回。"), service=actions.application_withdraw, transition="withdraw",
        api_input=inputs.WorkflowReasonInput, from_api=lambda d: {"reason": d["reason"]},
        form={"reason": inputs.text("reason", "")}, api_slug="withdraw", api_operation="withdraw",
        api_summary="撤回申请", template=REASON, rank=160, style="outline-secondary", field_name="reason",
        field_label=_("撤回原因（可选）"), optional=True),
    WorkflowAction(
        "complete", _("办结"), _("已办结。"), service=actions.application_complete, transition="complete",
        api_slug="complete", api_operation="complete", api_summary="办结", rank=60, style="outline-secondary"),
    WorkflowAction(
        "assign_reviewer", _("分派"), _("已分派承办民警。"), service=actions.application_assign_reviewer,
        trait="assignable", may=lambda a, u: _police(a, u) and u.is_supervisor,
        api_input=inputs.AssigneeInput, from_api=lambda d: {"reviewer": inputs.api_user(d["user"])},
        form={"reviewer": inputs.active_user("reviewer")}, api_slug="assign-reviewer",
        api_operation="assign_reviewer", api_summary="分派承办民警（分局领导）",
        template="approvals/review/actions/assign_reviewer.html", rank=180),
    WorkflowAction(
        "assign_culture_vetting", _("指派文旅审核"), _("已指派文旅审核员。"),
        service=actions.application_assign_culture_vetting, trait="vetting_open",
        may=lambda a, u: _police(a, u) and a.event.has_performances,
        api_input=inputs.AssigneeInput, from_api=lambda d: {"official": inputs.api_user(d["user"])},
        form={"official": inputs.active_user("official")}, api_slug="assign-culture-vetting",
        api_operation="assign_culture_vetting", api_summary="指派文旅审核员",
        template="approvals/review/actions/assign_culture_vetting.html", rank=190),
    WorkflowAction(
        "set_supervising_party", _("填写监管部门（第五方）"), _("已填写监管部门。"),
        service=actions.application_set_supervising_party, trait="assignable", may=_police,
        api_input=inputs.SupervisingPartyInput, from_api=dict,
        form={name: inputs.text(name, "" if name == "responsible_title" else None)
              for name in ("organisation_name", "responsible_person", "phone", "responsible_title")},
        api_slug="supervising-party", api_operation="set_supervising_party", api_summary="填写监管部门（第五方）",
        template="approvals/review/actions/set_supervising_party.html", rank=200),
    # Drawn with the commitment it signs (the panel's commitments); its own URLs: review:commitment_sign and
    # workflow_api:commitment-sign.
    WorkflowAction("sign_commitment", _("签署承诺书"), may=_unsigned_commitments, page=False, template=None),
    WorkflowAction("vet", _("审核演出内容"), trait="vetting_open",
                   may=lambda a, u: bool(u.is_culture_official and a.user_may(u, access.VET)), page=False,
                   template=LINK, rank=70),
    # The statutory clocks (approvals.clocks): the officer asks, a supervisor approves (行政许可法 Art. 42).
    WorkflowAction(
        "extend_clock", _("申请延长决定期限"), _("已申请延长决定期限，待领导批准。"),
        service=clocks_services.clock_extension_request, trait="deciding",
        may=lambda a, u: clocks_services.may_request_extension(a, u), api_input=inputs.WorkflowReasonInput,
        from_api=lambda d: {"reason": d["reason"]}, form={"reason": inputs.text("reason")},
        api_slug="extend-clock", api_operation="extend_clock", api_summary="申请延长决定期限",
        template=REASON, rank=210, style="outline-secondary", field_name="reason", field_label=_("延长理由")),
    WorkflowAction(
        "approve_clock_extension", _("批准延长决定期限"), _("已批准延长决定期限。"),
        service=clocks_services.clock_extension_approve, trait="deciding",
        may=lambda a, u: clocks_services.may_approve_extension(a, u), api_slug="approve-clock-extension",
        api_operation="approve_clock_extension", api_summary="批准延长决定期限（分局领导）", rank=80,
        style="outline-primary"),

    # Department opinions (并联审批, approvals.opinions): the reviewer asks, a supervisor may override.
    WorkflowAction(
        "request_opinions", _("征求部门意见"), _("已征求部门意见，已通知相关部门。"),
        service=opinions.opinions_request, trait="deciding", may=opinions.may_request,
        api_input=inputs.OpinionsRequestInput,
        from_api=lambda d: {"departments": d["departments"], "due_date": d["due_date"], "note": d["note"]},
        form={"departments": inputs.text_list("departments"), "due_date": inputs.iso_date("due_date"),
              "note": inputs.text("note", "")},
        api_slug="request-opinions", api_operation="request_opinions", api_summary="征求部门意见（并联审批）",
        template="approvals/opinions/request_form.html", rank=195),
    WorkflowAction(
        "override_opinions", _("决定不受部门意见约束"), _("已决定不受待复或不同意的部门意见约束。"),
        service=opinions.opinions_override, trait="deciding", may=opinions.may_override,
        api_input=inputs.WorkflowReasonInput, from_api=lambda d: {"reason": d["reason"]},
        form={"reason": inputs.text("reason")}, api_slug="override-opinions", api_operation="override_opinions",
        api_summary="决定不受待复或不同意的部门意见约束（分局领导）", template=REASON, rank=135,
        style="outline-danger", field_name="reason", field_label=_("理由（将记入办理记录）")),

    # City-level decisions, changes and cancellation (Order 505 Art. 12, 20).
    WorkflowAction(
        "report_to_city", _("报市局审批"), _("已报市局审批，待市公安局决定。"), _("确认将本申请连同分局审查意见报市局审批？"),
        service=actions.application_report_to_city, transition="report_to_city",
        api_input=inputs.ReportToCityInput, from_api=lambda d: {"opinion": d["opinion"]},
        form={"opinion": inputs.text("opinion")}, api_slug="report-to-city", api_operation="report_to_city",
        api_summary="报市局审批（分局审查意见）", template="approvals/review/actions/report_to_city.html", rank=30,
        field_name="opinion", field_label=_("分局审查意见")),
    WorkflowAction(
        "cancel", _("取消活动"), _("活动已取消，许可已注销。"), service=actions.application_cancel, transition="cancel",
        api_input=inputs.WorkflowReasonInput, from_api=lambda d: {"reason": d["reason"]},
        form={"reason": inputs.text("reason")}, api_slug="cancel", api_operation="cancel",
        api_summary="取消活动（注销许可）", template=REASON, rank=215, style="outline-danger", field_name="reason",
        field_label=_("取消活动的原因（将通知许可机关）")),
    WorkflowAction(
        "request_change", _("申请变更"), _("变更申请已提交，待许可机关审查；批准前仍按原许可内容执行。"),
        service=actions.change_request_file, trait="changeable", may=_may_file_change,
        api_input=inputs.ChangeRequestInput,
        from_api=lambda d: {"sessions": [dict(s) for s in d["sessions"]], "venue": inputs.api_venue(d.get("venue")),
                            "reason": d["reason"]},
        form={"sessions": inputs.session_rows(), "venue": inputs.optional_venue("venue"),
              "reason": inputs.text("reason")},
        api_slug="change-request", api_operation="change_request", api_summary="申请变更（时间、地点、规模）",
        template="approvals/review/actions/request_change.html", rank=210),
    WorkflowAction(
        "decide_change", _("审查变更申请"), _("已对变更申请作出决定。"), service=actions.change_request_decide,
        trait="changeable", may=_may_decide_change, refusal=_change_withheld,
        api_input=inputs.ChangeDecisionInput,
        from_api=lambda d: {"decision": d["decision"], "reason": d["reason"]},
        form={"decision": inputs.text("decision", ""), "reason": inputs.text("reason", "")},
        api_slug="change-decision", api_operation="change_decision", api_summary="对变更申请作出决定",
        template="approvals/review/actions/decide_change.html", rank=25),
)}


def get(name: str) -> WorkflowAction:
    return REGISTRY[name]


def page_actions() -> dict[str, WorkflowAction]:
    return {name: entry for name, entry in REGISTRY.items() if entry.page}


def api_actions() -> dict[str, WorkflowAction]:
    return {entry.api_slug: entry for entry in REGISTRY.values() if entry.api_slug}


def available_actions(application, user) -> list[str]:
    """The action codes the user may take now (state, role and object permission; conditions are blockers)."""
    return [name for name, entry in REGISTRY.items() if entry.listed and entry.offered(application, user)]


def withheld_actions(application, user) -> dict[str, str]:
    """Actions the state allows but this officer's authority does not, each with the reason (shown on the
    panel as a disabled button instead of a dead end: e.g. a district supervisor and a city-level approval)."""
    withheld = {}
    for name, entry in REGISTRY.items():
        if entry.listed and entry.template is not None:
            reason = entry.withheld(application, user)
            if reason:
                withheld[name] = reason
    return withheld


def panel_entries(application, user) -> list[WorkflowAction]:
    """What the panel draws for this user, in its order (buttons first, then the forms)."""
    return sorted((entry for entry in REGISTRY.values()
                   if entry.template is not None and entry.listed and entry.offered(application, user)),
                  key=lambda entry: entry.rank)
