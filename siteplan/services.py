"""Saving a site plan and computing its figures: the rules (who may change it, when) and the one place that
turns a drawing into capacities, egress times and the derived deployment."""
import math
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from approvals import access
from approvals.audit import Event, audit_record
from approvals.workflow.states import state_has
from riskassess.facts import CrowdParameters
from riskassess.selectors import current_model_version

from . import background, geojson, geometry
from .layers import POST_KINDS
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
    """The applicant changes the whole drawing, its background and scale, while the application is theirs."""
    return bool(user.is_authenticated and application.user_may(user, access.CHANGE)
                and state_has(application.state, "organizer_may_edit"))


def may_place_posts(application, user) -> bool:
    """Posts (command, fixed, patrol, mobile) may also be placed by the police reviewing it, until they decide."""
    return may_edit(application, user) or bool(
        user.is_authenticated and application.user_may(user, access.REVIEW)
        and state_has(application.state, "undecided"))


def _locked_plan(application, actor) -> SitePlan:
    plan = SitePlan.objects.select_for_update().filter(application=application).first()
    return plan if plan is not None else start_from_venue(application, actor=actor)


def _check_extent(width: float, height: float, *, field: str = "width_m"):
    if not (math.isfinite(width) and math.isfinite(height) and 1 <= width <= 100_000 and 1 <= height <= 100_000):
        raise ValidationError({field: _("底图尺寸须在 1 至 100,000 米之间。")})


def _store(plan: SitePlan, application, *, actor, features, width: float, height: float,
           error_field: str | None = None, update_fields=()) -> SitePlan:
    """Compute the figures of `features` in width × height and save them with the plan (revision + 1); any
    error raises before anything is written (on `error_field` when given: a background or a scale that would
    leave the drawing invalid)."""
    figures, errors = figures_of(features, width_m=width, height_m=height,
                                 attendance=application.event.expected_attendance,
                                 alcohol_served=application.event.alcohol_served)
    if errors:
        if error_field:
            first = next(iter(errors.values()))[0]
            raise ValidationError({error_field: _("改动后平面图无效：%(error)s") % {"error": first}})
        raise ValidationError(errors)
    plan.features, plan.figures, plan.width_m, plan.height_m = features, figures, width, height
    plan.revision += 1
    plan.updated_by = actor
    plan.save()
    return plan


def _is_post(feature) -> bool:
    return (isinstance(feature, dict) and isinstance(feature.get("properties"), dict)
            and feature["properties"].get("kind") in POST_KINDS)


def _non_posts(collection) -> list:
    features = (collection or {}).get("features") if isinstance(collection, dict) else None
    return [f for f in features or [] if not _is_post(f)]


def _posts(collection) -> list:
    features = (collection or {}).get("features") if isinstance(collection, dict) else None
    return [f for f in features or [] if _is_post(f)]


@transaction.atomic
def application_plan_save(*, application, actor, features, width_m=None, height_m=None,
                          expected_revision=None) -> SitePlan:
    """Validate and store the application's drawing with its figures; on any error nothing changes.

    The applicant may change everything while it may edit; the reviewer only the posts (the rest of the
    drawing must come back as it is), and each such change is audited."""
    organizer = may_edit(application, actor)
    if not organizer and not may_place_posts(application, actor):
        raise PermissionDenied(_("只有申请单位可在草稿或补正时修改场地平面图。"))
    plan = _locked_plan(application, actor)
    if expected_revision is not None and expected_revision != plan.revision:
        raise ValidationError({"revision": _("平面图已被他人修改，请刷新后重试。")})
    width = float(width_m if width_m is not None else plan.width_m)
    height = float(height_m if height_m is not None else plan.height_m)
    if not organizer and (_non_posts(features) != _non_posts(plan.features)
                          or (width, height) != (plan.width_m, plan.height_m)):
        raise PermissionDenied(_("审查民警只能调整警力点位，不能修改平面图的其他内容。"))
    _check_extent(width, height)
    before = len(_posts(plan.features))
    plan = _store(plan, application, actor=actor, features=features, width=width, height=height)
    if not organizer:
        audit_record(application, actor=actor, event=Event.EDITED,
                     reason=_("调整场地平面图上的警力点位（%(n)s 个）。") % {"n": len(_posts(features))},
                     snapshot={"siteplan_revision": plan.revision, "posts_before": before,
                               "posts_after": len(_posts(features))})
    return plan


