"""API of the review workflow: one POST endpoint per action, plus the workflow state, audit log and permit.

Thin: an input serializer, a call to approvals.workflow, the application's new state out. A stale
`expected_revision` (someone else acted first) answers 409 Conflict.
"""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from events.models import Performer, Song

from . import access, dossier, selectors, workflow
from .models import Application, AuditEntry, DeferredCommitment, Permit


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("已被他人修改。")


# ---------------------------------------------------------------------------------------------- serializers


class WorkflowRevisionInput(serializers.Serializer):
    expected_revision = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                                 help_text="The revision the client saw; a mismatch answers 409.")


class WorkflowReasonInput(WorkflowRevisionInput):
    reason = serializers.CharField(allow_blank=True, default="")


class AcceptWithDeferredInput(WorkflowRevisionInput):
    documents = serializers.ListField(child=serializers.SlugField(), allow_empty=True,
                                      help_text="Codes of deferrable document types.")
    due_date = serializers.DateField()


class ApplicationSuspendInput(WorkflowRevisionInput):
    reasons = serializers.CharField(allow_blank=True)
    required_changes = serializers.CharField(allow_blank=True)


class ApplicationResumeInput(WorkflowRevisionInput):
    changes_made = serializers.CharField(allow_blank=True)


class AssigneeInput(serializers.Serializer):
    user = serializers.IntegerField(help_text="Id of the user to assign.")


class SupervisingPartyInput(serializers.Serializer):
    organisation_name = serializers.CharField(allow_blank=True)
    responsible_person = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    responsible_title = serializers.CharField(allow_blank=True, default="")


class VettingDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "struck"])
    reason = serializers.CharField(allow_blank=True, default="")


def _person(user) -> str | None:
    """A user's display name, or None when there is none (never the repr of a missing user)."""
    return None if user is None else str(user)


