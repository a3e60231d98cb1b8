"""The keyboard form for one layer item: a plan can be made without a mouse (and tested without pixels)."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .layers import GATE_KINDS, GATE_ROLES, LAYERS

PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)\s*$")


class FeatureForm(forms.Form):
    kind = forms.ChoiceField(label=_("图层类型"), choices=[(k, layer.label) for k, layer in LAYERS.items()])
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    coordinates = forms.CharField(
        label=_("坐标（米）"), max_length=20_000,
        help_text=_("以“x,y”表示一个点，多个点用分号分隔，例如：0,0; 100,0; 100,120; 0,120。多边形按顺序列出顶点，"
                    "出入口列出两个端点。"))
    width_m = forms.FloatField(label=_("宽度（米）"), required=False, min_value=0.1, max_value=200)
    gate_kind = forms.ChoiceField(label=_("出口类型"), choices=list(GATE_KINDS.items()), required=False)
    role = forms.ChoiceField(label=_("用途"), choices=list(GATE_ROLES.items()), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = ("form-select" if isinstance(field.widget, forms.Select) else
                                           "form-control") + " form-control-sm"

    def clean_coordinates(self):
        points = []
        for part in re.split(r"[;；\n]+", self.cleaned_data["coordinates"].strip()):
            if not part.strip():
                continue
            match = PAIR.match(part)
            if not match:
                raise ValidationError(_("无法识别的坐标：“%(part)s”，请写成 x,y。") % {"part": part.strip()[:40]})
            points.append([float(match.group(1)), float(match.group(2))])
        if not points:
            raise ValidationError(_("请至少填写一个坐标。"))
        return points

    def feature(self, key: str) -> dict:
        data = self.cleaned_data
        layer = LAYERS[data["kind"]]
        points = data["coordinates"]
        if layer.geometry == "Polygon":
            ring = points + ([points[0]] if points[0] != points[-1] else [])
            geometry = {"type": "Polygon", "coordinates": [ring]}
        elif layer.geometry == "LineString":
            geometry = {"type": "LineString", "coordinates": points}
        else:
            geometry = {"type": "Point", "coordinates": points[0]}
        properties = {"kind": layer.kind, "key": key, "name": data.get("name") or ""}
        if layer.kind == "gate":
            properties.update(width_m=data.get("width_m"), gate_kind=data.get("gate_kind") or "level",
                              role=data.get("role") or "both")
        elif data.get("width_m"):
            properties["width_m"] = data["width_m"]
        return {"type": "Feature", "geometry": geometry, "properties": properties}


# Where a service error about the new item lands on the form.
FIELD_OF = {"geometry": "coordinates", "properties.width_m": "width_m", "properties.gate_kind": "gate_kind",
            "properties.role": "role", "properties.kind": "kind", "properties.zones": "coordinates",
            "properties.key": "name"}


def _small(form):
    for field in form.fields.values():
        field.widget.attrs["class"] = ("form-select" if isinstance(field.widget, forms.Select) else
                                       "form-control") + " form-control-sm"


class BackgroundForm(forms.Form):
    background = forms.FileField(
        label=_("底图（图片或 PDF）"),
        help_text=_("PNG、JPEG、WebP 图片，或 PDF（取第一页转换为图片）。上传后请用两点设定比例尺。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,application/pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small(self)


def _pair(value: str):
    match = PAIR.match(value or "")
    if not match:
        raise ValidationError(_("无法识别的坐标：“%(part)s”，请写成 x,y。") % {"part": (value or "").strip()[:40]})
    return [float(match.group(1)), float(match.group(2))]


class ScaleForm(forms.Form):
    """Two points on the background (pixels from its top-left corner; the drawing's metres on a blank grid)
    and the real distance between them."""

    point_a = forms.CharField(label=_("第一点（x,y）"), max_length=40)
    point_b = forms.CharField(label=_("第二点（x,y）"), max_length=40)
    distance_m = forms.FloatField(label=_("两点间实际距离（米）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small(self)

    def clean_point_a(self):
        return _pair(self.cleaned_data["point_a"])

    def clean_point_b(self):
        return _pair(self.cleaned_data["point_b"])


class PostMoveForm(forms.Form):
    post = forms.ChoiceField(label=_("警力点位"))
    coordinates = forms.CharField(label=_("新位置（x,y，米）"), max_length=40)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = list(posts)
        _small(self)

    def clean_coordinates(self):
        return _pair(self.cleaned_data["coordinates"])
