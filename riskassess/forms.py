"""Forms of the risk page: the reviewer's weather forecast and the level override."""
from django import forms
from django.utils.translation import gettext_lazy as _


class ForecastForm(forms.Form):
    max_temperature_c = forms.FloatField(label=_("最高气温（℃）"), required=False, min_value=-50, max_value=60)
    precipitation_mm = forms.FloatField(label=_("降水量（毫米）"), required=False, min_value=0, max_value=1000)
    wind_speed_ms = forms.FloatField(label=_("最大风速（米/秒）"), required=False, min_value=0, max_value=100)


class LevelOverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("安保等级"), required=False)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("恢复模型计算的等级"))] + [(lv.code, lv.name) for lv in levels]
