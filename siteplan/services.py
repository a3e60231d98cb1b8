"""Saving a site plan and computing its figures: the rules (who may change it, when) and the one place that
turns a drawing into capacities, egress times and the derived deployment."""
import math
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from approvals import access
from approvals.workflow.states import state_has
from riskassess.facts import CrowdParameters
from riskassess.selectors import current_model_version

from . import geojson, geometry
from .models import SitePlan

EMPTY = {"type": "FeatureCollection", "features": []}


def crowd_parameters() -> CrowdParameters:
    return current_model_version().parameters().crowd


def figures_of(collection, *, width_m: float, height_m: float, attendance: int, alcohol_served: bool = False,
               crowd: CrowdParameters | None = None) -> tuple[dict, dict]:
    """(figures, errors) of a drawing: per audience zone the capacity, egress with and without its largest exit
    and the farthest point from an exit; the real perimeter; the required posts and what the drawing lacks."""
    crowd = crowd or crowd_parameters()
    zones, gates, posts, _others, errors = geojson.parse(collection, width_m=width_m, height_m=height_m)
    if errors:
        return {}, errors
    shapes = [z for z, _name in zones]
    names = {z.key: name for z, name in zones}
    gate_shapes = [g for g, _name, _role in gates]
    limit = crowd.egress_limit("medium")
    audience = [z for z in shapes if z.kind == "audience"]
    rows = []
    for zone in audience:
        f = geometry.zone_figures(zone, gate_shapes, crowd_params=crowd, egress_limit_minutes=limit,
                                  alcohol_served=alcohol_served)
        rows.append({**asdict(f), "name": names[zone.key] or zone.key})
    required = geometry.derive_deployment(shapes, gate_shapes, attendance=attendance, crowd_params=crowd)
    boundary = geometry.outer_boundary(shapes)
    figures = {
        "egress_limit_minutes": limit,
        "zones": rows,
        "capacity": sum(r["capacity"] for r in rows),
        "audience_area_m2": round(sum(r["area_m2"] for r in rows), 1),
        "perimeter_m": round(boundary.exterior.length, 1) if boundary is not None else None,
        "exits": sum(1 for g in gate_shapes if g.exit),
        "exit_width_m": round(sum(g.width_m for g in gate_shapes if g.exit), 2),
        "required_posts": [{"kind": p.kind, "at": list(p.at), "ring": p.ring, "gate": p.gate} for p in required],
        "shortfall": geometry.shortfall(required, posts),
    }
    return _finite(figures), {}


def _finite(value):
    """JSON has no infinity: an area without an exit reads as null (shown as "无出口")."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def plan_for(application) -> SitePlan | None:
    return SitePlan.objects.filter(application=application).first()


def may_edit(application, user) -> bool:
    return bool(user.is_authenticated and application.user_may(user, access.CHANGE)
                and state_has(application.state, "organizer_may_edit"))


@transaction.atomic
def application_plan_save(*, application, actor, features, width_m=None, height_m=None,
                          expected_revision=None) -> SitePlan:
    """Validate and store the application's drawing with its figures; on any error nothing changes."""
    if not may_edit(application, actor):
        raise PermissionDenied(_("只有申请单位可在草稿或补正时修改场地平面图。"))
    plan = SitePlan.objects.select_for_update().filter(application=application).first()
    if plan is None:
        plan = start_from_venue(application, actor=actor)
    if expected_revision is not None and expected_revision != plan.revision:
        raise ValidationError({"revision": _("平面图已被他人修改，请刷新后重试。")})
    width = float(width_m if width_m is not None else plan.width_m)
    height = float(height_m if height_m is not None else plan.height_m)
    if not (1 <= width <= 100_000 and 1 <= height <= 100_000):
        raise ValidationError({"width_m": _("底图尺寸须在 1 至 100,000 米之间。")})
    figures, errors = figures_of(features, width_m=width, height_m=height,
                                 attendance=application.event.expected_attendance,
                                 alcohol_served=application.event.alcohol_served)
    if errors:
        raise ValidationError(errors)
    plan.features, plan.figures, plan.width_m, plan.height_m = features, figures, width, height
    plan.revision += 1
    plan.updated_by = actor
    plan.save()
    return plan


def start_from_venue(application, *, actor) -> SitePlan:
    """The application's copy of the venue's newest plan (or a blank grid when the venue has none)."""
    source = (SitePlan.objects.filter(venue=application.event.venue_id, application__isnull=True)
              .order_by("-updated_at").first()
              or SitePlan.objects.filter(application__event__venue=application.event.venue_id)
              .exclude(application=application).order_by("-updated_at").first())
    return copy_plan(application, source=source, actor=actor)


COPIED_FIELDS = ("background_kind", "background", "background_width_px", "background_height_px", "width_m",
                 "height_m", "features", "figures")


def copy_plan(application, *, source: SitePlan | None, actor) -> SitePlan:
    """The application's plan as a copy of `source` (a venue's or another application's plan: its background,
    size, drawing and figures), or a blank grid without one."""
    plan = SitePlan(application=application, updated_by=actor, features=EMPTY)
    if source is not None:
        plan.copied_from = source
        for name in COPIED_FIELDS:
            setattr(plan, name, getattr(source, name))
    plan.save()
    return plan
