"""Writes of the event day: gate readings (idempotent ingest), alerts, incidents, company records, suspension.

Every function: keyword-only arguments, one transaction, validation before writing.
"""
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import (
    Q, BigIntegerField, BooleanField, Case, CharField, Exists, F, OuterRef, Sum, Value, When, prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import access as approval_access
from approvals.models import ApplicationState
from approvals.workflow.states import with_trait
from events.models import AccountabilityRecord, Event, Organisation, TrainingDrill
from events.sessions import ensure_single_session, session_at

from . import crowd, selectors
from .models import (
    Alert, EventTally, Gate, GateDevice, GateReading, HeadcountAlert, Incident, OccupancyPolicy, SessionTally,
    SessionTickets, Zone, ZoneMinute,
)

# Readings are accepted only while the permit is in force.
LIVE_STATES = with_trait("live_on_event_day")
MAX_BATCH = 5000
# "Last seen" is for spotting a dead counter: a write per batch would buy nothing.
LAST_SEEN_RESOLUTION = timedelta(seconds=30)
_INSERT_CHUNK = 1000


def policy_lines(policy: OccupancyPolicy) -> crowd.Lines:
    return crowd.Lines(policy.warning_percent, policy.stop_admission_percent, policy.rearm_margin_percent)


def live_window(event: Event, policy: OccupancyPolicy) -> tuple[datetime, datetime]:
    margin = timedelta(minutes=policy.live_margin_minutes)
    return event.start_at - margin, event.end_at + margin


def event_live_refusal(event: Event, *, now: datetime, policy: OccupancyPolicy) -> str | None:
    """Why the event does not take readings now, or None when it is live."""
    application = getattr(event, "application", None)
    state = application.state if application is not None else None
    if state == ApplicationState.SUSPENDED:
        return _("活动已熔断，计数已停止。")
    if state not in LIVE_STATES:
        return _("活动未获许可（当前状态：%(state)s），不接收计数。") % {
            "state": application.get_state_display() if application is not None else "-"}
    opens, closes = live_window(event, policy)
    if not opens <= now <= closes:
        return _("不在活动计数时段内（%(opens)s 至 %(closes)s）。") % {
            "opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}
    return None


@dataclass(slots=True)
class Reading:
    gate: str
    measured_at: datetime
    count_in: int
    count_out: int
    sequence: int


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    alerts: list = field(default_factory=list)


def _check_readings(readings: list[Reading], gates: dict[str, dict], *, opens, latest) -> None:
    errors = {}
    for index, reading in enumerate(readings):
        if reading.gate not in gates:
            errors[f"readings[{index}].gate"] = _("本活动没有闸口“%(gate)s”。") % {"gate": reading.gate}
        elif not gates[reading.gate]["bound"]:
            errors[f"readings[{index}].gate"] = _("本设备未绑定闸口“%(gate)s”，不能为其计数。") % {
                "gate": reading.gate}
        elif not opens <= reading.measured_at <= latest:
            errors[f"readings[{index}].time"] = _("计数时间不在活动计数时段内。")
    if errors:
        raise ValidationError(errors)


def store_readings(device: GateDevice, readings: list, received_at: datetime) -> set[int]:
    """Store a batch of one device's readings (each with .sequence, .gate_id, .measured_at, .count_in,
    .count_out), skipping the (device, sequence) pairs already stored; returns the sequences stored now.

    The caller holds the lock of the device's event tally (readings_ingest), so no other batch of this device
    writes meanwhile: the stored sequences are read once (one index range scan), and the new rows go in with one
    COPY, which PostgreSQL loads several times faster than an INSERT of the same rows. The unique constraint stays
    the guarantee: a row stored meanwhile by a writer that did not take the lock would make the COPY, and so the
    whole batch, fail (the device sends it again and gets it counted once)."""
    if not readings:
        return set()
    if connection.vendor != "postgresql":
        return _insert_skipping_stored(device, readings, received_at)
    table = GateReading._meta.db_table
    sequences = [r.sequence for r in readings]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence FROM {table} WHERE device_id = %s AND sequence BETWEEN %s AND %s",
                       [device.pk, min(sequences), max(sequences)])
        stored = {row[0] for row in cursor.fetchall()}
        new = [r for r in readings if r.sequence not in stored]
        if not new:
            return set()
        device_id, received = device.pk, received_at.isoformat()
        rows = io.StringIO("".join([
            f"{device_id}\t{r.sequence}\t{r.gate_id}\t{r.measured_at.isoformat()}\t{r.count_in}\t{r.count_out}\t"
            f"{received}\n" for r in new]))
        cursor.cursor.copy_expert(
            f"COPY {table} (device_id, sequence, gate_id, measured_at, count_in, count_out, received_at) FROM STDIN",
            rows)
    return {r.sequence for r in new}


def _insert_skipping_stored(device: GateDevice, readings: list, received_at: datetime) -> set[int]:
    """INSERT … ON CONFLICT DO NOTHING of the readings; returns the sequences it stored."""
    table = GateReading._meta.db_table
    columns = "device_id, sequence, gate_id, measured_at, count_in, count_out, received_at"
    conflict = "ON CONFLICT (device_id, sequence) DO NOTHING RETURNING sequence"
    adapt = connection.ops.adapt_datetimefield_value
    inserted: set[int] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Five arrays instead of thousands of placeholders: PostgreSQL parses and plans it far faster.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, s, g, m, i, o, %s FROM unnest("
                f"%s::bigint[], %s::bigint[], %s::timestamptz[], %s::integer[], %s::integer[]) AS u(s, g, m, i, o) "
                f"{conflict}",
                [device.pk, received_at, [r.sequence for r in readings], [r.gate_id for r in readings],
                 [r.measured_at.isoformat() for r in readings], [r.count_in for r in readings],
                 [r.count_out for r in readings]])
            return {row[0] for row in cursor.fetchall()}
        for start in range(0, len(readings), _INSERT_CHUNK):
            chunk = readings[start:start + _INSERT_CHUNK]
            params = []
            for r in chunk:
                params += [device.pk, r.sequence, r.gate_id, adapt(r.measured_at), r.count_in, r.count_out,
                           adapt(received_at)]
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {rows} {conflict}", params)
            inserted.update(row[0] for row in cursor.fetchall())
    return inserted


def _add_minutes(flows: dict[tuple[int, datetime], list[int]]) -> None:
    table = ZoneMinute._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    items = list(flows.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), _INSERT_CHUNK):
            chunk = items[start:start + _INSERT_CHUNK]
            params = []
            for (zone_id, minute), (count_in, count_out) in chunk:
                params += [zone_id, adapt(minute), count_in, count_out]
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (zone_id, minute, count_in, count_out) VALUES {rows} "
                f"ON CONFLICT (zone_id, minute) DO UPDATE SET count_in = {table}.count_in + excluded.count_in, "
                f"count_out = {table}.count_out + excluded.count_out", params)


