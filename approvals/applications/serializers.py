"""Input and output serializers of the organizer's API. Input serializers check types and ranges only; the
services hold the rules. Output serializers read rows the selectors already loaded (no query per row)."""
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events import sessions as event_sessions
from events.models import Event, EventSession, Organisation, Performer, Song, Venue
from events.validators import (
    EVENT_DESCRIPTION_MAX_LENGTH, SECTION_NARRATIVE_MAX_LENGTH, validate_phone, validate_single_line,
)

from ..models import (
    Application, ApplicationDocument, CatalogueVersion, DocumentType, DocumentVersion, Party, PartyAssignment,
    PlanSection, ResponsibilityItem, SectionEntry,
)
from .sections import field_label, missing_section_fields, section_is_complete

MAX_PEOPLE = 10_000_000
CHECKLIST_ITEM_KINDS = [("fact", "fact"), ("document", "document"), ("section", "section"), ("party", "party")]

# ---------------------------------------------------------------------------------------------- catalogue


class SectionFieldOutputSerializer(serializers.Serializer):
    """One structured field of a plan section, as listed in the catalogue."""

    key = serializers.CharField()
    label = serializers.SerializerMethodField()
    type = serializers.ChoiceField(choices=["int", "decimal", "text", "bool"])
    required = serializers.BooleanField(default=False)
    min = serializers.FloatField(required=False, allow_null=True)

    def get_label(self, field: dict) -> str:
        return field_label(field)


class DocumentTypeOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = DocumentType
        fields = ["code", "number", "name", "required_when", "deferrable", "filled_online"]
        read_only_fields = fields


class PlanSectionOutputSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    fields = SectionFieldOutputSerializer(many=True, read_only=True)

    class Meta:
        model = PlanSection
        fields = ["code", "number", "title", "required_by_regulation", "narrative_required", "fields"]
        read_only_fields = fields


class ResponsibilityItemOutputSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = ResponsibilityItem
        fields = ["id", "number", "text"]
        read_only_fields = fields


class PartyOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    items = ResponsibilityItemOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Party
        fields = ["code", "number", "name", "named_by_organizer", "items"]
        read_only_fields = fields