@transaction.atomic
def plan_background_set(*, application, actor, uploaded) -> SitePlan:
    """Store an uploaded image, or a PDF's first page as an image, as the plan's background. The drawing keeps
    its width in metres; its height follows the background's proportions (set the scale next). A drawing that
    would no longer fit refuses the background; nothing changes then."""
    if not may_edit(application, actor):
        raise PermissionDenied(_("只有申请单位可在草稿或补正时修改场地平面图。"))
    checked = background.read_background(uploaded)
    plan = _locked_plan(application, actor)
    width = float(plan.width_m)
    height = round(width * checked.height_px / checked.width_px, 3)
    _check_extent(width, height, field=background.FIELD)
    plan = _store(plan, application, actor=actor, features=plan.features or EMPTY, width=width, height=height,
                  error_field=background.FIELD)
    plan.background.save(f"plan-{application.pk}-r{plan.revision}.{checked.extension}",
                         ContentFile(checked.content), save=False)
    plan.background_kind = (SitePlan.Background.PDF if checked.source == "pdf" else SitePlan.Background.IMAGE)
    plan.background_width_px, plan.background_height_px = checked.width_px, checked.height_px
    plan.scale = {}
    plan.save()
    return plan


def scale_points_errors(plan: SitePlan, a, b, distance_m) -> dict:
    """Field errors of a two-point scale on `plan` (points in background pixels, or in the drawing's metres
    on a blank grid); empty when it is usable."""
    errors = {}
    if distance_m is None or not math.isfinite(distance_m) or distance_m <= 0:
        errors["distance_m"] = [_("实际距离须大于 0 米。")]
    points = [a, b]
    if any(p is None or len(p) != 2 or not all(math.isfinite(c) for c in p) for p in points):
        errors["points"] = [_("请给出两个点的坐标。")]
        return errors
    limit_x, limit_y = _scale_plane(plan)
    if any(not (0 <= x <= limit_x and 0 <= y <= limit_y) for x, y in points):
        errors["points"] = [_("两个点须在底图范围内（%(w)s × %(h)s）。") % {"w": round(limit_x), "h": round(limit_y)}]
    elif math.dist(a, b) < 1:
        errors["points"] = [_("两个点不能重合（至少相距 1 个单位）。")]
    return errors


def _scale_plane(plan: SitePlan) -> tuple[float, float]:
    if plan.background and plan.background_width_px and plan.background_height_px:
        return float(plan.background_width_px), float(plan.background_height_px)
    return float(plan.width_m), float(plan.height_m)


def _scaled(collection, factor: float):
    """Every coordinate of the drawing × factor (the drawing stays where it is on the background). Typed
    widths (a gate's, a course's) are measures, not drawing: they are kept."""
    def scale(value):
        if isinstance(value, list) and value and all(isinstance(c, (int, float)) for c in value[:2]) \
                and not isinstance(value[0], list):
            return [round(value[0] * factor, 3), round(value[1] * factor, 3), *value[2:]]
        return [scale(v) for v in value] if isinstance(value, list) else value

    features = []
    for feature in (collection or EMPTY).get("features") or []:
        geometry_ = dict(feature.get("geometry") or {})
        geometry_["coordinates"] = scale(geometry_.get("coordinates"))
        features.append({**feature, "geometry": geometry_})
    return {"type": "FeatureCollection", "features": features}


@transaction.atomic
def plan_scale_set(*, application, actor, a, b, distance_m) -> SitePlan:
    """Scale by two points and the real distance between them: the background's extent in metres follows,
    and the drawing is scaled with it so it stays on the same spot of the background."""
    if not may_edit(application, actor):
        raise PermissionDenied(_("只有申请单位可在草稿或补正时修改场地平面图。"))
    plan = _locked_plan(application, actor)
    errors = scale_points_errors(plan, a, b, distance_m)
    if errors:
        raise ValidationError(errors)
    plane_w, plane_h = _scale_plane(plan)
    metres_per_unit = distance_m / math.dist(a, b)
    width, height = round(plane_w * metres_per_unit, 3), round(plane_h * metres_per_unit, 3)
    _check_extent(width, height, field="distance_m")
    factor = width / plan.width_m
    plan = _store(plan, application, actor=actor, features=_scaled(plan.features, factor), width=width,
                  height=height, error_field="distance_m")
    on_image = bool(plan.background and plan.background_width_px)
    plan.scale = {"a": list(a), "b": list(b), "distance_m": distance_m, "unit": "px" if on_image else "m",
                  "metres_per_px": metres_per_unit if on_image else None}
    plan.save(update_fields=["scale"])
    return plan


