"""Risk API of one application: the latest assessment with its history, re-assess with a forecast, override.

Reads start from approvals.applications.selectors (another organisation's id → 404); the writes are police-only (403).
"""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from riskassess.models import Assessment
from riskassess.selectors import assessment_history

from .. import dossier as dossier_parts
from .. import access
from . import bridge as risk
from ..applications.selectors import application_for_user

ERRORS = {
    400: OpenApiResponse(description="Field-level errors: {\"field\": [\"message\"]}."),
    403: OpenApiResponse(description="Signed in and may see the application, but is not a police reviewer."),
    404: OpenApiResponse(description="No such application among those the user may see."),
}


class FactorOutputSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()
    severity = serializers.FloatField(help_text="0 (no risk) … 1")
    weight = serializers.FloatField()
    contribution = serializers.FloatField(help_text="Points of the total; the contributions add up to the total.")
    explanation = serializers.CharField()


class FuseFlagOutputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["over_capacity", "egress_over_limit", "staff_below_minimum",
                                            "struck_on_programme", "document_overdue"])
    reason = serializers.CharField()


class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    model_version = serializers.IntegerField(source="model_version.number")
    trigger = serializers.CharField()
    total = serializers.FloatField()
    level = serializers.CharField(help_text="Effective level (一级 … 四级); a reviewer's override wins.")
    computed_level = serializers.CharField()
    overridden = serializers.BooleanField()
    override_reason = serializers.SerializerMethodField()
    dimension_scores = serializers.DictField(child=serializers.FloatField())
    factors = FactorOutputSerializer(many=True)
    crowd = serializers.DictField()
    deployment = serializers.DictField()
    fuse_flags = FuseFlagOutputSerializer(many=True)
    forecast = serializers.DictField()

    def get_override_reason(self, assessment) -> str:
        """The police's own reason (approvals.dossier.RISK_INTERNAL): empty for the organizer."""
        if not self.context.get("risk_internal", True):
            return ""
        return assessment.override.reason if assessment.override_id else ""


class AssessmentSummaryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    total = serializers.FloatField()
    level = serializers.CharField()
    computed_level = serializers.CharField()
    fuse_flag_count = serializers.SerializerMethodField()
    trigger = serializers.CharField()

    def get_fuse_flag_count(self, assessment) -> int:
        return len(assessment.fuse_flags)


class RiskOutputSerializer(serializers.Serializer):
    latest = AssessmentOutputSerializer(allow_null=True)
    history = AssessmentSummaryOutputSerializer(many=True)


class ForecastInputSerializer(serializers.Serializer):
    max_temperature_c = serializers.FloatField(required=False, allow_null=True, min_value=-50, max_value=60)
    precipitation_mm = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1000)
    wind_speed_ms = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=100)


class OverrideInputSerializer(serializers.Serializer):
    level = serializers.CharField(allow_blank=True, help_text="一级 … 四级; empty clears the override.")
    reason = serializers.CharField(max_length=2000)


def _with_override(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_related("model_version", "override").get(pk=assessment.pk)


def _reviewable(request, pk):
    application = application_for_user(request.user, pk)
    if not application.user_may(request.user, access.REVIEW):
        raise PermissionDenied(_("只有审批民警可以进行风险评估。"))
    return application


class RiskView(APIView):
    @extend_schema(summary="申请的风险评估：最新结果与历史（公安、申请单位；调整理由仅公安）",
                   responses={200: RiskOutputSerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier = dossier_parts.require(request.user, application, dossier_parts.RISK)
        history = list(assessment_history(application.pk)[:50])
        return Response(RiskOutputSerializer({"latest": history[0] if history else None, "history": history},
                                             context={"risk_internal": dossier_parts.RISK_INTERNAL in dossier}).data)


class RiskAssessView(APIView):
    @extend_schema(summary="录入天气预报并重新评估（公安）", request=ForecastInputSerializer,
                   responses={201: AssessmentOutputSerializer, **ERRORS})
    def post(self, request, pk):
        application = _reviewable(request, pk)
        given = ForecastInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        forecast = given.validated_data if given.validated_data else None
        assessment = risk.assess_application(application=application, actor=request.user, forecast=forecast)
        return Response(AssessmentOutputSerializer(_with_override(assessment)).data, status=status.HTTP_201_CREATED)


class RiskOverrideView(APIView):
    @extend_schema(summary="调整安保等级（公安，须写明理由，记入审计日志）", request=OverrideInputSerializer,
                   responses={201: AssessmentOutputSerializer, **ERRORS})
    def post(self, request, pk):
        application = _reviewable(request, pk)
        given = OverrideInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        assessment = risk.override_level(application=application, actor=request.user, **given.validated_data)
        return Response(AssessmentOutputSerializer(_with_override(assessment)).data, status=status.HTTP_201_CREATED)