class CatalogueOutputSerializer(serializers.ModelSerializer):
    document_types = DocumentTypeOutputSerializer(many=True, read_only=True)
    plan_sections = PlanSectionOutputSerializer(many=True, read_only=True)
    parties = PartyOutputSerializer(many=True, read_only=True)

    class Meta:
        model = CatalogueVersion
        fields = ["number", "label", "permit_threshold", "city_level_threshold", "submission_lead_days",
                  "decision_days", "decision_days_are_working_days", "deferred_due_days_before_event",
                  "deferred_reminder_days", "post_review_days_before_event", "document_types", "plan_sections",
                  "parties"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------- applications


class ApplicationListOutputSerializer(serializers.ModelSerializer):
    """One row of the list: flat, from the select_related rows of application_list_queryset()."""

    state_display = serializers.CharField(source="get_state_display", read_only=True)
    event_name = serializers.CharField(source="event.name", read_only=True)
    event_kind = serializers.CharField(source="event.kind", read_only=True)
    start_at = serializers.DateTimeField(source="event.start_at", read_only=True)
    end_at = serializers.DateTimeField(source="event.end_at", read_only=True)
    expected_attendance = serializers.IntegerField(source="event.expected_attendance", read_only=True)
    venue_name = serializers.CharField(source="event.venue.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "reference", "state", "state_display", "event_name", "event_kind", "start_at", "end_at",
                  "expected_attendance", "venue_name", "organisation", "organisation_name", "district",
                  "district_name", "is_late", "needs_city_decision", "security_level", "submitted_at",
                  "created_at"]
        read_only_fields = fields


class SessionOutputSerializer(serializers.ModelSerializer):
    """One session (场次); `number` counts from 1 in time order."""

    class Meta:
        model = EventSession
        fields = ["name", "start_at", "end_at", "expected_attendance"]
        read_only_fields = fields


class EventFactsOutputSerializer(serializers.ModelSerializer):
    """start_at / end_at / expected_attendance are the summary of `sessions`: first start, last end, the largest
    session's attendance (the one that decides the thresholds)."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    co_organisers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sessions = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["name", "kind", "kind_display", "venue", "venue_name", "start_at", "end_at",
                  "expected_attendance", "rated_capacity", "ticketed", "temporary_structures", "has_performances",
                  "alcohol_served", "description", "security_company", "co_organisers", "sessions"]
        read_only_fields = fields

    @extend_schema_field(SessionOutputSerializer(many=True))
    def get_sessions(self, event) -> list[dict]:
        return SessionOutputSerializer(event_sessions.sessions_of(event), many=True).data


class ChecklistItemOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CHECKLIST_ITEM_KINDS)
    code = serializers.CharField()
    label = serializers.CharField()
    done = serializers.BooleanField()
    blocking = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class ChecklistOutputSerializer(serializers.Serializer):
    can_submit = serializers.BooleanField(help_text="No blocking item is missing.")
    missing = serializers.IntegerField(help_text="How many blocking items are missing.")
    items = ChecklistItemOutputSerializer(many=True)

    @staticmethod
    def build(items) -> dict:
        missing = sum(1 for item in items if item.blocking and not item.done)
        return {"can_submit": missing == 0, "missing": missing, "items": items}


class ApplicationDetailOutputSerializer(serializers.ModelSerializer):
    """Facts, flags, state and the live checklist (context["checklist"]) of one application."""

    state_display = serializers.CharField(source="get_state_display", read_only=True)
    is_editable = serializers.BooleanField(source="is_editable_by_organizer", read_only=True)
    catalogue_version = serializers.IntegerField(source="catalogue.number", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    assigned_reviewer_name = serializers.SerializerMethodField()
    event = EventFactsOutputSerializer(read_only=True)
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "reference", "state", "state_display", "is_editable", "revision", "catalogue_version",
                  "organisation", "organisation_name", "district", "district_name", "assigned_reviewer_name",
                  "is_late", "needs_city_decision", "security_level", "created_at", "updated_at", "submitted_at",
                  "event", "checklist"]
        read_only_fields = fields

    def get_assigned_reviewer_name(self, application) -> str | None:
        return str(application.assigned_reviewer) if application.assigned_reviewer_id else None

    @extend_schema_field(ChecklistOutputSerializer(allow_null=True))
    def get_checklist(self, application) -> dict | None:
        """Null for those who do not read the whole plan (the security company, the culture official)."""
        if self.context.get("checklist") is None:
            return None
        return ChecklistOutputSerializer(ChecklistOutputSerializer.build(self.context["checklist"])).data


class SessionInputSerializer(serializers.Serializer):
    """One session (场次). Dates, overlap and attendance rules are the service's (events.sessions)."""

    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="",
                                 validators=[validate_single_line])
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    expected_attendance = serializers.IntegerField(min_value=1, max_value=MAX_PEOPLE)


def flat_session_errors(errors) -> dict:
    """Nested row errors as one key per field, the same keys the service uses: sessions[1].end_at."""
    flat = {}
    for key, value in errors.items():
        rows = value
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rows = dict(enumerate(value))
        if key == "sessions" and isinstance(rows, dict) and rows and all(isinstance(i, int) for i in rows):
            for index, row in rows.items():  # DRF gives the failing rows by index
                for field, messages in row.items():
                    flat[event_sessions.session_key(index, field)] = messages
        else:
            flat[key] = value
    return flat


