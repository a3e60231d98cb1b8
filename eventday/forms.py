"""Forms of the event-day pages: incidents, tickets issued, company records, suspension, statistics filter."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import AccountabilityRecord, Authority, Venue

from .models import IncidentKind, Zone


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
    description = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("处置结果"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(event=event).order_by("order", "pk")
        self.fields["occurred_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
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
