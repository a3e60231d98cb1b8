"""DRF endpoints of the organizer's journey: catalogue, organisations, applications and their contents.

Thin: every read starts from approvals.applications.selectors (another organisation's id → 404), every write is a service
(a seen-but-not-allowed write → 403, invalid data → 400 with field-level messages).
"""
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import validation_error_detail
from events.models import Organisation, Performer, Song
from events.selectors import own_organisation, venues_usable_by
from events.serializers import OrganisationOutputSerializer

from .. import dossier as dossier_parts
from .. import access
from . import services
from .checklist import application_checklist, blocking_gaps
from .requirements import requirements_for
from .filters import ApplicationFilter
from ..models import Application, CatalogueVersion, DocumentVersion, PartyAssignment
from .selectors import BoundedCountPaginator, application_for_user, application_list_queryset, \
    application_with_contents, applications_visible_to
from .serializers import (
    ApplicationCopyInputSerializer, ApplicationDetailOutputSerializer, ApplicationFactsInputSerializer, ApplicationListOutputSerializer,
    CatalogueOutputSerializer, ChecklistItemOutputSerializer, ChecklistOutputSerializer, DocumentSlotOutputSerializer,
    DocumentUploadInputSerializer, PartyAssignmentOutputSerializer, PartyInputSerializer, PerformerInputSerializer,
    PerformerOutputSerializer, SectionEntryOutputSerializer, SectionInputSerializer, SongInputSerializer,
    SongOutputSerializer,
)

ERROR_400 = OpenApiResponse(description="Field-level errors: {\"field\": [\"message\"]}.")
ERROR_403 = OpenApiResponse(description="Signed in, may see the application, may not do this.")
ERROR_404 = OpenApiResponse(description="No such object among those the user may see.")
WRITE_ERRORS = {400: ERROR_400, 403: ERROR_403, 404: ERROR_404}


def _writable(request, pk) -> Application:
    """The application if the user may see it (else 404) and change it (else 403), checked before the input."""
    application = application_for_user(request.user, pk)
    if not application.user_may(request.user, access.CHANGE):
        raise PermissionDenied(_("您无权修改此申请。"))
    return application


# ---------------------------------------------------------------------------------------------- catalogue


class CatalogueView(APIView):
    @extend_schema(summary="当前目录版本（必备材料、方案章节、五方责任）", responses=CatalogueOutputSerializer)
    def get(self, request):
        catalogue = CatalogueVersion.objects.prefetch_related(
            "document_types", "plan_sections", "parties__items").filter(is_current=True).first()
        if catalogue is None:
            raise NotFound(_("没有当前目录版本。"))
        return Response(CatalogueOutputSerializer(catalogue).data)


# ---------------------------------------------------------------------------------------------- organisations


