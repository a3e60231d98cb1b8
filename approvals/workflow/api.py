"""API of the review workflow: one POST endpoint per action, plus the workflow state, audit log and permit.

The action endpoints are generated from approvals.workflow.registry (slug, operationId, summary, input
serializer, service). Thin: the entry's input serializer, its service, the application's new state out. A stale
`expected_revision` (someone else acted first) answers 409 Conflict.
"""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from events.models import Performer, Song

from .. import access, dossier, workflow
from ..applications import selectors
from ..audit import event_label
from ..models import Application, AuditEntry, DeferredCommitment, Permit
from . import corrections, registry
# The actions' inputs live with the registry (their class names are the schema's components).
from .inputs import (  # noqa: F401
    AcceptWithDeferredInput, ApplicationResumeInput, ApplicationSuspendInput, AssigneeInput, ChangeDecisionInput,
    ChangeRequestInput, ReportToCityInput, SupervisingPartyInput, WorkflowReasonInput, WorkflowRevisionInput,
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("已被他人修改。")


# ---------------------------------------------------------------------------------------------- serializers


class VettingDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "struck"])
    reason = serializers.CharField(allow_blank=True, default="")


def _person(user) -> str | None:
    """A user's display name, or None when there is none (never the repr of a missing user)."""
    return None if user is None else str(user)


class PermitDecisionOutput(serializers.Serializer):
    number = serializers.CharField()
    authority = serializers.CharField(source="authority.name",
                                      help_text="The deciding authority in whose name it is issued (许可机关).")
    amended_at = serializers.DateTimeField(allow_null=True, help_text="Last approved change (变更), if any.")
    cancelled_at = serializers.DateTimeField(allow_null=True, help_text="Cancelled by the organizer (取消).")
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
    event = serializers.ChoiceField(choices=AuditEntry.Event.choices,
                                    help_text="What happened (typed); `action` is the older, coarser kind.")
    event_label = serializers.SerializerMethodField()
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

    def get_event_label(self, entry) -> str:
        return event_label(entry)


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

    entry = None

    def post(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        serializer = self.entry.api_input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            result = self.entry.perform(application=application, actor=request.user,
                                        expected_revision=data.get("expected_revision"), **self.entry.from_api(data))
        except workflow.ApplicationConflict as conflict:
            raise Conflict(conflict.message)
        if not isinstance(result, Application):
            result = Application.objects.get(pk=application.pk)
        return Response(WorkflowApplicationStateOutput(result).data)


def _action_view(entry):
    """One APIView class per action, so the schema lists each with its own input."""

    @extend_schema(operation_id=f"application_{entry.api_operation}", summary=entry.api_summary,
                   request=entry.api_input, responses={200: WorkflowApplicationStateOutput, **ERRORS},
                   tags=["workflow"])
    def post(self, request, pk):
        return _Action.post(self, request, pk)

    name = "".join(p.title() for p in entry.api_operation.split("_"))
    return type(f"{name}WorkflowApi", (_Action,), {"entry": entry, "post": post})


# slug → view, for approvals.workflow.urls (workflow_api:<slug>).
ACTION_VIEWS = {slug: _action_view(entry) for slug, entry in registry.api_actions().items()}


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
        permit = get_object_or_404(Permit.objects.select_related("issued_by", "signed_by", "authority"),
                                   application=application)
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


# ---------------------------------------------------------------------------------------------- corrections


class CorrectionItemOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField()


class CorrectionChangeOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField(help_text="The item that changed (a field, section, document, party, performer…).")
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    field = serializers.CharField(help_text="What changed within the item (empty when added or removed).")
    field_label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class CorrectionOutput(serializers.Serializer):
    """The latest correction request (补正告知): what was asked, by when, and what changed since (`changes`)."""

    id = serializers.IntegerField()
    stage = serializers.CharField(help_text="The state the application left (and returns to on resubmission).")
    stage_label = serializers.CharField(source="get_stage_display")
    note = serializers.CharField()
    due_date = serializers.DateField()
    requested_by = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField()
    resubmitted_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField()
    items = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def get_requested_by(self, correction) -> str | None:
        return _person(correction.requested_by)

    @extend_schema_field(CorrectionItemOutput(many=True))
    def get_items(self, correction):
        return [{name: item[name] for name in ("kind", "kind_label", "key", "label")}
                for item in corrections.describe_items(correction.application, correction.items)]

    @extend_schema_field(CorrectionChangeOutput(many=True))
    def get_changes(self, correction):
        return [row.as_dict() for row in corrections.revision_changes(correction)]


class CorrectionApi(APIView):
    @extend_schema(operation_id="application_correction",
                   summary="补正告知（最近一次）及其后的修改（公安与申请单位；无补正告知时 404）",
                   responses={200: CorrectionOutput, 404: ERRORS[404]}, tags=["workflow"])
    def get(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        dossier.require(request.user, application, dossier.AUDIT, dossier.APPLICANT_AUDIT)
        correction = corrections.latest_correction(application)
        if correction is None:
            raise exceptions.NotFound(gettext("该申请没有补正告知。"))
        return Response(CorrectionOutput(correction).data)
