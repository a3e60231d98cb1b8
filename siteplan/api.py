"""The site plan as GeoJSON (read and write, validated) with the figures computed from it."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import dossier as dossier_parts
from approvals.applications.selectors import application_for_user

from . import services


class SitePlanInputSerializer(serializers.Serializer):
    features = serializers.JSONField(help_text="GeoJSON FeatureCollection in venue metres")
    width_m = serializers.FloatField(required=False, min_value=1, max_value=100_000)
    height_m = serializers.FloatField(required=False, min_value=1, max_value=100_000)
    revision = serializers.IntegerField(required=False, min_value=0)


class SitePlanOutputSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    background_kind = serializers.CharField()
    width_m = serializers.FloatField()
    height_m = serializers.FloatField()
    features = serializers.JSONField()
    figures = serializers.JSONField()
    editable = serializers.BooleanField()


def _payload(plan, application, user) -> dict:
    return {"revision": plan.revision if plan else 0,
            "background_kind": plan.background_kind if plan else "grid",
            "width_m": plan.width_m if plan else 200.0, "height_m": plan.height_m if plan else 150.0,
            "features": plan.features if plan and plan.features else services.EMPTY,
            "figures": plan.figures if plan else {},
            "editable": services.may_edit(application, user)}


class SitePlanView(APIView):
    @extend_schema(summary="场地平面图（GeoJSON，场地米制坐标）及计算结果", responses={200: SitePlanOutputSerializer})
    def get(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
        plan = services.plan_for(application)
        return Response(SitePlanOutputSerializer(_payload(plan, application, request.user)).data)

    @extend_schema(summary="保存场地平面图（整体替换；有任何错误则不保存）", request=SitePlanInputSerializer,
                   responses={200: SitePlanOutputSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def put(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.PLAN)
        given = SitePlanInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        plan = services.application_plan_save(
            application=application, actor=request.user, features=data["features"], width_m=data.get("width_m"),
            height_m=data.get("height_m"), expected_revision=data.get("revision"))
        return Response(SitePlanOutputSerializer(_payload(plan, application, request.user)).data)