class ApplicationFactsInputSerializer(serializers.Serializer):
    """The event facts an organizer states; co_organisers are other organizer organisations' ids.

    `sessions` replaces the event's sessions (one or more). The event's start_at / end_at / expected_attendance
    are derived from them; sent instead of `sessions` they are the shorthand for an event of one session."""

    name = serializers.CharField(max_length=200, validators=[validate_single_line])
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.none())
    sessions = SessionInputSerializer(many=True, required=False, allow_empty=False,
                                      max_length=event_sessions.MAX_SESSIONS,
                                      help_text="The sessions (场次), each with its start, end and attendance.")
    start_at = serializers.DateTimeField(required=False, help_text="Shorthand for one session (use sessions).")
    end_at = serializers.DateTimeField(required=False, help_text="Shorthand for one session (use sessions).")
    expected_attendance = serializers.IntegerField(min_value=1, max_value=MAX_PEOPLE, required=False,
                                                   help_text="Shorthand for one session (use sessions).")
    rated_capacity = serializers.IntegerField(min_value=1, max_value=MAX_PEOPLE)
    ticketed = serializers.BooleanField(required=False)
    temporary_structures = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    has_performances = serializers.BooleanField(required=False)
    alcohol_served = serializers.BooleanField(required=False)
    description = serializers.CharField(max_length=EVENT_DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False)
    security_company = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.SECURITY_COMPANY), allow_null=True,
        required=False)
    co_organisers = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.ORGANIZER), many=True, required=False)

    def __init__(self, *args, venues=None, **kwargs):
        super().__init__(*args, **kwargs)
        if venues is not None:
            self.fields["venue"].queryset = venues

    def validate(self, attrs):
        if not self.partial and "sessions" not in attrs:
            missing = [key for key in ("start_at", "end_at", "expected_attendance") if key not in attrs]
            if missing:
                raise serializers.ValidationError({"sessions": [_("至少填写一个场次（开始时间、结束时间和预计人数）。")]})
        return attrs

    @property
    def errors(self):
        return flat_session_errors(super().errors)


# ---------------------------------------------------------------------------------------------- documents


class DocumentVersionOutputSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["number", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at",
                  "download_url"]
        read_only_fields = fields

    def get_uploaded_by(self, version) -> str:
        return str(version.uploaded_by)

    def get_download_url(self, version) -> str:
        document = version.document
        return reverse("approvals_api:document-download", kwargs={
            "pk": document.application_id, "code": document.document_type.code, "number": version.number})


class DocumentSlotOutputSerializer(serializers.ModelSerializer):
    """One required document: whether it applies to this event, its status and every uploaded version."""

    code = serializers.CharField(source="document_type.code", read_only=True)
    number = serializers.IntegerField(source="document_type.number", read_only=True)
    name = serializers.CharField(source="document_type.name", read_only=True)
    required_when = serializers.CharField(source="document_type.required_when", read_only=True)
    deferrable = serializers.BooleanField(source="document_type.deferrable", read_only=True)
    filled_online = serializers.BooleanField(source="document_type.filled_online", read_only=True)
    applies = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current_version = serializers.IntegerField(source="current_version.number", read_only=True, allow_null=True,
                                               default=None)
    versions = DocumentVersionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationDocument
        fields = ["code", "number", "name", "required_when", "deferrable", "filled_online", "applies", "status",
                  "status_display", "deferred_due_date", "current_version", "versions"]
        read_only_fields = fields

    def get_applies(self, document) -> bool:
        return self.context["requirements"].applies(document.document_type)


class DocumentUploadInputSerializer(serializers.Serializer):
    document_type = serializers.SlugField(max_length=40, help_text="The document type's code, e.g. event_plan.")
    # Emptiness, size and content type are the service's rules (check_upload), so one message says it.
    file = serializers.FileField(allow_empty_file=True, use_url=False)


# ---------------------------------------------------------------------------------------------- sections


class SectionEntryOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="section.code", read_only=True)
    number = serializers.IntegerField(source="section.number", read_only=True)
    title = serializers.CharField(source="section.title", read_only=True)
    narrative_required = serializers.BooleanField(source="section.narrative_required", read_only=True)
    fields = SectionFieldOutputSerializer(source="section.fields", many=True, read_only=True)
    data = serializers.DictField(read_only=True, help_text="Structured values keyed by field key.")
    complete = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()

    class Meta:
        model = SectionEntry
        fields = ["code", "number", "title", "narrative_required", "fields", "data", "narrative", "complete",
                  "missing", "updated_at"]
        read_only_fields = fields

    def get_complete(self, entry) -> bool:
        section = entry.section
        return section_is_complete(section.fields, entry.data, entry.narrative, section.narrative_required)

    def get_missing(self, entry) -> list[str]:
        return [field_label(f) for f in missing_section_fields(entry.section.fields, entry.data)]


class SectionInputSerializer(serializers.Serializer):
    """PUT replaces data and narrative; PATCH merges the given keys into the saved data."""

    data = serializers.DictField(required=False, default=dict,
                                 help_text="Structured values keyed by field key (see the catalogue).")
    narrative = serializers.CharField(max_length=SECTION_NARRATIVE_MAX_LENGTH, allow_blank=True, required=False,
                                      default="")


