"""DRF endpoints of the plan PDF: status, regenerate, download. Thin: selectors read, services write."""
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


from . import services
from .models import PlanVersion
from .selectors import plan_application_for_user, plan_panel, plan_version_for_user, plan_versions

ERROR_400 = OpenApiResponse(description="Field-level errors: {\"field\": [\"message\"]}.")
ERROR_403 = OpenApiResponse(description="Signed in, may see the application, may not do this.")
ERROR_404 = OpenApiResponse(description="No such application (or plan PDF) among those the user may see.")


class PlanVersionOutputSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["number", "status", "status_label", "error", "attempts", "trigger", "requested_at", "started_at",
                  "finished_at", "content_key", "sha256", "size", "pages", "download_url"]

    def get_download_url(self, version) -> str | None:
        if not version.file:
            return None
        return reverse("plans_api:download", kwargs={"application_pk": version.application_id},
                       request=self.context.get("request")) + f"?version={version.number}"


class PlanStatusOutputSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    renderable = serializers.BooleanField(help_text="许可后才能生成正式PDF")
    may_regenerate = serializers.BooleanField()
    current = PlanVersionOutputSerializer(allow_null=True, help_text="最新的有效版本（排队、生成中、已生成或失败）")
    ready = PlanVersionOutputSerializer(allow_null=True, help_text="最新可下载的版本")
    versions = PlanVersionOutputSerializer(many=True)


def _status_payload(request, application) -> dict:
    versions = plan_versions(application)
    panel = plan_panel(application, versions)
    context = {"request": request}
    return PlanStatusOutputSerializer({
        "application": application.pk,
        "renderable": application.state in services.RENDERABLE_STATES,
        "may_regenerate": services.plan_may_regenerate(request.user, application),
        "current": panel.current,
        "ready": panel.ready,
        "versions": versions,
    }, context=context).data


class PlanStatusView(APIView):
    @extend_schema(summary="安全工作方案PDF的状态与全部版本", responses={200: PlanStatusOutputSerializer, 404: ERROR_404})
    def get(self, request, application_pk):
        application = plan_application_for_user(request.user, application_pk)
        return Response(_status_payload(request, application))


class PlanRegenerateView(APIView):
    @extend_schema(
        summary="按当前内容生成（或重新生成）安全工作方案PDF",
        description="幂等：内容未变化时不重复生成，返回已有版本；失败或丢失的版本重新排队。",
        request=None,
        responses={202: PlanStatusOutputSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    )
    def post(self, request, application_pk):
        application = plan_application_for_user(request.user, application_pk)
        if not services.plan_may_regenerate(request.user, application):
            raise PermissionDenied(_("您无权生成此申请的安全工作方案。"))
        services.plan_request(application=application, user=request.user, trigger="api")
        return Response(_status_payload(request, application), status=status.HTTP_202_ACCEPTED)


class PDFRenderer(BaseRenderer):
    """Lets a client send Accept: application/pdf; errors still go out as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, (bytes, bytearray)) else JSONRenderer().render(data)


class PlanDownloadView(APIView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="下载安全工作方案PDF",
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, description="版本号；缺省为最新已生成版本")],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERROR_404},
    )
    def get(self, request, application_pk):
        number = request.query_params.get("version")
        number = int(number) if number and number.isdigit() else None
        version = plan_version_for_user(request.user, application_pk, number)
        response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.download_name,
                                content_type="application/pdf")
        response["X-Content-SHA256"] = version.sha256
        response["Cache-Control"] = "private, no-store"
        return response
