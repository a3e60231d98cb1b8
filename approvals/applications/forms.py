"""Forms of the application pages: they shape input for the services, which hold the rules."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events import sessions as event_sessions
from events.models import Authority, Event, Organisation, Performer, Venue, VenueExit
from events.validators import (
    EVENT_DESCRIPTION_MAX_LENGTH, MAX_VENUE_EXITS, SECTION_NARRATIVE_MAX_LENGTH, validate_phone, validate_single_line,
)

from .sections import field_label

MAX_ATTENDANCE = 2_000_000  # above any real venue; keeps absurd input away from the database
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, and `is-invalid` on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_bootstrap()

    def apply_bootstrap(self) -> None:
        """Idempotent: forms that add fields after __init__ call it again."""
        for field in self.fields.values():
            widget = field.widget
            if "form-" in widget.attrs.get("class", ""):
                continue
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Every error passes here: field validation, clean(), and the services' errors added by the views.
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_service_errors(form, error: ValidationError, *, field_map=None) -> None:
    """Show a service's ValidationError on the form: on the field it names, or above the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


# ---------------------------------------------------------------------------------------------- facts & venue


class EventFactsForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=200, validators=[validate_single_line])
    # No preselected kind: a temple fair saved as the first choice (a concert) was scored as one.
    kind = forms.ChoiceField(label=_("活动类型"), choices=[("", _("请选择活动类型"))] + list(Event.Kind.choices))
    venue = forms.ModelChoiceField(label=_("场所"), queryset=Venue.objects.none(), required=False,
                                   empty_label=_("— 登记新场所 —"),
                                   help_text=_("选择本单位登记的场所，或在下方登记新场所。"))
    rated_capacity = forms.IntegerField(label=_("场所核定容量"), min_value=1, max_value=MAX_ATTENDANCE)
    ticketed = forms.BooleanField(label=_("售票"), required=False, initial=True)
    temporary_structures = forms.IntegerField(label=_("临时搭建设施数量"), min_value=0, max_value=10_000, initial=0,
                                              help_text=_("舞台、看台等"))
    has_performances = forms.BooleanField(label=_("有演出"), required=False)
    alcohol_served = forms.BooleanField(label=_("现场售酒"), required=False)
    description = forms.CharField(label=_("活动内容"), required=False, max_length=EVENT_DESCRIPTION_MAX_LENGTH,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("联合承办单位"), required=False, queryset=Organisation.objects.none(),
        help_text=_("两个及以上承办单位需上传联合承办协议。"))
    security_company = forms.ModelChoiceField(
        label=_("保安服务公司"), required=False, empty_label=_("— 暂未确定 —"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.SECURITY_COMPANY))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(owner=organisation).select_related("district")
        self.fields["co_organisers"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.ORGANIZER).exclude(pk=organisation.pk)
        self.fields["co_organisers"].widget.attrs["size"] = 4

    def facts(self) -> dict:
        """The event facts for application_create / application_update_facts (venue and sessions added by the
        view)."""
        return {key: value for key, value in self.cleaned_data.items() if key not in ("co_organisers", "venue")}