@dataclass(slots=True)
class _Placed:
    """A reading with its gate resolved."""

    sequence: int
    gate_id: int
    zone_id: int
    from_zone_id: int | None
    measured_at: datetime
    count_in: int
    count_out: int


@transaction.atomic  # a savepoint inside readings_record's transaction: a refused batch leaves it usable
def readings_ingest(*, device: GateDevice, readings: list[Reading], now: datetime | None = None) -> IngestResult:
    """Count a batch from one device. Idempotent per (device, sequence); any order; all or nothing."""
    now = now or timezone.now()
    event = device.event
    policy = OccupancyPolicy.current()
    refusal = event_live_refusal(event, now=now, policy=policy)
    if refusal:
        raise ValidationError({"event": refusal})
    if not readings:
        return IngestResult()
    if len(readings) > MAX_BATCH:
        raise ValidationError({"readings": _("每批最多 %(n)s 条。") % {"n": MAX_BATCH}})
    # Every gate of the event in one query (a few dozen rows): the zones' depths order the moves below.
    bound = GateDevice.gates.through.objects.filter(gatedevice_id=device.pk, gate_id=OuterRef("pk"))
    event_gates = list(Gate.objects.filter(event=event).annotate(bound=Exists(bound))
                       .values("id", "code", "zone_id", "from_zone_id", "bound"))
    gates = {g["code"]: g for g in event_gates}
    opens, closes = live_window(event, policy)
    _check_readings(readings, gates, opens=opens,
                    latest=min(closes, now + timedelta(seconds=policy.clock_skew_seconds)))

    # One row per sequence (a batch may repeat itself); the first wins, as the database would decide.
    unique: dict[int, _Placed] = {}
    for r in readings:
        gate = gates[r.gate]
        unique.setdefault(r.sequence, _Placed(r.sequence, gate["id"], gate["zone_id"], gate["from_zone_id"],
                                              r.measured_at, r.count_in, r.count_out))
    # Lock the event's tally first: batches of one event serialise here, so alert crossings are seen once and
    # the zones' totals read below stay current until this transaction ends.
    tally, _created = EventTally.objects.select_for_update().get_or_create(event=event)
    new_sequences = store_readings(device, list(unique.values()), now)
    result = IngestResult(accepted=len(new_sequences), duplicates=len(readings) - len(new_sequences))
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
        GateDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    if not new_sequences:
        return result

    # Per gate and minute, what the readings say (the stored readings keep it as sent).
    by_gate: dict[int, dict[datetime, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    placement = {g["id"]: (g["zone_id"], g["from_zone_id"]) for g in event_gates}
    for placed in (unique[s] for s in new_sequences):
        counts = by_gate[placed.gate_id][crowd.minute_floor(placed.measured_at)]
        counts[0] += placed.count_in
        counts[1] += placed.count_out
    touched = {zone for gate_id in by_gate for zone in placement[gate_id] if zone is not None}
    zones = {z.pk: z for z in Zone.objects.filter(pk__in=touched).order_by("pk")}
    excess = _bound_exits(by_gate, placement, zones, event_gates)

    zone_flows: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    minute_flows: dict[tuple[int, datetime], list[int]] = defaultdict(lambda: [0, 0])
    event_in = event_out = 0
    for gate_id, minutes in by_gate.items():
        zone_id, from_zone_id = placement[gate_id]
        for minute, (count_in, count_out) in minutes.items():
            moves = [(zone_id, count_in, count_out)]
            if from_zone_id is None:
                event_in += count_in
                event_out += count_out
            else:
                # An inner gate: whoever goes in leaves the zone it came from, and the other way round.
                moves.append((from_zone_id, count_out, count_in))
            for zone, zone_in, zone_out in moves:
                for flows, key in ((zone_flows, zone), (minute_flows, (zone, minute))):
                    flows[key][0] += zone_in
                    flows[key][1] += zone_out

    alerts, states, negative = _alerts_for(zones, zone_flows, excess, lines=policy_lines(policy), now=now)
    # One UPDATE for every zone touched, each adding its own share and taking its new alert states.
    def per_zone(values: dict, output_field, default):
        return Case(*[When(pk=z, then=Value(v)) for z, v in values.items()], default=default,
                    output_field=output_field)

    Zone.objects.filter(pk__in=list(zones)).update(
        entries=F("entries") + per_zone({z: f[0] for z, f in zone_flows.items()}, BigIntegerField(), Value(0)),
        exits=F("exits") + per_zone({z: f[1] for z, f in zone_flows.items()}, BigIntegerField(), Value(0)),
        exits_discarded=F("exits_discarded") + per_zone(excess, BigIntegerField(), Value(0)),
        alert_state=per_zone(states, CharField(), F("alert_state")),
        negative_alerted=per_zone(negative, BooleanField(), F("negative_alerted")))
    _add_minutes(minute_flows)
    tally.entries += event_in
    tally.exits += event_out
    if tally.occupancy > tally.peak_occupancy:
        tally.peak_occupancy, tally.peak_at = tally.occupancy, now
    tally.save(update_fields=["entries", "exits", "peak_occupancy", "peak_at", "updated_at"])
    if alerts:
        Alert.objects.bulk_create(alerts)
    result.alerts = alerts
    return result


def _bound_exits(by_gate, placement, zones: dict[int, Zone], event_gates: list[dict]) -> dict[int, int]:
    """Take out of the counts every exit beyond what a zone holds (finding: 100,000 "out" per gate blinded
    the event, since occupancy is entries - exits). Each gate's in and out are netted over the batch (people
    stepping out and back in), the net moves applied without taking a zone below zero, and what could not be
    applied is removed from that gate's counts, latest minute first. Returns the excess per zone."""
    moves = []
    for gate_id, minutes in by_gate.items():
        zone_id, from_zone_id = placement[gate_id]
        net = sum(c[0] for c in minutes.values()) - sum(c[1] for c in minutes.values())
        if net > 0:
            moves.append(crowd.Move(gate_id, from_zone_id, zone_id, net))
        elif net < 0:
            moves.append(crowd.Move(gate_id, zone_id, from_zone_id, -net))
    depths = crowd.zone_depths([(g["zone_id"], g["from_zone_id"]) for g in event_gates])
    available = {z.pk: max(z.entries - z.exits, 0) for z in zones.values()}
    excess = crowd.apply_moves(available, moves, depths)
    for move in moves:
        cut = move.people - move.applied
        side = 0 if move.target == placement[move.gate][0] else 1  # inward: fewer in; outward: fewer out
        for minute in sorted(by_gate[move.gate], reverse=True):
            if not cut:
                break
            counts = by_gate[move.gate][minute]
            taken = min(cut, counts[side])
            counts[side] -= taken
            cut -= taken
    return excess


def _alerts_for(zones: dict[int, Zone], zone_flows, excess: dict[int, int], *, lines: crowd.Lines,
                now: datetime) -> tuple[list[Alert], dict[int, str], dict[int, bool]]:
    """The alerts this batch raises, and the zones' new capacity and negative-occupancy states. The negative
    alert is raised once when exits beyond the entries are refused, and re-armed by a batch without any."""
    alerts, states, negative = [], {}, {}
    for zone in zones.values():
        zone.entries += zone_flows[zone.pk][0]
        zone.exits += zone_flows[zone.pk][1]
        state, raised = crowd.alert_transition(zone.alert_state, zone.occupancy, zone.safe_capacity, lines)
        if state != zone.alert_state:
            states[zone.pk] = state
        if excess.get(zone.pk) and not zone.negative_alerted:
            raised.append(Alert.Level.NEGATIVE_OCCUPANCY)
        if bool(excess.get(zone.pk)) != zone.negative_alerted:
            negative[zone.pk] = bool(excess.get(zone.pk))
        alerts += [Alert(zone=zone, level=level, raised_at=now, occupancy=zone.occupancy,
                         safe_capacity=zone.safe_capacity) for level in raised]
    return alerts, states, negative


# ---------------------------------------------------------------------------------------------- against the permit


@dataclass
class BatchResult:
    """What the counting API answers for one batch: the ingest's counts and zone alerts, and the approved-
    headcount alerts (Art. 18) the batch raised."""

    accepted: int = 0
    duplicates: int = 0
    alerts: list = field(default_factory=list)
    headcount_alerts: list = field(default_factory=list)


@transaction.atomic
def readings_record(*, device: GateDevice, readings: list[Reading], now: datetime | None = None) -> BatchResult:
    """Count a batch (readings_ingest), then judge the event against its permit (evaluate_headcount_alerts, on
    the tally the ingest locked and counted): two calls, so the ingest's internals stay its own, in one
    transaction, so a batch costs one commit (a commit is a disk flush: it was a sixth of a batch's time); a
    refused batch evaluates nothing and stores nothing."""
    ingested = readings_ingest(device=device, readings=readings, now=now)
    result = BatchResult(ingested.accepted, ingested.duplicates, ingested.alerts)
    if ingested.accepted:
        result.headcount_alerts = evaluate_headcount_alerts(event=device.event, now=now)
    return result


def _live_session_tally(event: Event, session) -> SessionTally:
    """The live session's tally. Created when the session first goes live: it takes whatever the event counted
    beyond what earlier sessions took (so the first session takes everything counted so far)."""
    session_tally = SessionTally.objects.filter(session=session).first()
    if session_tally is None:
        earlier = SessionTally.objects.filter(session__event=event).aggregate(
            entries=Sum("entries"), exits=Sum("exits"))
        session_tally = SessionTally.objects.create(
            session=session, base_entries=earlier["entries"] or 0, base_exits=earlier["exits"] or 0)
    return session_tally


@transaction.atomic(savepoint=False)
def evaluate_headcount_alerts(*, event: Event, now: datetime | None = None) -> list[HeadcountAlert]:
    """Order 505 Art. 18 (ticket checks stop at the approved number), once per batch of readings, after they are
    stored: the event's new counts go to the live session (场次); each active line of the approved headcount
    (HeadcountThreshold: 80 %, 95 %, 100 %) that the people on site reach is raised once per session, naming the
    entrance gates to close, and pushed as a high-priority notification to the bureau's police and the event's
    command post; a raised line re-arms when occupancy falls below it less its margin. Returns the alerts raised.
    Safe to call at any time (without a crossing it raises nothing). Four queries for a batch without one."""
    now = now or timezone.now()
    # Batches of one event serialise on its tally row (readings_ingest locks it first too); the permit comes along.
    tally = (EventTally.objects.select_for_update(of=("self",)).select_related("event__application__permit")
             .filter(event=event).first())
    if tally is None:
        return []
    application = getattr(tally.event, "application", None)
    permit = getattr(application, "permit", None) if application is not None else None
    getattr(event, "_prefetched_objects_cache", {}).pop("sessions", None)  # fresh: sessions may have changed
    prefetch_related_objects([event], "sessions")
    if not event.sessions.all():
        ensure_single_session(event)  # an event typed as one span is one session (events.sessions)
        event._prefetched_objects_cache.pop("sessions", None)
        prefetch_related_objects([event], "sessions")
    session = session_at(event, now)
    session_tally = _live_session_tally(event, session)
    session_tally.entries = max(tally.entries - session_tally.base_entries, 0)
    session_tally.exits = max(tally.exits - session_tally.base_exits, 0)
    if tally.occupancy > session_tally.peak_occupancy:
        session_tally.peak_occupancy, session_tally.peak_at = tally.occupancy, now

    approved = selectors.approved_headcount(session, permit)
    thresholds = {line.percent: line for line in selectors.headcount_lines()}
    open_lines = set(session_tally.open_lines or [])
    raised, rearmed = crowd.headcount_transition(
        tally.occupancy, approved,
        [crowd.HeadcountLine(t.percent, t.rearm_margin_percent) for t in thresholds.values()]
        # A line deactivated while raised re-arms as soon as occupancy is below it.
        + [crowd.HeadcountLine(p, 0) for p in open_lines if p not in thresholds],
        open_lines)
    session_tally.open_lines = sorted((open_lines - set(rearmed)) | set(raised))
    session_tally.save(update_fields=["entries", "exits", "peak_occupancy", "peak_at", "open_lines", "updated_at"])
    if rearmed:
        HeadcountAlert.objects.filter(session=session, percent__in=rearmed, rearmed_at__isnull=True).update(
            rearmed_at=now)
    if not raised:
        return []
    gates = selectors.gates_to_close(event, now=now)
    alerts = [HeadcountAlert.objects.create(
        event=event, session=session, percent=percent, instruction=thresholds[percent].instruction_zh,
        raised_at=now, occupancy=tally.occupancy, approved_headcount=approved, gates_to_close=gates)
        for percent in raised]
    _tell_headcount(event, session, alerts, thresholds)
    return alerts


def _tell_headcount(event: Event, session, alerts: list[HeadcountAlert], thresholds: dict) -> None:
    """One high-priority notification per alert (notifications.priority: verb "headcount_alert") to the
    bureau's police and the event's command post, with the gates to close and the dashboard link."""
    from django.urls import reverse

    from notifications.services import notify

    application = event.application
    sessions = selectors.sessions_of(event)
    recipients = selectors.bureau_police(application) + selectors.command_post_users(event)
    link = reverse("eventday:dashboard", args=[event.pk])
    for alert in alerts:
        threshold = thresholds.get(alert.percent)
        message = _("【核准人数告警】“%(event)s”%(session)s：在场 %(occupancy)s 人，达核准人数 %(approved)s 人的 "
                    "%(percent)s%%（%(line)s%% 线）。%(instruction)s") % {
            "event": event.name, "session": selectors.session_label(session, sessions),
            "occupancy": f"{alert.occupancy:,}", "approved": f"{alert.approved_headcount:,}",
            "percent": alert.occupancy_percent, "line": alert.percent,
            "instruction": threshold.instruction if threshold else alert.instruction}
        if alert.gates_to_close:
            message += "\n" + _("请关闭入口：%(gates)s。") % {
                "gates": _("、").join(g["name"] for g in alert.gates_to_close)}
        else:
            message += "\n" + _("最近一分钟没有入口进人。")
        notify(users=recipients, verb="headcount_alert", message=message, application=application, link=link,
               dedupe_key=f"headcount_alert:{alert.pk}")


@transaction.atomic
def session_tickets_record(*, event: Event, user, tickets_issued: int, session=None) -> SessionTickets:
    """The organizer or the security company (or the district's police) reports the tickets issued for one
    session (by default the live one); entering it again corrects it."""
    if not selectors.may_report_tickets(user, event):
        raise PermissionDenied(_("只有主办方、本活动的保安公司或辖区民警可以填报售票数。"))
    if tickets_issued is None or tickets_issued < 0:
        raise ValidationError({"tickets_issued": _("请填写已售（发）票数。")})
    if session is None:
        if not event.sessions.exists():
            ensure_single_session(event)
        session = session_at(event, timezone.now())
    elif session.event_id != event.pk:
        raise ValidationError({"session": _("请选择本活动的场次。")})
    tickets = SessionTickets.objects.select_for_update().filter(session=session).first() or SessionTickets(
        session=session)
    tickets.tickets_issued, tickets.recorded_by, tickets.recorded_at = tickets_issued, user, timezone.now()
    tickets.full_clean()
    tickets.save()
    return tickets


# ---------------------------------------------------------------------------------------------- set-up


def _ensure_operator(user, event: Event) -> None:
    if not event.application.user_may(user, approval_access.REVIEW):
        raise PermissionDenied(_("只有本辖区公安民警可以执行此操作。"))


@transaction.atomic
def zone_create(*, event: Event, kind: str, name: str, usable_area_m2: int, safe_density=None,
                order: int = 0, plan_key: str = "") -> Zone:
    if safe_density is None:
        # One source for the safe density: the risk model's crowd figures (the density its capacity uses).
        from decimal import Decimal

        from riskassess.selectors import planning_density

        safe_density = Decimal(str(round(planning_density(), 2)))
    zone = Zone(event=event, kind=kind, name=name, usable_area_m2=usable_area_m2, order=order,
                safe_density=safe_density, plan_key=plan_key)
    zone.full_clean()
    zone.save()
    EventTally.objects.get_or_create(event=event)
    return zone


@transaction.atomic
def gate_create(*, zone: Zone, code: str, name: str, from_zone: Zone | None = None, plan_key: str = "") -> Gate:
    if from_zone is not None and (from_zone.event_id != zone.event_id or from_zone.pk == zone.pk):
        raise ValidationError({"from_zone": _("来源区域必须是本活动的另一区域。")})
    gate = Gate(event_id=zone.event_id, zone=zone, from_zone=from_zone, code=code, name=name, plan_key=plan_key)
    gate.full_clean()
    gate.save()
    return gate


def _gate_code(key: str, taken: set[str]) -> str:
    """A gate's code (a slug, unique per event) from its plan key."""
    from django.utils.text import slugify

    base = (slugify(key) or "gate")[:34]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    taken.add(code)
    return code


@transaction.atomic
def zones_from_plan(*, event: Event, plan=None) -> tuple[list[Zone], list[Gate]]:
    """Event day's zones and gates made from the application's site plan (eventday.plan_layout: the crowd
    areas with their drawn area, the gates joining them), each linked to its feature by plan_key; once per
    event (nothing when the event has zones already, or its plan no crowd area). Nothing is typed twice."""
    from siteplan import geojson
    from siteplan.services import plan_for

    from .plan_layout import layout

    if Zone.objects.filter(event=event).exists():
        return [], []
    plan = plan if plan is not None else plan_for(event.application)
    if plan is None:
        return [], []
    parsed_zones, parsed_gates, _posts, _others, errors = geojson.parse(
        plan.features, width_m=plan.width_m, height_m=plan.height_m)
    if errors:  # a saved plan is valid; one changed behind the service's back is not used
        raise ValidationError({"plan": _("场地平面图有误，无法据此设置区域与闸口。")})
    zone_specs, gate_specs = layout(parsed_zones, parsed_gates)
    zones = {spec.key: zone_create(event=event, kind=spec.kind, name=spec.name, usable_area_m2=spec.usable_area_m2,
                                   order=spec.order, plan_key=spec.key) for spec in zone_specs}
    taken: set[str] = set()
    gates = [gate_create(zone=zones[spec.zone], from_zone=zones[spec.from_zone] if spec.from_zone else None,
                         code=_gate_code(spec.key, taken), name=spec.name, plan_key=spec.key)
             for spec in gate_specs]
    return list(zones.values()), gates


@transaction.atomic
def device_register(*, event: Event, name: str, gates) -> tuple[GateDevice, str]:
    """A new counter for the event, bound to the gates it may report for (gates of this event); returns it
    with its raw token (shown once)."""
    gates = list(gates)
    if any(gate.event_id != event.pk for gate in gates):
        raise ValidationError({"gates": _("只能绑定本活动的闸口。")})
    device = GateDevice(event=event, name=name)
    raw = device.set_new_token()
    device.full_clean()
    device.save()
    device.gates.set(gates)
    return device, raw


# ---------------------------------------------------------------------------------------------- alerts, suspension


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user) -> Alert:
    alert = Alert.objects.select_for_update(of=("self",)).select_related("zone__event__application").get(pk=alert.pk)
    _ensure_operator(user, alert.zone.event)
    if not alert.acknowledged:
        alert.acknowledged, alert.acknowledged_by, alert.acknowledged_at = True, user, timezone.now()
        alert.save(update_fields=["acknowledged", "acknowledged_by", "acknowledged_at"])
    return alert


def event_suspend(*, event: Event, user, reasons: str, required_changes: str, expected_revision=None):
    """熔断 from the dashboard: the approvals workflow does the transition, audit and notifications."""
    _ensure_operator(user, event)
    reasons, required_changes = (reasons or "").strip(), (required_changes or "").strip()
    errors = {}
    if not reasons:
        errors["reasons"] = _("请填写熔断理由。")
    if not required_changes:
        errors["required_changes"] = _("请填写恢复活动须整改的事项。")
    if errors:
        raise ValidationError(errors)
    from approvals.workflow import application_suspend

    return application_suspend(application=event.application, actor=user, reasons=reasons,
                               required_changes=required_changes, expected_revision=expected_revision)


def suspension_tell_command_post(*, application) -> list:
    """A suspension (熔断) told to the event's whole command post with its reasons and required changes: the
    security company's guards are not among the people the workflow tells, and must stop the event too. Users
    the workflow already told of this suspension are skipped; idempotent per suspension."""
    from django.urls import reverse

    from approvals.models import Suspension
    from notifications.models import Notification
    from notifications.services import notify

    suspension = (Suspension.objects.filter(application=application, resumed_at__isnull=True)
                  .order_by("-suspended_at", "-pk").first())
    if suspension is None:
        return []
    event = application.event
    told = set(Notification.objects.filter(application=application, verb="suspend",
                                           created_at__gte=suspension.suspended_at).values_list("user_id", flat=True))
    people = [u for u in selectors.command_post_users(event) if u.pk not in told]
    message = _("【熔断】“%(event)s”（%(reference)s）的安全许可已暂停，活动不得进行。\n熔断原因：%(reasons)s\n"
                "恢复须整改事项：%(changes)s") % {
        "event": event.name, "reference": application.reference, "reasons": suspension.reasons,
        "changes": suspension.required_changes}
    return notify(users=people, verb="suspension_notice", message=message, application=application,
                  link=reverse("approvals:detail", args=[application.pk]), dedupe_key=f"suspension:{suspension.pk}")


def suspension_on_transition(sender, application, transition, **kwargs) -> None:
    """approvals.signals.application_transitioned receiver (after commit): tell the command post of a
    suspension."""
    if transition == "suspend":
        suspension_tell_command_post(application=application)


# ---------------------------------------------------------------------------------------------- incidents


def _ensure_incident_logger(user, event: Event) -> None:
    """Police of the district, or the guards of the security company named on the event (they staff its gates):
    the STAFF grant that approvals.access gives the named company, nothing copied here."""
    if not selectors.user_may_log_incidents(user, event):
        raise PermissionDenied(_("只有本辖区公安民警或本活动的保安服务公司可以登记警情。"))


@transaction.atomic
def incident_record(*, event: Event, user, kind, occurred_at: datetime, place: str, description: str,
                    outcome: str = "", zone: Zone | None = None, people_involved: int = 1,
                    severity: str = Incident.Severity.MINOR, status: str = Incident.Status.RESOLVED,
                    plan_x: float | None = None, plan_y: float | None = None) -> Incident:
    _ensure_incident_logger(user, event)
    if zone is not None and zone.event_id != event.pk:
        raise ValidationError({"zone": _("请选择本活动的区域。")})
    _check_plan_point(event, plan_x, plan_y)
    now = timezone.now()
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("发生时间不能晚于现在。")})
    outcome = (outcome or "").strip()
    if status == Incident.Status.RESOLVED and not outcome:
        raise ValidationError({"outcome": _("已处置的警情须填写处置结果。")})
    incident = Incident(event=event, kind=kind, occurred_at=occurred_at, place=(place or "").strip(),
                        description=(description or "").strip(), outcome=outcome, zone=zone,
                        people_involved=people_involved, severity=severity, status=status,
                        resolved_at=now if status == Incident.Status.RESOLVED else None, recorded_by=user,
                        plan_x=plan_x, plan_y=plan_y)
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_resolve(*, incident: Incident, user, outcome: str) -> Incident:
    """处置中 → 已处置, with what was done (the same people who may log it)."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("event__application").get(
        pk=incident.pk)
    _ensure_incident_logger(user, incident.event)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("已处置的警情须填写处置结果。")})
    if incident.status == Incident.Status.RESOLVED:
        raise ValidationError({"outcome": _("该警情已处置。")})
    incident.outcome = outcome
    incident.status = Incident.Status.RESOLVED
    incident.resolved_at = timezone.now()
    incident.full_clean()
    incident.save(update_fields=["outcome", "status", "resolved_at"])
    return incident


def _check_plan_point(event: Event, x: float | None, y: float | None) -> None:
    """Where on the site plan an incident happened: both coordinates or neither, inside the drawing."""
    if x is None and y is None:
        return
    from siteplan.services import plan_for

    plan = plan_for(event.application)
    if plan is None:
        raise ValidationError({"plan_x": _("本活动没有场地平面图，无法标注位置。")})
    if x is None or y is None:
        raise ValidationError({"plan_y" if y is None else "plan_x": _("请同时填写平面图位置的 X 与 Y。")})
    if not (0 <= x <= plan.width_m and 0 <= y <= plan.height_m):
        raise ValidationError({"plan_x": _("位置超出平面图范围（%(w)s × %(h)s 米）。") % {
            "w": round(plan.width_m, 1), "h": round(plan.height_m, 1)}})


# ---------------------------------------------------------------------------------------------- security companies


def _check_company(company: Organisation) -> None:
    if company.kind != Organisation.Kind.SECURITY_COMPANY:
        raise ValidationError({"company": _("请选择保安服务公司。")})


@transaction.atomic
def drill_record(*, user, company: Organisation, held_on, scenario: str, guards_trained: int,
                 event: Event | None = None) -> TrainingDrill:
    """Police record a company's drill; a security company may record its own."""
    _check_company(company)
    own_company = user.organisation_id == company.pk and user.has_role("security_company")
    if not (user.is_police or own_company or user.is_superuser):
        raise PermissionDenied(_("只有公安民警或该保安公司可以登记培训演练。"))
    if event is not None and event.security_company_id != company.pk:
        raise ValidationError({"event": _("该活动的保安服务公司不是所选公司。")})
    drill = TrainingDrill(company=company, event=event, held_on=held_on, scenario=(scenario or "").strip(),
                          guards_trained=guards_trained, recorded_by=user)
    drill.full_clean()
    drill.save()
    return drill