@extend_schema_view(
    list=extend_schema(summary="单位列表：本单位；公安另见其可查看申请的申请单位"),
    retrieve=extend_schema(summary="单位详情"),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = OrganisationOutputSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        user = self.request.user
        queryset = own_organisation(user)
        if user.is_police:
            # Lives here, not in events.selectors: application visibility belongs to approvals.
            applicants = applications_visible_to(user).values("organisation_id")
            queryset = Organisation.objects.filter(Q(pk__in=queryset.values("pk")) | Q(pk__in=applicants))
        return queryset.order_by("name", "id")


# ---------------------------------------------------------------------------------------------- applications


class StableOrderingFilter(OrderingFilter):
    """The asked-for ordering, then the primary key: rows with equal keys never move between pages."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return ordering


class ApplicationPagination(PageNumberPagination):
    """`count` stops 100 rows past the page (selectors.BoundedCountPaginator); `count_is_lower_bound` says so."""
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = BoundedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_lower_bound"] = self.page.paginator.count_is_bounded
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_lower_bound"] = {
            "type": "boolean", "description": "count 只计到本页之后 100 条：为真时实际数量更多"}
        schema["required"] = [*schema.get("required", []), "count_is_lower_bound"]
        return schema


def _detail(application: Application, user) -> dict:
    """The checklist names every document and section: only for those who read the whole plan (dossier.PLAN)."""
    application_with_contents(application)
    checklist = None
    if dossier_parts.PLAN in dossier_parts.dossier_for(user, application):
        checklist = application_checklist(application)
    return ApplicationDetailOutputSerializer(application, context={"checklist": checklist}).data


def _refused_submission(request, pk, refused: DjangoValidationError) -> Response:
    """The service's messages, plus the blocking checklist items as data so a client can link to each."""
    detail = validation_error_detail(refused)
    application = application_with_contents(application_for_user(request.user, pk))
    gaps = blocking_gaps(application_checklist(application))
    if gaps and application.is_editable_by_organizer:
        detail["missing"] = ChecklistItemOutputSerializer(gaps, many=True).data
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(summary="申请列表（仅本人可查看的申请）"),
    retrieve=extend_schema(summary="申请详情：活动信息、标记、状态与清单",
                           responses={200: ApplicationDetailOutputSerializer, 404: ERROR_404}),
    create=extend_schema(summary="新建申请（草稿）", request=ApplicationFactsInputSerializer,
                         responses={201: ApplicationDetailOutputSerializer, 400: ERROR_400, 403: ERROR_403}),
    partial_update=extend_schema(summary="修改活动信息（草稿或退回补正时）", request=ApplicationFactsInputSerializer,
                                 responses={200: ApplicationDetailOutputSerializer, **WRITE_ERRORS}),
)
class ApplicationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Application.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = ApplicationListOutputSerializer
    pagination_class = ApplicationPagination
    filter_backends = [DjangoFilterBackend, StableOrderingFilter, SearchFilter]
    filterset_class = ApplicationFilter
    ordering_fields = ["created_at", "submitted_at", "event__start_at", "event__expected_attendance", "reference",
                       "state"]
    ordering = ["-created_at", "-id"]
    search_fields = ["reference", "event__name", "organisation__name"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return application_list_queryset(self.request.user)

    def retrieve(self, request, pk=None):
        return Response(_detail(application_for_user(request.user, pk), request.user))

    def create(self, request):
        user = request.user
        if user.organisation_id is None or not user.is_organizer:
            raise PermissionDenied(_("只有主办/承办单位的用户可以创建申请。"))
        facts = ApplicationFactsInputSerializer(data=request.data, venues=venues_usable_by(user))
        facts.is_valid(raise_exception=True)
        values = dict(facts.validated_data)
        co_organisers = values.pop("co_organisers", ())
        application = services.application_create(user=user, facts=values, co_organisers=co_organisers)
        return Response(_detail(application_for_user(user, application.pk), user), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        application = _writable(request, pk)
        facts = ApplicationFactsInputSerializer(data=request.data, partial=True,
                                                venues=venues_usable_by(request.user))
        facts.is_valid(raise_exception=True)
        values = dict(facts.validated_data)
        co_organisers = values.pop("co_organisers", None)
        services.application_update_facts(application=application, user=request.user, facts=values,
                                          co_organisers=co_organisers)
        return Response(_detail(application_for_user(request.user, pk), request.user))

    @extend_schema(
        summary="提交申请", request=None,
        responses={200: ApplicationDetailOutputSerializer, 403: ERROR_403, 404: ERROR_404, 400: OpenApiResponse(
            description="Refused: the messages under \"non_field_errors\" (or a field), and under \"missing\" the blocking "
                        "checklist items still to do.")},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = _writable(request, pk)
        try:
            services.application_submit(application=application, user=request.user)
        except DjangoValidationError as refused:
            return _refused_submission(request, pk, refused)
        return Response(_detail(application_for_user(request.user, pk), request.user))

    @extend_schema(summary="提交前清单（尚缺什么）", responses={200: ChecklistOutputSerializer, 404: ERROR_404})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def checklist(self, request, pk=None):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.PLAN)
        application = application_with_contents(application)
        return Response(ChecklistOutputSerializer(ChecklistOutputSerializer.build(
            application_checklist(application))).data)


# ---------------------------------------------------------------------------------------------- documents


def _document_slots(application: Application) -> list:
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("-number")
    return list(application.documents.select_related("document_type", "current_version")
                .prefetch_related(Prefetch("versions", queryset=versions)).order_by("document_type__number"))


def _slot_context(application: Application) -> dict:
    event = application.event
    return {"event": event, "requirements": requirements_for(application, documents=())}


class DocumentListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="必备材料及其各版本（文旅只见第 9 项；保安公司 404）",
                   responses={200: DocumentSlotOutputSerializer(many=True), 404: ERROR_404})
    def get(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier = dossier_parts.require(request.user, application, dossier_parts.DOCUMENTS,
                                        dossier_parts.SECTOR_APPROVAL)
        return Response(DocumentSlotOutputSerializer(dossier.documents(_document_slots(application)), many=True,
                                                     context=_slot_context(application)).data)

    @extend_schema(summary="上传材料（新版本；旧版本保留）", request={"multipart/form-data": DocumentUploadInputSerializer},
                   responses={201: DocumentSlotOutputSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        application = _writable(request, pk)
        upload = DocumentUploadInputSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        code = upload.validated_data["document_type"]
        services.document_upload(application=application, user=request.user, document_type_code=code,
                                 uploaded=upload.validated_data["file"])
        slot = next(s for s in _document_slots(application) if s.document_type.code == code)
        return Response(DocumentSlotOutputSerializer(slot, context=_slot_context(application)).data,
                        status=status.HTTP_201_CREATED)


class FileRenderer(BaseRenderer):
    """Lets a client ask for the file's own type (Accept: application/pdf); errors still go out as JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, bytearray)):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class DocumentDownloadView(APIView):
    renderer_classes = [JSONRenderer, FileRenderer]

    @extend_schema(summary="下载材料的某一版本", responses={
        **{(200, content_type): OpenApiTypes.BINARY for content_type in settings.DOCUMENT_ALLOWED_TYPES},
        404: ERROR_404})
    def get(self, request, pk, code, number):
        application = application_for_user(request.user, pk)
        version = DocumentVersion.objects.filter(
            document__application=application, document__document_type__code=code, number=number).first()
        if version is None or not dossier_parts.dossier_for(request.user, application).may_see_document(code):
            raise NotFound(_("没有这个材料版本。"))
        return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.original_name,
                            content_type=version.content_type)


# ---------------------------------------------------------------------------------------------- sections


def _section_entry(application: Application, code: str):
    entry = application.sections.select_related("section").filter(section__code=code).first()
    if entry is None:
        raise NotFound(_("没有这个方案章节。"))
    return entry


class SectionListView(APIView):
    @extend_schema(summary="安全工作方案各章节（保安公司只见第 3 章）",
                   responses={200: SectionEntryOutputSerializer(many=True), 404: ERROR_404})
    def get(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier = dossier_parts.require(request.user, application, dossier_parts.PLAN, dossier_parts.STAFFING)
        entries = application.sections.select_related("section").order_by("section__number")
        return Response(SectionEntryOutputSerializer(dossier.sections(entries), many=True).data)


class SectionDetailView(APIView):
    @extend_schema(summary="方案章节", responses={200: SectionEntryOutputSerializer, 404: ERROR_404})
    def get(self, request, pk, code):
        application = application_for_user(request.user, pk)
        if not dossier_parts.dossier_for(request.user, application).may_see_section(code):
            raise NotFound(_("没有这个方案章节。"))
        return Response(SectionEntryOutputSerializer(_section_entry(application, code)).data)

    @extend_schema(summary="保存方案章节（替换全部字段与文字说明）", request=SectionInputSerializer,
                   responses={200: SectionEntryOutputSerializer, **WRITE_ERRORS})
    def put(self, request, pk, code):
        return self._save(request, pk, code, partial=False)

    @extend_schema(summary="修改方案章节（只改给出的字段）", request=SectionInputSerializer,
                   responses={200: SectionEntryOutputSerializer, **WRITE_ERRORS})
    def patch(self, request, pk, code):
        return self._save(request, pk, code, partial=True)

    def _save(self, request, pk, code, *, partial: bool):
        application = _writable(request, pk)
        entry = _section_entry(application, code)
        given = SectionInputSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        data = given.validated_data.get("data", {})
        if partial:
            data = {**entry.data, **data}
        narrative = given.validated_data.get("narrative", entry.narrative if partial else "")
        services.section_save(application=application, user=request.user, section_code=code, raw_data=data,
                              narrative=narrative)
        return Response(SectionEntryOutputSerializer(_section_entry(application, code)).data)


# ---------------------------------------------------------------------------------------------- parties


def _party_assignments(application: Application):
    return (application.parties.select_related("party").prefetch_related("acknowledged_items", "party__items")
            .order_by("party__number"))


def _party_assignment(application: Application, code: str) -> PartyAssignment:
    assignment = _party_assignments(application).filter(party__code=code).first()
    if assignment is None:
        raise NotFound(_("没有这个责任方。"))
    return assignment


class PartyListView(APIView):
    @extend_schema(summary="五方责任（保安公司只见安保服务方）",
                   responses={200: PartyAssignmentOutputSerializer(many=True), 404: ERROR_404})
    def get(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier = dossier_parts.require(request.user, application, dossier_parts.PARTIES, dossier_parts.STAFFING)
        return Response(PartyAssignmentOutputSerializer(dossier.parties(_party_assignments(application)),
                                                        many=True).data)


class PartyDetailView(APIView):
    @extend_schema(summary="一个责任方", responses={200: PartyAssignmentOutputSerializer, 404: ERROR_404})
    def get(self, request, pk, code):
        application = application_for_user(request.user, pk)
        if not dossier_parts.dossier_for(request.user, application).may_see_party(code):
            raise NotFound(_("没有这个责任方。"))
        return Response(PartyAssignmentOutputSerializer(_party_assignment(application, code)).data)

    @extend_schema(summary="填写责任方（单位、责任人、电话、已确认的责任项）", request=PartyInputSerializer,
                   responses={200: PartyAssignmentOutputSerializer, **WRITE_ERRORS})
    def put(self, request, pk, code):
        application = _writable(request, pk)
        if not _party_assignment(application, code).party.named_by_organizer:
            raise PermissionDenied(_("监管部门由公安机关填写。"))  # before the input is judged: 403, not 400
        given = PartyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        services.party_save(application=application, user=request.user, party_code=code,
                            organisation_name=values["organisation_name"],
                            responsible_person=values["responsible_person"], phone=values["phone"],
                            responsible_title=values["responsible_title"],
                            acknowledged_item_ids=values["acknowledged_item_ids"])
        return Response(PartyAssignmentOutputSerializer(_party_assignment(application, code)).data)


# ---------------------------------------------------------------------------------------------- lineup


def _performers(application: Application):
    return application.event.performers.prefetch_related("songs").order_by("order", "id")


def _performer(application: Application, performer_id) -> Performer:
    performer = _performers(application).filter(pk=performer_id).first()
    if performer is None:
        raise NotFound(_("本申请没有这个演出者。"))
    return performer


def _song(performer: Performer, song_id) -> Song:
    song = performer.songs.filter(pk=song_id).first()
    if song is None:
        raise NotFound(_("本申请没有这首曲目。"))
    return song


def _merged(serializer_class, instance, data, *, partial: bool) -> dict:
    """Validated input; with PATCH, the saved values fill what the request leaves out."""
    given = serializer_class(data=data, partial=partial)
    given.is_valid(raise_exception=True)
    if not partial:
        return dict(given.validated_data)
    return {name: given.validated_data.get(name, getattr(instance, name)) for name in serializer_class().fields}


class PerformerListView(APIView):
    @extend_schema(summary="演出者及曲目", responses={200: PerformerOutputSerializer(many=True), 404: ERROR_404})
    def get(self, request, pk):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.LINEUP)
        return Response(PerformerOutputSerializer(_performers(application), many=True).data)

    @extend_schema(summary="添加演出者", request=PerformerInputSerializer,
                   responses={201: PerformerOutputSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        application = _writable(request, pk)
        given = PerformerInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        performer = services.performer_save(application=application, user=request.user, **given.validated_data)
        return Response(PerformerOutputSerializer(_performer(application, performer.pk)).data,
                        status=status.HTTP_201_CREATED)


class PerformerDetailView(APIView):
    @extend_schema(summary="演出者", responses={200: PerformerOutputSerializer, 404: ERROR_404})
    def get(self, request, pk, performer_id):
        application = application_for_user(request.user, pk)
        dossier_parts.require(request.user, application, dossier_parts.LINEUP)
        return Response(PerformerOutputSerializer(_performer(application, performer_id)).data)

    @extend_schema(summary="修改演出者（修改后重新审核）", request=PerformerInputSerializer,
                   responses={200: PerformerOutputSerializer, **WRITE_ERRORS})
    def put(self, request, pk, performer_id):
        return self._save(request, pk, performer_id, partial=False)

    @extend_schema(summary="修改演出者的部分字段", request=PerformerInputSerializer,
                   responses={200: PerformerOutputSerializer, **WRITE_ERRORS})
    def patch(self, request, pk, performer_id):
        return self._save(request, pk, performer_id, partial=True)

    @extend_schema(summary="删除演出者及其曲目", responses={204: None, **WRITE_ERRORS})
    def delete(self, request, pk, performer_id):
        application = _writable(request, pk)
        performer = _performer(application, performer_id)
        services.performer_delete(application=application, user=request.user, performer_id=performer.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(self, request, pk, performer_id, *, partial: bool):
        application = _writable(request, pk)
        performer = _performer(application, performer_id)
        values = _merged(PerformerInputSerializer, performer, request.data, partial=partial)
        services.performer_save(application=application, user=request.user, performer_id=performer.pk, **values)
        return Response(PerformerOutputSerializer(_performer(application, performer.pk)).data)


class SongListView(APIView):
    @extend_schema(summary="添加曲目", request=SongInputSerializer, responses={201: SongOutputSerializer, **WRITE_ERRORS})
    def post(self, request, pk, performer_id):
        application = _writable(request, pk)
        performer = _performer(application, performer_id)
        given = SongInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        song = services.song_save(application=application, user=request.user, performer_id=performer.pk,
                                  **given.validated_data)
        return Response(SongOutputSerializer(_song(performer, song.pk)).data, status=status.HTTP_201_CREATED)


class SongDetailView(APIView):
    @extend_schema(summary="修改曲目（修改后重新审核）", request=SongInputSerializer,
                   responses={200: SongOutputSerializer, **WRITE_ERRORS})
    def put(self, request, pk, performer_id, song_id):
        return self._save(request, pk, performer_id, song_id, partial=False)

    @extend_schema(summary="修改曲目的部分字段", request=SongInputSerializer,
                   responses={200: SongOutputSerializer, **WRITE_ERRORS})
    def patch(self, request, pk, performer_id, song_id):
        return self._save(request, pk, performer_id, song_id, partial=True)

    @extend_schema(summary="删除曲目", responses={204: None, **WRITE_ERRORS})
    def delete(self, request, pk, performer_id, song_id):
        application = _writable(request, pk)
        song = _song(_performer(application, performer_id), song_id)
        services.song_delete(application=application, user=request.user, song_id=song.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(self, request, pk, performer_id, song_id, *, partial: bool):
        application = _writable(request, pk)
        performer = _performer(application, performer_id)
        song = _song(performer, song_id)
        values = _merged(SongInputSerializer, song, request.data, partial=partial)
        services.song_save(application=application, user=request.user, performer_id=performer.pk, song_id=song.pk,
                           **values)
        return Response(SongOutputSerializer(_song(performer, song.pk)).data)


# ---------------------------------------------------------------------------------------------- copy


class ApplicationCopyView(APIView):
    @extend_schema(summary="以此为模板新建：复制为本单位的新草稿（选择复制内容，给出新日期）",
                   request=ApplicationCopyInputSerializer,
                   responses={201: ApplicationDetailOutputSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        from .copying import PARTS, application_copy, may_copy

        source = application_for_user(request.user, pk)
        if not may_copy(source, request.user):
            raise PermissionDenied(_("只有申请单位的用户可以以此为模板新建申请。"))
        given = ApplicationCopyInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        application = application_copy(
            source=source, user=request.user, parts=set(values.get("parts", PARTS)),
            first_start=values.get("first_start"), first_end=values.get("first_end"),
            shift_days=values.get("shift_days"))
        return Response(_detail(application_for_user(request.user, application.pk), request.user),
                        status=status.HTTP_201_CREATED)