class PermitDecisionOutput(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    issued_at = serializers.DateTimeField()
    issued_by = serializers.SerializerMethodField(help_text="The officer in charge (承办民警) who issued it.")
    signed_by = serializers.SerializerMethodField(
        help_text="The supervisor who signed it off (签批领导); null while nobody has (levels 三级/四级 need none).")
    approved_attendance = serializers.IntegerField()
    conditions = serializers.ListField(child=serializers.CharField())
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_issued_by(self, permit) -> str:
        return _person(permit.issued_by) or ""

    def get_signed_by(self, permit) -> str | None:
        return _person(permit.signed_by)


class WorkflowApplicationStateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    revision = serializers.IntegerField()
    permit_number = serializers.SerializerMethodField()

    def get_permit_number(self, application) -> str | None:
        return Permit.objects.filter(application=application).values_list("number", flat=True).first()


class WorkflowDeadlineOutput(serializers.Serializer):
    kind = serializers.CharField()
    due = serializers.DateField()
    days_left = serializers.IntegerField()
    overdue = serializers.BooleanField()


class WorkflowStateOutput(WorkflowApplicationStateOutput):
    actions = serializers.ListField(child=serializers.CharField())
    deadlines = WorkflowDeadlineOutput(many=True)
    approval_blockers = serializers.ListField(child=serializers.CharField())
    withheld_actions = serializers.DictField(
        child=serializers.CharField(), help_text="Actions the state allows but another authority takes (e.g. the "
                                                 "city bureau for ≥ 5,000 people): action code → the reason.")


ACTOR_KINDS = [("user", "user"), ("system", "system")]


class WorkflowAuditEntryOutput(serializers.Serializer):
    """One audit entry. `actor` is the person's name, null when the system acted (a deadline, an automatic
    suspension); `actor_kind` says which; `actor_label` is what to show: the name, or "系统" / "System"."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    actor_kind = serializers.SerializerMethodField()
    actor_label = serializers.SerializerMethodField()
    action = serializers.CharField()
    transition = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    snapshot = serializers.JSONField()

    def get_actor(self, entry) -> str | None:
        return _person(entry.actor)

    @extend_schema_field(serializers.ChoiceField(choices=ACTOR_KINDS))
    def get_actor_kind(self, entry) -> str:
        return "system" if entry.actor_id is None else "user"

    def get_actor_label(self, entry) -> str:
        return _person(entry.actor) or gettext("系统")


class VettingResultOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    vetting_status = serializers.CharField()
    vetting_reason = serializers.CharField()


ERRORS = {400: OpenApiResponse(description="Refused: wrong state, missing reason, bad input (field errors)."),
          403: OpenApiResponse(description="The user's role may not take this action."),
          404: OpenApiResponse(description="No such application visible to the user."),
          409: OpenApiResponse(description="已被他人修改: the application changed since expected_revision.")}


# ---------------------------------------------------------------------------------------------- actions


class _Action(APIView):
    """POST one workflow action on one application the user may see."""

    input_serializer = WorkflowRevisionInput

    def call(self, application, data: dict):
        raise NotImplementedError

    def post(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = self.call(application, dict(serializer.validated_data))
        except workflow.ApplicationConflict as conflict:
            raise Conflict(conflict.message)
        if not isinstance(result, Application):
            result = Application.objects.get(pk=application.pk)
        return Response(WorkflowApplicationStateOutput(result).data)


def _user(pk):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({"user": gettext("没有这个用户。")})
    return user


def _action(name: str, summary: str, input_serializer, call):
    """One APIView class per action, so the schema lists each with its own input."""

    @extend_schema(operation_id=f"application_{name}", summary=summary, request=input_serializer,
                   responses={200: WorkflowApplicationStateOutput, **ERRORS}, tags=["workflow"])
    def post(self, request, pk):
        return _Action.post(self, request, pk)

    return type(f"{''.join(p.title() for p in name.split('_'))}WorkflowApi", (_Action,), {
        "input_serializer": input_serializer, "post": post,
        "call": lambda self, application, data: call(self.request, application, data)})


def _base(request, application, data):
    return {"application": application, "actor": request.user, "expected_revision": data.get("expected_revision")}


ACTION_VIEWS = {
    "accept": _action("accept", "受理", WorkflowRevisionInput,
                      lambda r, a, d: workflow.application_accept(**_base(r, a, d))),
    "accept-with-deferred": _action("accept_with_deferred", "容缺受理", AcceptWithDeferredInput,
                                    lambda r, a, d: workflow.application_accept_with_deferred(
                                        **_base(r, a, d), documents=d["documents"], due_date=d["due_date"])),
    "return": _action("return", "退回补正", WorkflowReasonInput,
                      lambda r, a, d: workflow.application_return(**_base(r, a, d), reason=d["reason"])),
    "resubmit": _action("resubmit", "补正后重新提交", WorkflowRevisionInput,
                        lambda r, a, d: workflow.application_resubmit(**_base(r, a, d))),
    "start-review": _action("start_review", "开始审查", WorkflowRevisionInput,
                            lambda r, a, d: workflow.application_start_review(**_base(r, a, d))),
    "approve": _action("approve", "许可", WorkflowRevisionInput,
                       lambda r, a, d: workflow.application_approve(**_base(r, a, d))),
    "approve-provisionally": _action("approve_provisionally", "先批后审", WorkflowRevisionInput,
                                     lambda r, a, d: workflow.application_approve_provisionally(**_base(r, a, d))),
    "confirm-post-review": _action("confirm_post_review", "先批后审确认通过", WorkflowRevisionInput,
                                   lambda r, a, d: workflow.application_confirm_post_review(**_base(r, a, d))),
    "reject": _action("reject", "不予许可", WorkflowReasonInput,
                      lambda r, a, d: workflow.application_reject(**_base(r, a, d), reason=d["reason"])),
    "revoke": _action("revoke", "撤销许可", WorkflowReasonInput,
                      lambda r, a, d: workflow.application_revoke(**_base(r, a, d), reason=d["reason"])),
    "suspend": _action("suspend", "熔断", ApplicationSuspendInput,
                       lambda r, a, d: workflow.application_suspend(**_base(r, a, d), reasons=d["reasons"],
                                                                    required_changes=d["required_changes"])),
    "resume": _action("resume", "恢复", ApplicationResumeInput,
                      lambda r, a, d: workflow.application_resume(**_base(r, a, d), changes_made=d["changes_made"])),
    "withdraw": _action("withdraw", "撤回申请", WorkflowReasonInput,
                        lambda r, a, d: workflow.application_withdraw(**_base(r, a, d), reason=d["reason"])),
    "complete": _action("complete", "办结", WorkflowRevisionInput,
                        lambda r, a, d: workflow.application_complete(**_base(r, a, d))),
    "assign-reviewer": _action("assign_reviewer", "分派承办民警（分局领导）", AssigneeInput,
                               lambda r, a, d: workflow.application_assign_reviewer(
                                   application=a, actor=r.user, reviewer=_user(d["user"]))),
    "assign-culture-vetting": _action("assign_culture_vetting", "指派文旅审核员", AssigneeInput,
                                      lambda r, a, d: workflow.application_assign_culture_vetting(
                                          application=a, actor=r.user, official=_user(d["user"]))),
    "supervising-party": _action("set_supervising_party", "填写监管部门（第五方）", SupervisingPartyInput,
                                 lambda r, a, d: workflow.application_set_supervising_party(
                                     application=a, actor=r.user, **d)),
}


# ---------------------------------------------------------------------------------------------- reads and the rest


class WorkflowStateApi(APIView):
    @extend_schema(operation_id="application_workflow", summary="审批状态、可执行操作、期限与许可障碍",
                   responses={200: WorkflowStateOutput, 404: ERRORS[404]}, tags=["workflow"])
    def get(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        actions = workflow.available_actions(application, request.user)
        data = WorkflowApplicationStateOutput(application).data
        data.update(actions=actions,
                    deadlines=WorkflowDeadlineOutput(workflow.application_deadlines(application), many=True).data,
                    approval_blockers=workflow.approval_blockers(application)
                    if {"approve", "confirm_post_review"} & set(actions) else [],
                    withheld_actions=workflow.withheld_actions(application, request.user))
        return Response(data)


class AuditLogApi(APIView):
    @extend_schema(operation_id="application_audit_log",
                   summary="办理记录（只增不改）：公安全部；申请单位不含内部记录；其他角色 404",
                   responses={200: WorkflowAuditEntryOutput(many=True), 404: ERRORS[404]}, tags=["workflow"])
    def get(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        parts = dossier.require(request.user, application, dossier.AUDIT, dossier.APPLICANT_AUDIT)
        entries = AuditEntry.objects.filter(application=application).select_related("actor").order_by("created_at", "id")
        return Response(WorkflowAuditEntryOutput(parts.audit_entries(entries), many=True).data)


class PermitApi(APIView):
    @extend_schema(operation_id="application_permit", summary="许可决定书",
                   responses={200: PermitDecisionOutput, 404: ERRORS[404]}, tags=["workflow"])
    def get(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        dossier.require(request.user, application, dossier.PERMIT)
        permit = get_object_or_404(Permit.objects.select_related("issued_by", "signed_by"), application=application)
        return Response(PermitDecisionOutput(permit).data)


class CommitmentSignApi(APIView):
    @extend_schema(operation_id="deferred_commitment_sign", summary="签署容缺承诺书（申请单位）", request=None,
                   responses={200: WorkflowApplicationStateOutput, **ERRORS}, tags=["workflow"])
    def post(self, request, pk, commitment_id):
        application = selectors.application_for_user(request.user, pk)
        commitment = get_object_or_404(DeferredCommitment, pk=commitment_id, application=application)
        workflow.deferred_commitment_sign(commitment=commitment, actor=request.user)
        return Response(WorkflowApplicationStateOutput(application).data)


class _VetApi(APIView):
    model = Performer

    def _item(self, application, item_id):
        raise NotImplementedError

    def post(self, request, pk, item_id):
        application = selectors.application_for_user(request.user, pk, perm=access.VET)
        item = self._item(application, item_id)
        serializer = VettingDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = workflow.performer_vet if isinstance(item, Performer) else workflow.song_vet
        kwargs = {"performer" if isinstance(item, Performer) else "song": item}
        item = service(actor=request.user, **kwargs, **serializer.validated_data)
        return Response(VettingResultOutput(item).data)


class PerformerVetApi(_VetApi):
    def _item(self, application, item_id):
        return get_object_or_404(Performer, pk=item_id, event_id=application.event_id)

    @extend_schema(operation_id="performer_vet", summary="审核演出者（文旅）", request=VettingDecisionInput,
                   responses={200: VettingResultOutput, **ERRORS}, tags=["workflow"])
    def post(self, request, pk, item_id):
        return super().post(request, pk, item_id)


class SongVetApi(_VetApi):
    def _item(self, application, item_id):
        return get_object_or_404(Song, pk=item_id, performer__event_id=application.event_id)

    @extend_schema(operation_id="song_vet", summary="审核曲目（文旅）", request=VettingDecisionInput,
                   responses={200: VettingResultOutput, **ERRORS}, tags=["workflow"])
    def post(self, request, pk, item_id):
        return super().post(request, pk, item_id)