@transaction.atomic
def accountability_record(*, user, company: Organisation, decided_on, severity: str, description: str,
                          event: Event | None = None) -> AccountabilityRecord:
    """回溯追责: only police hold a company accountable, for an event of their district when one is named."""
    _check_company(company)
    if not (user.is_police or user.is_superuser):
        raise PermissionDenied(_("只有公安民警可以登记回溯追责。"))
    if event is not None:
        _ensure_operator(user, event)
        if event.security_company_id != company.pk:
            raise ValidationError({"event": _("该活动的保安服务公司不是所选公司。")})
    record = AccountabilityRecord(company=company, event=event, decided_on=decided_on, severity=severity,
                                  description=(description or "").strip(), recorded_by=user)
    record.full_clean()
    record.save()
    return record


# ---------------------------------------------------------------------------------------------- after-action review


@transaction.atomic
def after_action_review_record(*, event: Event, user, findings: str, organizer_rating: str,
                               accountability_severity: str = "", accountability_description: str = ""):
    """复盘: the bureau's review of a completed event, once. The company's accountability decision (if any) is an
    AccountabilityRecord of the event; the figures are built from the day's records and kept with the review;
    the organizer's and the company's open applications are re-assessed (their record changed). Audited and
    told to the organizer and the company."""
    from django.urls import reverse

    from approvals.audit import Event as AuditEvent, audit_record
    from approvals.models import Application
    from approvals.risk.bridge import reassess_after_commit
    from approvals.workflow.states import with_trait
    from events.models import AfterActionReview
    from notifications.services import notify

    from . import review

    Event.objects.select_for_update().filter(pk=event.pk).first()  # one review at a time per event
    _ensure_operator(user, event)
    if not selectors.review_available(event):
        raise ValidationError(_("活动办结后方可复盘。"))
    if AfterActionReview.objects.filter(event=event).exists():
        raise ValidationError(_("该活动已复盘。"))
    errors = {}
    findings = (findings or "").strip()
    if not findings:
        errors["findings"] = _("请填写复盘结论。")
    if organizer_rating not in AfterActionReview.OrganizerRating.values:
        errors["organizer_rating"] = _("请选择承办单位履责评价。")
    accountability_description = (accountability_description or "").strip()
    if accountability_severity:
        if not event.security_company_id:
            errors["accountability_severity"] = _("本活动未确定保安服务公司，无法追责。")
        elif not accountability_description:
            errors["accountability_description"] = _("追责须写明事由。")
    if errors:
        raise ValidationError(errors)
    if accountability_severity:
        accountability_record(user=user, company=event.security_company, event=event,
                              decided_on=timezone.localdate(), severity=accountability_severity,
                              description=accountability_description)
    figures = review.review_figures(**selectors.review_inputs(event))
    record = AfterActionReview(event=event, findings=findings, organizer_rating=organizer_rating,
                               figures=figures.as_record(), reviewed_by=user, reviewed_at=timezone.now())
    record.full_clean()
    record.save()
    application = event.application
    audit_record(application, actor=user, event=AuditEvent.AFTER_ACTION_REVIEWED, reason=findings[:500],
                 snapshot={"organizer_rating": organizer_rating, "accountability": accountability_severity,
                           "figures": record.figures})
    # The record the risk model reads changed: the organizer's and the company's applications still open.
    touched = Q(organisation_id=event.organisation_id)
    if event.security_company_id:
        touched |= Q(event__security_company_id=event.security_company_id)
    for open_application in Application.objects.filter(touched, state__in=with_trait("in_progress")).exclude(
            pk=application.pk).only("pk")[:200]:
        reassess_after_commit(open_application, trigger="review")
    message = _("“%(event)s”（%(reference)s）已完成复盘。承办单位履责评价：%(rating)s。\n复盘结论：%(findings)s") % {
        "event": event.name, "reference": application.reference, "rating": record.get_organizer_rating_display(),
        "findings": findings}
    notify(users=selectors.command_post_users(event), verb="after_action_reviewed", message=message,
           application=application, link=reverse("eventday:review", args=[event.pk]),
           dedupe_key=f"after_action:{record.pk}")
    return record
