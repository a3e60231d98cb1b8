"""API of department opinions: the opinions of an application (as the user may read them), a department's
answer and the reviewer's withdrawal. Requesting and overriding are workflow actions (registry: POST
/api/applications/<pk>/workflow/request-opinions/ and .../override-opinions/)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, dossier
from ..applications import selectors
from ..workflow.api import ERRORS
from . import services
from .models import OpinionRequest


class OpinionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    department_kind = serializers.CharField(source="department.department_kind.code", default="")
    due_date = serializers.DateField()
    note = serializers.CharField()
    verdict = serializers.CharField(help_text="agree, conditional, disagree, or empty while pending.")
    verdict_label = serializers.CharField(source="get_verdict_display")
    reasons = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    answered_by = serializers.CharField(default=None, allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    overridden = serializers.SerializerMethodField()
    override_reason = serializers.CharField()
    blocks_approval = serializers.BooleanField()

    def get_overridden(self, opinion) -> bool:
        return opinion.overridden_at is not None


class OpinionAnswerInput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=OpinionRequest.Verdict.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    conditions = serializers.ListField(child=serializers.CharField(max_length=500), required=False, default=list,
                                       max_length=services.MAX_CONDITIONS)


class OpinionWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApplicationOpinionsApi(APIView):
    @extend_schema(operation_id="application_opinions", summary="部门意见（公安：全部；征求意见部门：本部门）",
                   responses={200: OpinionOutput(many=True), 404: ERRORS[404]}, tags=["opinions"])
    def get(self, request, pk):
        application = selectors.application_for_user(request.user, pk)
        dossier.require(request.user, application, dossier.OPINIONS)
        return Response(OpinionOutput(services.opinions_visible_to(request.user, application), many=True).data)


class OpinionAnswerApi(APIView):
    @extend_schema(operation_id="opinion_answer", summary="出具部门意见（同意 / 附条件同意 / 不同意）",
                   request=OpinionAnswerInput, responses={200: OpinionOutput, **ERRORS}, tags=["opinions"])
    def post(self, request, pk):
        opinion = get_object_or_404(OpinionRequest, pk=pk)
        selectors.application_for_user(request.user, opinion.application_id, perm=access.OPINE)
        serializer = OpinionAnswerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        opinion = services.opinion_answer(opinion=opinion, actor=request.user, **serializer.validated_data)
        return Response(OpinionOutput(opinion).data)


class OpinionWithdrawApi(APIView):
    @extend_schema(operation_id="opinion_withdraw", summary="撤回征求意见", request=OpinionWithdrawInput,
                   responses={200: OpinionOutput, **ERRORS}, tags=["opinions"])
    def post(self, request, pk):
        opinion = get_object_or_404(OpinionRequest, pk=pk)
        selectors.application_for_user(request.user, opinion.application_id, perm=access.REVIEW)
        serializer = OpinionWithdrawInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        opinion = services.opinion_withdraw(opinion=opinion, actor=request.user, **serializer.validated_data)
        return Response(OpinionOutput(opinion).data)
