"""Forms of the event-day pages: incidents, tickets issued, company records, suspension, statistics filter."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.validators import RECORD_DESCRIPTION_MAX_LENGTH
from events.models import AccountabilityRecord, AfterActionReview, Authority, Venue

from .models import Incident, IncidentKind, Zone


class _Bootstrap:
    def _style(self):
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class IncidentForm(_Bootstrap, forms.Form):
    kind = forms.ModelChoiceField(label=_("类别"), queryset=IncidentKind.objects.filter(is_active=True),
                                  empty_label=None)
    occurred_at = forms.DateTimeField(label=_("发生时间"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    zone = forms.ModelChoiceField(label=_("区域"), queryset=Zone.objects.none(), required=False)
    place = forms.CharField(label=_("地点"), max_length=200)
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=0, initial=1)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Incident.Severity.choices,
                                 initial=Incident.Severity.MINOR)
    status = forms.ChoiceField(label=_("处置状态"), choices=Incident.Status.choices, initial=Incident.Status.HANDLING)
    description = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("处置结果"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              help_text=_("已处置时必填。"))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(event=event).order_by("order", "pk")
        self.fields["occurred_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self._style()


class IncidentResolveForm(_Bootstrap, forms.Form):
    outcome = forms.CharField(label=_("处置结果"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class IncidentFilterForm(_Bootstrap, forms.Form):
    """The incident log's filter (GET): kind, severity, status, zone, violations only, free text."""

    kind = forms.ModelChoiceField(label=_("类别"), queryset=IncidentKind.objects.all(), required=False,
                                  empty_label=_("全部类别"))
    severity = forms.ChoiceField(label=_("严重程度"), required=False,
                                 choices=[("", _("全部"))] + list(Incident.Severity.choices))
    status = forms.ChoiceField(label=_("处置状态"), required=False,
                               choices=[("", _("全部"))] + list(Incident.Status.choices))
    zone = forms.ModelChoiceField(label=_("区域"), queryset=Zone.objects.none(), required=False,
                                  empty_label=_("全部区域"))
    violations = forms.BooleanField(label=_("仅违法违规"), required=False)
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None:
            self.fields["zone"].queryset = Zone.objects.filter(event=event).order_by("order", "pk")
        else:
            self.fields["zone"].queryset = Zone.objects.all()
        self._style()
        self.fields["violations"].widget.attrs["class"] = "form-check-input"


class AfterActionReviewForm(_Bootstrap, forms.Form):
    """The reviewer's findings and accountability decisions (the figures come from the records)."""

    findings = forms.CharField(label=_("复盘结论"), max_length=RECORD_DESCRIPTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    organizer_rating = forms.ChoiceField(label=_("承办单位履责评价"), choices=AfterActionReview.OrganizerRating.choices)
    accountability_severity = forms.ChoiceField(
        label=_("保安服务公司追责"), required=False,
        choices=[("", _("不追责"))] + list(AccountabilityRecord.Severity.choices))
    accountability_description = forms.CharField(label=_("追责事由"), required=False,
                                                 max_length=RECORD_DESCRIPTION_MAX_LENGTH,
                                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class TicketsForm(_Bootstrap, forms.Form):
    """Tickets issued for one session (the organizer or the security company reports them)."""

    tickets_issued = forms.IntegerField(label=_("已售（发）票数"), min_value=0, max_value=10_000_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class SuspendForm(_Bootstrap, forms.Form):
    reasons = forms.CharField(label=_("熔断理由"), widget=forms.Textarea(attrs={"rows": 2}))
    required_changes = forms.CharField(label=_("恢复须整改事项"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class DrillForm(_Bootstrap, forms.Form):
    held_on = forms.DateField(label=_("演练日期"), widget=forms.DateInput(attrs={"type": "date"}))
    scenario = forms.CharField(label=_("演练科目"), max_length=200)
    guards_trained = forms.IntegerField(label=_("参训保安人数"), min_value=1)
    event = forms.ModelChoiceField(label=_("针对活动"), queryset=None, required=False)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self._style()


class AccountabilityForm(_Bootstrap, forms.Form):
    decided_on = forms.DateField(label=_("追责日期"), widget=forms.DateInput(attrs={"type": "date"}))
    severity = forms.ChoiceField(label=_("程度"), choices=AccountabilityRecord.Severity.choices)
    description = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}))
    event = forms.ModelChoiceField(label=_("相关活动"), queryset=None, required=False)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self._style()


class StatisticsFilterForm(_Bootstrap, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    bureau = forms.ModelChoiceField(label=_("公安机关"), required=False,
                                    queryset=Authority.objects.filter(kind=Authority.Kind.POLICE))
    venue = forms.ModelChoiceField(label=_("场所"), required=False, queryset=Venue.objects.none())

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self._style()