# ---------------------------------------------------------------------------------------------- parties


class PartyItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    acknowledged = serializers.BooleanField()


class PartyAssignmentOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="party.code", read_only=True)
    number = serializers.IntegerField(source="party.number", read_only=True)
    name = serializers.CharField(source="party.name", read_only=True)
    named_by_organizer = serializers.BooleanField(source="party.named_by_organizer", read_only=True)
    is_named = serializers.BooleanField(read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = PartyAssignment
        fields = ["code", "number", "name", "named_by_organizer", "organisation_name", "responsible_person",
                  "responsible_title", "phone", "is_named", "items", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(PartyItemOutputSerializer(many=True))
    def get_items(self, assignment) -> list[dict]:
        acknowledged = {item.pk for item in assignment.acknowledged_items.all()}
        return PartyItemOutputSerializer([
            {"id": item.pk, "number": item.number, "text": item.text, "acknowledged": item.pk in acknowledged}
            for item in assignment.party.items.all()
        ], many=True).data


class PartyInputSerializer(serializers.Serializer):
    organisation_name = serializers.CharField(max_length=200, allow_blank=True, validators=[validate_single_line])
    responsible_person = serializers.CharField(max_length=100, allow_blank=True, validators=[validate_single_line])
    responsible_title = serializers.CharField(max_length=100, allow_blank=True, required=False, default="",
                                              validators=[validate_single_line])
    phone = serializers.CharField(max_length=30, allow_blank=True, validators=[validate_phone])
    acknowledged_item_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                                  default=list, max_length=200)


# ---------------------------------------------------------------------------------------------- lineup


class SongOutputSerializer(serializers.ModelSerializer):
    vetting_status_display = serializers.CharField(source="get_vetting_status_display", read_only=True)

    class Meta:
        model = Song
        fields = ["id", "title", "order", "vetting_status", "vetting_status_display", "vetting_reason"]
        read_only_fields = fields


class PerformerOutputSerializer(serializers.ModelSerializer):
    vetting_status_display = serializers.CharField(source="get_vetting_status_display", read_only=True)
    songs = SongOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Performer
        fields = ["id", "name", "genre", "genre_intensity", "audience_interaction", "order", "vetting_status",
                  "vetting_status_display", "vetting_reason", "songs"]
        read_only_fields = fields


class PerformerInputSerializer(serializers.Serializer):
    """PUT replaces every field (omitted ones take their defaults); PATCH changes only the given ones."""

    name = serializers.CharField(max_length=200, validators=[validate_single_line])
    genre = serializers.CharField(max_length=100, allow_blank=True, required=False, default="", validators=[validate_single_line])
    genre_intensity = serializers.IntegerField(min_value=1, max_value=5, required=False, default=2)
    audience_interaction = serializers.IntegerField(min_value=1, max_value=5, required=False, default=2)
    order = serializers.IntegerField(min_value=0, max_value=10_000, required=False, default=0)


class SongInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    order = serializers.IntegerField(min_value=0, max_value=10_000, required=False, default=0)


class ApplicationCopyInputSerializer(serializers.Serializer):
    """以此为模板新建: the parts to copy (all when omitted; facts always) and the new dates — first_start with
    first_end, or shift_days."""

    parts = serializers.ListField(child=serializers.ChoiceField(choices=["facts", "sections", "parties", "lineup",
                                                                         "siteplan"]), required=False)
    first_start = serializers.DateTimeField(required=False)
    first_end = serializers.DateTimeField(required=False)
    shift_days = serializers.IntegerField(required=False, min_value=-3650, max_value=3650)

    def validate(self, attrs):
        both = _("请填写新的第一场开始时间，或选择整体顺延的天数（二选一）。")
        if "shift_days" in attrs and ("first_start" in attrs or "first_end" in attrs):
            raise serializers.ValidationError({"shift_days": [both]})
        if "shift_days" not in attrs and "first_start" not in attrs:
            raise serializers.ValidationError({"first_start": [both]})
        if "first_start" in attrs and "first_end" not in attrs:
            raise serializers.ValidationError({"first_end": [_("此项为必填项。")]})
        return attrs
