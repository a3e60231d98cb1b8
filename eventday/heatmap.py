"""The live dashboard's heat map: the event's site plan drawn on the server (siteplan.svg.heat_map_svg) with each
zone filled by its occupancy band, each gate labelled with its flow in the last minute, and the incidents
pinned where they happened. Three queries (the plan, the gates with their flows, the pinned incidents), none
when no zone comes from a plan."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from siteplan import svg
from siteplan.geometry import polygon
from siteplan.layers import LAYERS
from siteplan.models import SitePlan

from . import bands as band_vocabulary
from . import crowd
from .models import Gate, Incident, OccupancyPolicy

FLOW_SECONDS = 60
MAX_PINS = 30
# The posts of the security plan are the reviewer's matter, not the live picture: left off the map.
LIVE_LAYERS = {kind: layer for kind, layer in LAYERS.items() if kind not in ("fixed", "patrol", "mobile",
                                                                              "patrol_route")}


@dataclass(frozen=True)
class ZoneBand:
    zone_pk: int
    plan_key: str
    name: str
    band: str
    label: str
    colour: str
    percent: float


@dataclass(frozen=True)
class GateFlow:
    plan_key: str
    name: str
    count_in: int
    count_out: int


@dataclass(frozen=True)
class HeatMap:
    svg: SafeString
    zones: list[ZoneBand]
    gates: list[GateFlow]
    pins: list[svg.Pin]
    bands: list[band_vocabulary.Band]


def zone_bands(statuses, policy: OccupancyPolicy) -> dict[int, ZoneBand]:
    """Each zone's band (eventday.crowd.band_for with the policy's lines), by zone pk."""
    lines = band_vocabulary.band_lines(policy)
    result = {}
    for status in statuses:
        code = crowd.band_for(status.occupancy, status.safe_capacity, lines)
        result[status.zone.pk] = ZoneBand(status.zone.pk, status.zone.plan_key, status.zone.name, code,
                                          str(band_vocabulary.LABELS[code]), band_vocabulary.COLOURS[code],
                                          status.percent)
    return result


def gate_flows(event, *, now: datetime, seconds: int = FLOW_SECONDS) -> list[GateFlow]:
    """The plan gates of the event with the people counted in and out in the last `seconds` (one query)."""
    recent = Q(readings__measured_at__gt=now - timedelta(seconds=seconds), readings__measured_at__lte=now)
    rows = (Gate.objects.filter(event=event).exclude(plan_key="").order_by("code")
            .annotate(flow_in=Coalesce(Sum("readings__count_in", filter=recent), Value(0), output_field=IntegerField()),
                      flow_out=Coalesce(Sum("readings__count_out", filter=recent), Value(0),
                                        output_field=IntegerField()))
            .values_list("plan_key", "name", "flow_in", "flow_out"))
    return [GateFlow(*row) for row in rows]


def incident_pins(event, features_by_key: dict) -> list[svg.Pin]:
    """The latest incidents with a place on the plan (a point; else the zone's middle), numbered newest first."""
    incidents = (Incident.objects.filter(event=event)
                 .filter(Q(plan_x__isnull=False) | Q(zone__plan_key__gt=""))
                 .select_related("kind", "zone").order_by("-occurred_at", "-id")[:MAX_PINS])
    pins = []
    for incident in incidents:
        if incident.plan_x is not None:
            x, y = incident.plan_x, incident.plan_y
        else:
            feature = features_by_key.get(incident.zone.plan_key)
            try:
                inside = polygon(feature["geometry"]["coordinates"][0]).representative_point()
            except (KeyError, TypeError, ValueError, IndexError):
                continue
            x, y = inside.x, inside.y
        pins.append(svg.Pin(x, y, len(pins) + 1, f"{timezone.localtime(incident.occurred_at):%H:%M} "
                                                 f"{incident.kind.name} · {incident.place}"))
    return pins


def heat_map(event, statuses, *, policy: OccupancyPolicy, now: datetime) -> HeatMap | None:
    """The heat map of an event whose zones come from its site plan (None otherwise)."""
    if not any(s.zone.plan_key for s in statuses):
        return None
    plan = (SitePlan.objects.filter(application_id=event.application.pk)
            .only("features", "width_m", "height_m").first())
    if plan is None:
        return None
    features = (plan.features or {}).get("features") or []
    by_key = {str((f.get("properties") or {}).get("key")): f for f in features if isinstance(f, dict)}
    zone_bands_ = zone_bands(statuses, policy)
    fills = {b.plan_key: svg.ZoneFill(b.colour, b.band, (b.name, _("%(percent)s%% · %(band)s") % {
        "percent": round(b.percent), "band": b.label})) for b in zone_bands_.values() if b.plan_key}
    flows = gate_flows(event, now=now)
    gate_labels = {g.plan_key: _("%(name)s 进%(in)s/出%(out)s") % {"name": g.name, "in": g.count_in,
                                                                  "out": g.count_out} for g in flows}
    pins = incident_pins(event, by_key)
    vocabulary = band_vocabulary.bands(policy)
    legend = [(b.colour, _("%(label)s（%(lower)s%%–%(upper)s%%）") % {"label": b.label, "lower": b.lower,
                                                                   "upper": b.upper} if b.upper is not None
               else _("%(label)s（≥%(lower)s%%）") % {"label": b.label, "lower": b.lower}) for b in vocabulary]
    texts = {"legend": _("图例"), "metres": _("{n} 米"), "pin": _("现场警情（编号：由新到旧）"),
             "gate": _("出入口：近1分钟进/出人数")}
    drawing = svg.heat_map_svg(features, width_m=plan.width_m, height_m=plan.height_m, layers=LIVE_LAYERS,
                               fills=fills, gate_labels=gate_labels, pins=pins, bands=legend,
                               style=svg.Style(legend_columns=2, texts=texts), title=_("现场热力图"))
    return HeatMap(mark_safe(drawing), list(zone_bands_.values()), flows, pins, vocabulary)  # noqa: S308 (escaped)


def live_context(event, occupancy, *, policy: OccupancyPolicy, now: datetime) -> dict:
    """What the live part adds: every zone's band (in words, on its row), and the heat map when there is one."""
    by_zone = zone_bands(occupancy.zones, policy)
    for status in occupancy.zones:
        status.band = by_zone[status.zone.pk]
    return {"heat_map": heat_map(event, occupancy.zones, policy=policy, now=now),
            "bands": band_vocabulary.bands(policy)}
