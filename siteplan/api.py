"""The site plan as GeoJSON (read and write, validated) with the figures computed from it."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from django.urls import reverse
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
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
    background_url = serializers.CharField(allow_blank=True)
    background_px = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    scale = serializers.JSONField()
    features = serializers.JSONField()
    figures = serializers.JSONField()
    editable = serializers.BooleanField()
    may_place_posts = serializers.BooleanField()


class BackgroundInputSerializer(serializers.Serializer):
    background = serializers.FileField(help_text="PNG, JPEG, WebP image, or a PDF (its first page is used)")


class ScaleInputSerializer(serializers.Serializer):
    a = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2,
                              help_text="[x, y] in background pixels from the top-left corner (metres on a grid)")
    b = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)
    distance_m = serializers.FloatField(help_text="the real distance between a and b, in metres")


def _payload(plan, application, user) -> dict:
    has_background = bool(plan and plan.background and plan.background_width_px)
    return {"revision": plan.revision if plan else 0,
            "background_kind": plan.background_kind if plan else "grid",
            "background_url": (reverse("siteplan:background", args=[application.pk]) + f"?r={plan.revision}"
                               if has_background else ""),
            "background_px": [plan.background_width_px, plan.background_height_px] if has_background else None,
            "scale": plan.scale if plan else {},
            "may_place_posts": services.may_place_posts(application, user),
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


class SitePlanBackgroundView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="上传场地平面图底图（图片，或 PDF 第一页转换为图片）", request=BackgroundInputSerializer,
                   responses={200: SitePlanOutputSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.PLAN)
        given = BackgroundInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plan = services.plan_background_set(application=application, actor=request.user,
                                            uploaded=given.validated_data["background"])
        return Response(SitePlanOutputSerializer(_payload(plan, application, request.user)).data)


class SitePlanScaleView(APIView):
    @extend_schema(summary="以两点及其实际距离设定比例尺（图层随之换算）", request=ScaleInputSerializer,
                   responses={200: SitePlanOutputSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.PLAN)
        given = ScaleInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        plan = services.plan_scale_set(application=application, actor=request.user, a=data["a"], b=data["b"],
                                       distance_m=data["distance_m"])
        return Response(SitePlanOutputSerializer(_payload(plan, application, request.user)).data)


class SitePlanDeploymentAcceptView(APIView):
    @extend_schema(summary="接受由平面图推算的警力部署（补足缺少的点位，记入审计日志）", request=None,
                   responses={200: SitePlanOutputSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
        plan, _added = services.deployment_accept(application=application, actor=request.user)
        return Response(SitePlanOutputSerializer(_payload(plan, application, request.user)).data)
