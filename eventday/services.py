"""Writes of the event day: gate readings (idempotent ingest), alerts, incidents, company records, suspension.

Every function: keyword-only arguments, one transaction, validation before writing.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import permissions as approval_permissions
from approvals.models import ApplicationState
from events.models import AccountabilityRecord, Event, Organisation, TrainingDrill

from . import crowd
from .models import Alert, EventTally, Gate, GateDevice, GateReading, Incident, OccupancyPolicy, Zone, ZoneMinute

# Readings are accepted only while the permit is in force.
LIVE_STATES = (ApplicationState.APPROVED, ApplicationState.PROVISIONALLY_APPROVED)
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
        elif not opens <= reading.measured_at <= latest:
            errors[f"readings[{index}].time"] = _("计数时间不在活动计数时段内。")
    if errors:
        raise ValidationError(errors)


def _insert_new(device: GateDevice, readings: list, received_at: datetime) -> set[int]:
    """Insert the readings, skipping (device, sequence) pairs already stored; returns the new sequences."""
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


@transaction.atomic
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
    gates = {g["code"]: g for g in Gate.objects.filter(event=event, code__in={r.gate for r in readings})
             .values("id", "code", "zone_id", "from_zone_id")}
    opens, closes = live_window(event, policy)
    _check_readings(readings, gates, opens=opens,
                    latest=min(closes, now + timedelta(seconds=policy.clock_skew_seconds)))

    # One row per sequence (a batch may repeat itself); the first wins, as the database would decide.
    unique: dict[int, _Placed] = {}
    for r in readings:
        gate = gates[r.gate]
        unique.setdefault(r.sequence, _Placed(r.sequence, gate["id"], gate["zone_id"], gate["from_zone_id"],
                                              r.measured_at, r.count_in, r.count_out))
    # Lock the event's tally first: batches of one event serialise here, so alert crossings are seen once.
    tally, _created = EventTally.objects.select_for_update().get_or_create(event=event)
    new_sequences = _insert_new(device, list(unique.values()), now)
    result = IngestResult(accepted=len(new_sequences), duplicates=len(readings) - len(new_sequences))
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
        GateDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    if not new_sequences:
        return result

    zone_flows: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    minute_flows: dict[tuple[int, datetime], list[int]] = defaultdict(lambda: [0, 0])
    event_in = event_out = 0
    for placed in (unique[s] for s in new_sequences):
        minute = crowd.minute_floor(placed.measured_at)
        moves = [(placed.zone_id, placed.count_in, placed.count_out)]
        if placed.from_zone_id is None:
            event_in += placed.count_in
            event_out += placed.count_out
        else:
            # An inner gate: whoever goes in leaves the zone it came from, and the other way round.
            moves.append((placed.from_zone_id, placed.count_out, placed.count_in))
        for zone_id, count_in, count_out in moves:
            for flows, key in ((zone_flows, zone_id), (minute_flows, (zone_id, minute))):
                flows[key][0] += count_in
                flows[key][1] += count_out

    # One UPDATE for every zone touched, each adding its own share.
    Zone.objects.filter(pk__in=list(zone_flows)).update(
        entries=F("entries") + Case(*[When(pk=z, then=Value(f[0])) for z, f in zone_flows.items()],
                                    default=Value(0), output_field=BigIntegerField()),
        exits=F("exits") + Case(*[When(pk=z, then=Value(f[1])) for z, f in zone_flows.items()],
                                default=Value(0), output_field=BigIntegerField()))
    _add_minutes(minute_flows)
    tally.entries += event_in
    tally.exits += event_out
    if tally.occupancy > tally.peak_occupancy:
        tally.peak_occupancy, tally.peak_at = tally.occupancy, now
    tally.save(update_fields=["entries", "exits", "peak_occupancy", "peak_at", "updated_at"])
    result.alerts = _raise_alerts(zone_ids=list(zone_flows), lines=policy_lines(policy), now=now)
    return result


def _raise_alerts(*, zone_ids: list[int], lines: crowd.Lines, now: datetime) -> list[Alert]:
    alerts = []
    for zone in Zone.objects.filter(pk__in=zone_ids).order_by("pk"):
        state, raised = crowd.alert_transition(zone.alert_state, zone.occupancy, zone.safe_capacity, lines)
        if state != zone.alert_state:
            Zone.objects.filter(pk=zone.pk).update(alert_state=state)
        alerts += [Alert(zone=zone, level=level, raised_at=now, occupancy=zone.occupancy,
                         safe_capacity=zone.safe_capacity) for level in raised]
    if alerts:
        Alert.objects.bulk_create(alerts)
    return alerts


# ---------------------------------------------------------------------------------------------- set-up


def _ensure_operator(user, event: Event) -> None:
    if not user.has_perm(approval_permissions.REVIEW, event.application):
        raise PermissionDenied(_("只有本辖区公安民警可以执行此操作。"))


@transaction.atomic
def zone_create(*, event: Event, kind: str, name: str, usable_area_m2: int, safe_density=None,
                order: int = 0) -> Zone:
    zone = Zone(event=event, kind=kind, name=name, usable_area_m2=usable_area_m2, order=order,
                safe_density=safe_density if safe_density is not None else OccupancyPolicy.current().default_safe_density)
    zone.full_clean()
    zone.save()
    EventTally.objects.get_or_create(event=event)
    return zone


@transaction.atomic
def gate_create(*, zone: Zone, code: str, name: str, from_zone: Zone | None = None) -> Gate:
    if from_zone is not None and (from_zone.event_id != zone.event_id or from_zone.pk == zone.pk):
        raise ValidationError({"from_zone": _("来源区域必须是本活动的另一区域。")})
    gate = Gate(event_id=zone.event_id, zone=zone, from_zone=from_zone, code=code, name=name)
    gate.full_clean()
    gate.save()
    return gate


@transaction.atomic
def device_register(*, event: Event, name: str) -> tuple[GateDevice, str]:
    """A new counter for the event; returns it with its raw token (shown once)."""
    device = GateDevice(event=event, name=name)
    raw = device.set_new_token()
    device.full_clean()
    device.save()
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
    try:
        from approvals.workflow import application_suspend
    except ImportError:
        raise ValidationError(_("审批流程模块尚未就绪，暂不能熔断。"))
    return application_suspend(application=event.application, actor=user, reasons=reasons,
                               required_changes=required_changes, expected_revision=expected_revision)


# ---------------------------------------------------------------------------------------------- incidents


@transaction.atomic
def incident_record(*, event: Event, user, kind, occurred_at: datetime, place: str, description: str,
                    outcome: str, zone: Zone | None = None, people_involved: int = 1) -> Incident:
    _ensure_operator(user, event)
    if zone is not None and zone.event_id != event.pk:
        raise ValidationError({"zone": _("请选择本活动的区域。")})
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("发生时间不能晚于现在。")})
    incident = Incident(event=event, kind=kind, occurred_at=occurred_at, place=(place or "").strip(),
                        description=(description or "").strip(), outcome=(outcome or "").strip(), zone=zone,
                        people_involved=people_involved, recorded_by=user)
    incident.full_clean()
    incident.save()
    return incident


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
