"""What each workflow action takes: the API's input serializers (their names are the OpenAPI components) and
the page form's fields, both read by approvals.workflow.registry."""
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import CorrectionRequest


class WorkflowRevisionInput(serializers.Serializer):
    expected_revision = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                                 help_text="The revision the client saw; a mismatch answers 409.")


class WorkflowReasonInput(WorkflowRevisionInput):
    reason = serializers.CharField(allow_blank=True, default="")


class CorrectionItemInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CorrectionRequest.ItemKind.choices)
    key = serializers.CharField(max_length=60, help_text="The item within its kind: a field name, a session's "
                                                        "position (1, 2…), a section, document or party code, a "
                                                        "performer or song id, or \"new\" (add a performer).")


class CorrectionInput(WorkflowReasonInput):
    """退回补正: the note (`reason`), the items to correct (required after acceptance), the due date."""

    items = CorrectionItemInput(many=True, required=False, default=list,
                                help_text="What the organizer must change, and alone may change. Empty only "
                                          "before acceptance (then everything is editable).")
    due_date = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="By when; default: in 5 days (no later than the day before the event).")


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


class ReportToCityInput(WorkflowRevisionInput):
    opinion = serializers.CharField(allow_blank=True, help_text="The district bureau's opinion (分局审查意见).")


class ChangeSessionInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, default="", max_length=100)
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    expected_attendance = serializers.IntegerField(min_value=1)


class ChangeRequestInput(WorkflowRevisionInput):
    sessions = ChangeSessionInput(many=True, help_text="Every session as it should be after the change.")
    venue = serializers.IntegerField(required=False, allow_null=True, help_text="Id of the new venue, if any.")
    reason = serializers.CharField(allow_blank=True)


class ChangeDecisionInput(WorkflowRevisionInput):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(allow_blank=True, default="")


class LibraryConditionInput(serializers.Serializer):
    id = serializers.IntegerField(help_text="A standard condition offered for this application.")
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                 help_text="The condition as edited by the reviewer (empty: the library's text).")


class ApproveInput(WorkflowRevisionInput):
    library_conditions = LibraryConditionInput(many=True, required=False, default=list,
                                               help_text="Standard permit conditions chosen (approvals.opinions).")
    extra_conditions = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000,
                                             help_text="Further conditions, one per line.")


class OpinionsRequestInput(WorkflowRevisionInput):
    departments = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                        help_text="Ids of the departments (authorities of kind department).")
    due_date = serializers.DateField(help_text="By when the departments answer (before the event).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# ---------------------------------------------------------------------------------------------- page form fields
# Each: (POSTed data) → the service's value, raising ValidationError on the field (shown as a page message).


def text(name: str, default=None):
    return lambda data: data.get(name, default)


def text_list(name: str):
    return lambda data: data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])


def library_conditions(name: str = "library_conditions"):
    """The standard conditions ticked on the approve form, each with its (possibly edited) text from the
    textarea `<name>-<id>`."""
    def parse(data) -> list[dict]:
        ids = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        return [{"id": pk, "text": (data.get(f"{name}-{pk}") or "").strip()} for pk in ids]
    return parse


def iso_date(name: str):
    def parse(data) -> date:
        try:
            return date.fromisoformat((data.get(name) or "").strip())
        except ValueError:
            raise ValidationError({name: _("请填写有效日期（YYYY-MM-DD）。")})
    return parse


def optional_iso_date(name: str):
    """A date, or None when the field is left empty (the service's default applies)."""
    parse = iso_date(name)
    return lambda data: parse(data) if (data.get(name) or "").strip() else None


def active_user(name: str):
    def parse(data):
        pk = data.get(name)
        user = get_user_model().objects.filter(pk=pk or None, is_active=True).first() \
            if str(pk or "").isdigit() else None
        if user is None:
            raise ValidationError({name: _("请选择人员。")})
        return user
    return parse


def api_user(pk):
    """The API's assignee (AssigneeInput.user) as a user, or a 400 on "user"."""
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({"user": _("没有这个用户。")})
    return user


# Sessions of a change request on the page: rows session-<i>-start_at / -end_at / -expected_attendance / -name.
MAX_CHANGE_SESSIONS = 10


def session_rows(prefix: str = "session"):
    def parse(data) -> list[dict]:
        rows = []
        for index in range(MAX_CHANGE_SESSIONS):
            values = {key: (data.get(f"{prefix}-{index}-{key}") or "").strip()
                      for key in ("name", "start_at", "end_at", "expected_attendance")}
            if not (values["start_at"] or values["end_at"] or values["expected_attendance"]):
                continue
            rows.append(values)
        return rows
    return parse


def optional_venue(name: str):
    """A venue id from the page (empty: unchanged)."""
    def parse(data):
        from events.models import Venue

        pk = (data.get(name) or "").strip()
        if not pk:
            return None
        venue = Venue.objects.filter(pk=pk).first() if pk.isdigit() else None
        if venue is None:
            raise ValidationError({name: _("没有这个场所。")})
        return venue
    return parse


def api_venue(pk):
    from events.models import Venue

    if pk in (None, ""):
        return None
    venue = Venue.objects.filter(pk=pk).first()
    if venue is None:
        raise ValidationError({"venue": _("没有这个场所。")})
    return venue