@transaction.atomic
def deployment_accept(*, application, actor) -> tuple[SitePlan, int]:
    """Copy the derived deployment's proposals the drawing lacks into its post layers (per kind, the required
    posts beyond those already drawn), audited; (plan, how many posts were added)."""
    if not may_place_posts(application, actor):
        raise PermissionDenied(_("只有申请单位（草稿或补正时）或审查民警（决定前）可接受推算的警力部署。"))
    plan = _locked_plan(application, actor)
    required = (plan.figures or {}).get("required_posts") or []
    if not required:
        raise ValidationError({"deployment": _("平面图尚无可推算警力部署的区域或出入口。")})
    features = list((plan.features or EMPTY).get("features") or [])
    drawn = {kind: sum(1 for f in features if (f.get("properties") or {}).get("kind") == kind)
             for kind in POST_KINDS}
    keys = {(f.get("properties") or {}).get("key") for f in features}
    added = []
    for kind in POST_KINDS:
        for i, post in enumerate([p for p in required if p["kind"] == kind][drawn[kind]:]):
            key = f"proposed-{kind}-{drawn[kind] + i + 1}"
            while key in keys:
                key += "x"
            keys.add(key)
            properties = {"kind": kind, "key": key, "name": "", "proposed": True}
            if post.get("ring"):
                properties["ring"] = post["ring"]
            if post.get("gate"):
                properties["gate"] = post["gate"]
            added.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
                round(min(max(post["at"][0], 0), plan.width_m), 2),
                round(min(max(post["at"][1], 0), plan.height_m), 2)]}, "properties": properties})
    if not added:
        raise ValidationError({"deployment": _("平面图已画出推算所需的全部警力点位。")})
    plan = _store(plan, application, actor=actor, features={"type": "FeatureCollection", "features": features + added},
                  width=plan.width_m, height=plan.height_m, error_field="deployment")
    counts = {kind: sum(1 for f in added if f["properties"]["kind"] == kind) for kind in POST_KINDS}
    audit_record(application, actor=actor, event=Event.EDITED,
                 reason=_("接受场地平面图推算的警力部署，新增 %(n)s 个点位。") % {"n": len(added)},
                 snapshot={"siteplan_revision": plan.revision, "posts_added": counts})
    return plan, len(added)


def post_move(*, application, actor, key: str, at) -> SitePlan:
    """Move one drawn post to `at` (venue metres): the keyboard way of dragging it."""
    plan = plan_for(application)
    features = list(((plan.features if plan else None) or EMPTY).get("features") or [])
    index = next((i for i, f in enumerate(features) if (f.get("properties") or {}).get("key") == key
                  and f["properties"].get("kind") in POST_KINDS), None)
    if index is None:
        raise ValidationError({"post": _("没有这个警力点位。")})
    features[index] = {**features[index], "geometry": {"type": "Point", "coordinates": [float(at[0]), float(at[1])]}}
    try:
        return application_plan_save(application=application, actor=actor,
                                     features={"type": "FeatureCollection", "features": features},
                                     expected_revision=plan.revision)
    except ValidationError as error:
        if hasattr(error, "error_dict") and any(k.startswith(f"features[{index}]") for k in error.error_dict):
            raise ValidationError({"coordinates": [m for k, v in error.message_dict.items() for m in v]}) from None
        raise


def start_from_venue(application, *, actor) -> SitePlan:
    """The application's copy of the venue's newest plan (or a blank grid when the venue has none)."""
    source = (SitePlan.objects.filter(venue=application.event.venue_id, application__isnull=True)
              .order_by("-updated_at").first()
              or SitePlan.objects.filter(application__event__venue=application.event.venue_id)
              .exclude(application=application).order_by("-updated_at").first())
    return copy_plan(application, source=source, actor=actor)


COPIED_FIELDS = ("background_kind", "background", "background_width_px", "background_height_px", "scale",
                 "width_m", "height_m", "features", "figures")


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