class SessionForm(BootstrapMixin, forms.Form):
    """One session (场次). The event's start, end and attendance are derived from its sessions."""

    name = forms.CharField(label=_("场次名称"), max_length=100, required=False, validators=[validate_single_line],
                           widget=forms.TextInput(attrs={"placeholder": _("如：第一晚")}))
    start_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_INPUT)
    end_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_INPUT)
    expected_attendance = forms.IntegerField(label=_("预计人数"), min_value=1, max_value=MAX_ATTENDANCE,
                                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_at"), cleaned.get("end_at")
        if start and end and end <= start:
            self.add_error("end_at", _("结束时间必须晚于开始时间。"))
        return cleaned


class BaseSessionFormSet(forms.BaseFormSet):
    """Rows left wholly empty are ignored; ticked "删除" removes a row. The rules across rows (overlap, dates)
    are the service's (events.sessions.session_errors): its errors come back onto the rows."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("一个活动最多登记 %(num)d 个场次。"),
    }

    def _kept(self):
        return [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]

    def clean(self):
        super().clean()
        if any(f.errors for f in self.forms if not self._should_delete_form(f)):
            return
        if not self._kept():
            raise ValidationError(_("至少填写一个场次（开始时间、结束时间和预计人数）。"))

    def sessions(self) -> list[dict]:
        return [{key: f.cleaned_data[key] for key in event_sessions.SESSION_FIELDS} for f in self._kept()]

    def largest_attendance(self) -> int:
        return max(s["expected_attendance"] for s in self.sessions())

    def add_service_errors(self, errors: dict) -> dict:
        """Put `sessions[i].field` errors on row i (i counts the kept rows); return the errors left over."""
        kept, rest = self._kept(), {}
        for key, messages in errors.items():
            index, _dot, field = key.removeprefix("sessions[").partition("].")
            if key.startswith("sessions[") and index.isdigit() and int(index) < len(kept):
                form = kept[int(index)]
                form.add_error(field if field in form.fields else None, messages)
            elif key == "sessions":
                self._non_form_errors = self.error_class(
                    [*self.non_form_errors(), *messages], error_class="nonform", renderer=self.renderer)
            else:
                rest[key] = messages
        return rest


SessionFormSet = forms.formset_factory(SessionForm, formset=BaseSessionFormSet, extra=0, min_num=1,
                                       max_num=event_sessions.MAX_SESSIONS,
                                       absolute_max=event_sessions.MAX_SESSIONS, validate_max=True, can_delete=True)


def session_formset(data=None, *, event=None):
    """The sessions formset of the facts form: the event's sessions, or one empty row for a new event."""
    initial = None
    if event is not None:
        initial = event_sessions.session_values(event_sessions.sessions_of(event))
    return SessionFormSet(data, initial=initial, prefix="sessions")


# Route venues (a marathon course): its kind, length and width, start and finish areas (risk helper's hunk).
VENUE_ROUTE_FIELDS = ["kind", "route_length_km", "route_width_m", "start_area_m2", "finish_area_m2"]


def route_venue_fields(form) -> None:
    """An area gives its usable area; a route its course (the usable area is then worked out from it)."""
    form.fields["kind"].required = False
    form.fields["usable_area_m2"].help_text = _("区域型场所填写；线路型场所按赛道及起终点区自动计算。")
    for name in VENUE_ROUTE_FIELDS[1:]:
        form.fields[name].widget.attrs["data-route-field"] = "1"


class VenueForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "district", "usable_area_m2", "setting", "parking_spaces", "public_transport",
                  *VENUE_ROUTE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Authority.objects.filter(
            kind=Authority.Kind.POLICE, level=Authority.Level.DISTRICT)
        self.fields["usable_area_m2"].max_value = 10_000_000
        self.fields["usable_area_m2"].widget.attrs["max"] = 10_000_000
        route_venue_fields(self)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Venue.Kind.AREA  # an area unless the organizer says route


class VenueExitForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = VenueExit
        fields = ["name", "width_m", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A row of the exits table: the column header is the visible label, the field names itself for a
        # screen reader (axe label / select-name).
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class BaseExitFormSet(forms.BaseModelFormSet):
    default_error_messages = {
        **forms.BaseModelFormSet.default_error_messages,
        "too_many_forms": _("一个场所最多登记 %(num)d 个出口。"),
    }

    def clean(self):
        super().clean()
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise ValidationError(_("至少填写一个出口及其宽度。"))

    def exits(self) -> list[dict]:
        return [{key: f.cleaned_data[key] for key in ("name", "width_m", "kind")}
                for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


ExitFormSet = forms.modelformset_factory(VenueExit, form=VenueExitForm, formset=BaseExitFormSet, extra=3,
                                         max_num=MAX_VENUE_EXITS, absolute_max=MAX_VENUE_EXITS, validate_max=True,
                                         can_delete=False)


def exit_formset(data=None):
    return ExitFormSet(data, queryset=VenueExit.objects.none(), prefix="exits")


# ---------------------------------------------------------------------------------------------- plan sections


class SectionForm(BootstrapMixin, forms.Form):
    """One plan section, built from PlanSection.fields. Values stay text here: the service converts and
    validates them (one set of rules), and its per-field errors come back onto this form."""

    def __init__(self, *args, section, **kwargs):
        kwargs.setdefault("prefix", section.code)
        super().__init__(*args, **kwargs)
        self.section = section
        for spec in section.fields:
            label = field_label(spec)
            required_mark = spec.get("required") and spec.get("type") != "bool"
            kind = spec.get("type", "text")
            if kind == "bool":
                field = forms.BooleanField(label=label, required=False)
            elif kind in ("int", "decimal"):
                attrs = {"inputmode": "numeric" if kind == "int" else "decimal"}
                if spec.get("min") is not None:
                    attrs["min"] = spec["min"]
                if spec.get("max") is not None:
                    attrs["max"] = spec["max"]
                field = forms.CharField(label=label, required=False, max_length=30,
                                        widget=forms.TextInput(attrs=attrs))
            else:
                field = forms.CharField(label=label, required=False, max_length=2000)
            field.required_mark = required_mark
            self.fields[spec["key"]] = field
        self.fields["narrative"] = forms.CharField(
            label=_("文字说明"), required=False, max_length=SECTION_NARRATIVE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["narrative"].required_mark = section.narrative_required
        self.apply_bootstrap()

    def raw_data(self) -> dict:
        return {spec["key"]: self.cleaned_data.get(spec["key"]) for spec in self.section.fields}


def section_initial(entry) -> dict:
    initial = {key: value for key, value in (entry.data or {}).items()}
    initial["narrative"] = entry.narrative
    return initial


# ---------------------------------------------------------------------------------------------- parties


class PartyForm(BootstrapMixin, forms.Form):
    organisation_name = forms.CharField(label=_("单位名称"), max_length=200, required=False,
                                        validators=[validate_single_line])
    responsible_person = forms.CharField(label=_("责任人"), max_length=100, required=False,
                                         validators=[validate_single_line])
    responsible_title = forms.CharField(label=_("职务"), max_length=100, required=False,
                                        validators=[validate_single_line])
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False, validators=[validate_phone])
    acknowledged_items = forms.MultipleChoiceField(label=_("安保责任清单（逐项确认）"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, assignment, **kwargs):
        kwargs.setdefault("prefix", assignment.party.code)
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.fields["acknowledged_items"].choices = [(str(item.pk), item.text) for item in assignment.party.items.all()]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    @staticmethod
    def initial_for(assignment) -> dict:
        return {
            "organisation_name": assignment.organisation_name, "responsible_person": assignment.responsible_person,
            "responsible_title": assignment.responsible_title, "phone": assignment.phone,
            "acknowledged_items": [str(item.pk) for item in assignment.acknowledged_items.all()],
        }


# ---------------------------------------------------------------------------------------------- documents


class DocumentUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("选择文件"), help_text=_("PDF、JPEG 或 PNG"))

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("prefix", document.document_type.code)
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


# ---------------------------------------------------------------------------------------------- lineup


class PerformerForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Performer
        fields = ["name", "genre", "genre_intensity", "audience_interaction", "order"]
        widgets = {
            "genre_intensity": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "audience_interaction": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "order": forms.NumberInput(attrs={"min": 0}),
        }


class SongForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("曲目"), max_length=200, validators=[validate_single_line])
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=10_000, initial=0, required=False)


class ApplicationCopyForm(BootstrapMixin, forms.Form):
    """以此为模板新建: the parts to copy (all by default) and the new dates — a first session start and end, or
    every session shifted by a number of days."""

    parts = forms.MultipleChoiceField(label=_("复制内容"), required=False, widget=forms.CheckboxSelectMultiple)
    first_start = forms.DateTimeField(label=_("新的第一场开始时间"), required=False, widget=DATETIME_INPUT)
    first_end = forms.DateTimeField(label=_("新的第一场结束时间"), required=False, widget=DATETIME_INPUT)
    shift_days = forms.IntegerField(label=_("或：所有场次顺延天数"), required=False)

    def __init__(self, *args, **kwargs):
        from .copying import FACTS, PARTS

        super().__init__(*args, **kwargs)
        self.fields["parts"].choices = [(code, label) for code, label in PARTS.items()]
        self.fields["parts"].initial = list(PARTS)
        self.fields["parts"].help_text = _("活动信息总是复制；材料、审查记录、许可与审核结果从不复制。")
        self.facts_part = FACTS

    def clean(self):
        cleaned = super().clean()
        start, end, days = cleaned.get("first_start"), cleaned.get("first_end"), cleaned.get("shift_days")
        if days is None and start is None and not self.errors:
            self.add_error("first_start", _("请填写新的第一场开始时间，或选择整体顺延的天数（二选一）。"))
        elif days is not None and (start is not None or end is not None):
            self.add_error("shift_days", _("请填写新的第一场开始时间，或选择整体顺延的天数（二选一）。"))
        elif start is not None and end is None:
            self.add_error("first_end", _("此项为必填项。"))
        return cleaned
