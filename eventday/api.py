"""Event-day API: the counting endpoint for gate devices, live occupancy, alerts, incidents, company records,
statistics. Thin: own input/output serializers, services write, selectors read (already filtered)."""
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.sessions import passive
from approvals.workflow.api import Conflict
from approvals.workflow import ApplicationConflict
from events.models import AccountabilityRecord, Authority, Venue

from . import selectors, services
from .authentication import GateDeviceAuthentication, GateDeviceRateThrottle, IsGateDevice
from .models import Alert, Incident, IncidentKind, Zone

# ---------------------------------------------------------------------------------------------- counting

ReadingInput = type("ReadingInput", (serializers.Serializer,), {
    "gate": serializers.CharField(max_length=40, help_text=_("闸口编号")),
    "time": serializers.DateTimeField(help_text=_("计数时间")),
    "in": serializers.IntegerField(min_value=0, max_value=100_000),
    "out": serializers.IntegerField(min_value=0, max_value=100_000),
    "sequence": serializers.IntegerField(min_value=0, max_value=2**62,
                                         help_text=_("设备内唯一的序号：重发同一序号不会重复计数")),
})


class BatchInput(serializers.Serializer):
    readings = ReadingInput(many=True, allow_empty=True, max_length=services.MAX_BATCH)


class IngestOutput(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    alerts = serializers.ListField(child=serializers.DictField())
    headcount_alerts = serializers.ListField(child=serializers.DictField(), help_text=_(
        "本批次触发的核准人数告警（第十八条）：告警线、在场人数、核准人数、应关闭的入口"))


def _count(value, *, maximum: int):
    # bool is an int in Python; a counter sending true/false is broken, not counting one person.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        return None
    return value


def _reading_errors(prefix: str, item) -> dict:
    if not isinstance(item, dict):
        return {prefix: [_("应为对象。")]}
    errors = {}
    gate = item.get("gate")
    if not isinstance(gate, str) or not 0 < len(gate) <= 40 or "\x00" in gate:  # PostgreSQL text has no NUL
        errors[f"{prefix}.gate"] = [_("请填写闸口编号。")]
    try:
        datetime.fromisoformat(item.get("time"))
    except (TypeError, ValueError):
        errors[f"{prefix}.time"] = [_("计数时间格式错误（ISO 8601）。")]
    for name, maximum in (("in", 100_000), ("out", 100_000), ("sequence", 2**62)):
        if _count(item.get(name), maximum=maximum) is None:
            errors[f"{prefix}.{name}"] = [_("应为不小于 0 的整数。")]
    return errors


def parse_readings(items) -> list[services.Reading]:
    """Validate a batch by hand: DRF's nested serializer costs more than the insert itself at 1,000 readings.
    Errors are field-level, as "readings[i].field" (the same contract as ReadingInput documents)."""
    if not isinstance(items, list):
        raise serializers.ValidationError({"readings": [_("应为计数记录列表。")]})
    if len(items) > services.MAX_BATCH:
        raise serializers.ValidationError({"readings": [_("每批最多 %(n)s 条。") % {"n": services.MAX_BATCH}]})
    readings, errors = [], {}
    default_tz = timezone.get_current_timezone()
    Reading = services.Reading
    for index, item in enumerate(items):
        try:
            gate, raw_time = item["gate"], item["time"]
            count_in, count_out, sequence = item["in"], item["out"], item["sequence"]
            moment = datetime.fromisoformat(raw_time)
            valid = (type(gate) is str and 0 < len(gate) <= 40 and "\x00" not in gate and type(count_in) is int
                     and type(count_out) is int and type(sequence) is int and 0 <= count_in <= 100_000
                     and 0 <= count_out <= 100_000 and 0 <= sequence <= 2**62)
        except (KeyError, TypeError, ValueError):
            valid = False
        if not valid:
            # The slow path, only for a bad reading: say which fields are wrong.
            errors.update(_reading_errors(f"readings[{index}]", item))
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=default_tz)
        readings.append(Reading(gate, moment, count_in, count_out, sequence))
    if errors:
        raise serializers.ValidationError(errors)
    return readings


class ReadingsApi(APIView):
    """POST one reading, a list, or {"readings": [...]}, authenticated as a gate device."""

    authentication_classes = [GateDeviceAuthentication]
    permission_classes = [IsGateDevice]
    throttle_classes = [GateDeviceRateThrottle]

    @extend_schema(request=BatchInput, responses=IngestOutput, tags=["eventday"])
    def post(self, request):
        data = request.data
        if isinstance(data, dict):
            data = data["readings"] if "readings" in data else [data]
        result = services.readings_record(device=request.auth, readings=parse_readings(data))
        return Response({
            "accepted": result.accepted, "duplicates": result.duplicates,
            "alerts": [{"zone": a.zone.name, "level": a.level} for a in result.alerts],
            "headcount_alerts": [headcount_alert_data(a) for a in result.headcount_alerts]})


class DeviceInfoApi(APIView):
    """What a counter needs to know: its event, window and gates."""

    authentication_classes = [GateDeviceAuthentication]
    permission_classes = [IsGateDevice]
    throttle_classes = [GateDeviceRateThrottle]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["eventday"])
    def get(self, request):
        device = request.auth
        event = device.event
        zones = list(Zone.objects.filter(event=event).order_by("order", "pk"))
        by_id = {z.pk: z for z in zones}
        return Response({
            "device": device.name,
            "event": {"id": event.pk, "name": event.name, "start_at": event.start_at, "end_at": event.end_at,
                      "state": event.application.state},
            "zones": [{"id": z.pk, "name": z.name, "kind": z.kind, "safe_capacity": z.safe_capacity,
                       "occupancy": z.occupancy} for z in zones],
            "gates": [{"code": g.code, "name": g.name, "zone": g.zone_id, "from_zone": g.from_zone_id}
                      for g in device.gates.order_by("code") if g.zone_id in by_id],
        })


# ---------------------------------------------------------------------------------------------- live occupancy


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    state = serializers.CharField(source="application.state")
    venue = serializers.CharField(source="venue.name")
    entries = serializers.SerializerMethodField()
    occupancy = serializers.SerializerMethodField()
    peak_occupancy = serializers.SerializerMethodField()
    open_alerts = serializers.BooleanField()

    def _tally(self, event):
        return selectors._tally(event)

    def get_entries(self, event) -> int:
        return self._tally(event).entries

    def get_occupancy(self, event) -> int:
        return self._tally(event).occupancy

    def get_peak_occupancy(self, event) -> int:
        return self._tally(event).peak_occupancy


class EventListApi(ListAPIView):
    serializer_class = EventOutput

    def get_queryset(self):
        return selectors.event_list_queryset(self.request.user)

    @extend_schema(tags=["eventday"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    zone = serializers.CharField(source="zone.name")
    level = serializers.CharField()
    level_display = serializers.CharField(source="get_level_display")
    raised_at = serializers.DateTimeField()
    occupancy = serializers.IntegerField()
    safe_capacity = serializers.IntegerField()
    percent = serializers.IntegerField()
    acknowledged = serializers.BooleanField()


def headcount_alert_data(alert) -> dict:
    return {"id": alert.pk, "percent": alert.percent, "raised_at": alert.raised_at, "occupancy": alert.occupancy,
            "approved_headcount": alert.approved_headcount, "occupancy_percent": alert.occupancy_percent,
            "instruction": alert.instruction, "gates_to_close": alert.gates_to_close,
            "rearmed_at": alert.rearmed_at}


def headcount_payload(headcount) -> dict:
    """The headline against the permit: the live session's approved headcount (Art. 18) and its tickets."""
    session = headcount.session
    return {
        "session": {"id": session.pk, "label": headcount.label, "start_at": session.start_at,
                    "end_at": session.end_at, "expected_attendance": headcount.planned},
        "permit_attendance": headcount.permitted, "approved_headcount": headcount.approved,
        "occupancy": headcount.occupancy, "percent": round(headcount.percent, 1), "over": headcount.over,
        "entries": headcount.entries, "tickets_issued": headcount.tickets_issued,
        "lines": headcount.lines, "alerts": [headcount_alert_data(a) for a in headcount.alerts],
    }


def occupancy_payload(event, *, alerts_limit=20) -> dict:
    occupancy = selectors.event_occupancy(event)
    return {
        "event": {"id": event.pk, "name": event.name, "state": event.application.state},
        "headcount": headcount_payload(occupancy.headcount),
        "occupancy": occupancy.occupancy, "safe_capacity": occupancy.safe_capacity,
        "percent": round(occupancy.percent, 1), "level": occupancy.level, "entries": occupancy.entries,
        "peak_occupancy": occupancy.peak_occupancy, "approved_headcount": occupancy.approved_headcount,
        "zones": [{"id": s.zone.pk, "name": s.zone.name, "kind": s.zone.kind, "occupancy": s.occupancy,
                   "safe_capacity": s.safe_capacity, "percent": round(s.percent, 1), "level": s.level,
                   "density": round(s.density, 2)} for s in occupancy.zones],
        "last_hour": selectors.occupancy_last_hour(event, occupancy),
        "alerts": AlertOutput(selectors.open_alerts(event)[:alerts_limit], many=True).data,
        "generated_at": timezone.now(),
    }


@passive  # the dashboard's chart fetches it every few seconds: not user activity (accounts/sessions.py)
class OccupancyApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["eventday"])
    def get(self, request, event_pk):
        event = selectors.event_for_user(request.user, event_pk)
        return Response(occupancy_payload(event))


class TicketsInput(serializers.Serializer):
    session = serializers.IntegerField(required=False, allow_null=True, help_text=_("场次（空：当前场次）"))
    tickets_issued = serializers.IntegerField(min_value=0, max_value=10_000_000, help_text=_("已售（发）票数"))


class TicketsOutput(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    tickets_issued = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()


class SessionTicketsApi(APIView):
    """The tickets issued for one session (default: the live one), reported by the organizer or the event's
    security company."""

    @extend_schema(request=TicketsInput, responses=TicketsOutput, tags=["eventday"])
    def put(self, request, event_pk):
        event = selectors.event_for_user(request.user, event_pk)
        data = TicketsInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = selectors.session_of_event(event, data.validated_data.get("session"))
        tickets = services.session_tickets_record(event=event, session=session, user=request.user,
                                                  tickets_issued=data.validated_data["tickets_issued"])
        return Response(TicketsOutput(tickets).data)


class AlertListApi(ListAPIView):
    serializer_class = AlertOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        event = selectors.event_for_user(self.request.user, self.kwargs["event_pk"])
        return selectors.open_alerts(event)

    @extend_schema(tags=["eventday"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AlertAcknowledgeApi(APIView):
    @extend_schema(request=None, responses=AlertOutput, tags=["eventday"])
    def post(self, request, event_pk, alert_pk):
        event = selectors.event_for_user(request.user, event_pk)
        alert = get_object_or_404(Alert, pk=alert_pk, zone__event=event)
        alert = services.alert_acknowledge(alert=alert, user=request.user)
        return Response(AlertOutput(alert).data)


class SuspendInput(serializers.Serializer):
    reasons = serializers.CharField()
    required_changes = serializers.CharField()
    expected_revision = serializers.IntegerField(required=False, allow_null=True)


class SuspendApi(APIView):
    @extend_schema(request=SuspendInput, responses={200: OpenApiTypes.OBJECT, 409: OpenApiResponse(
        description="已被他人修改: the application changed since expected_revision.")}, tags=["eventday"])
    def post(self, request, event_pk):
        event = selectors.event_for_user(request.user, event_pk)
        if not selectors.user_may_operate(request.user, event):
            raise PermissionDenied(_("只有本辖区公安民警可以熔断活动。"))
        data = SuspendInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.event_suspend(event=event, user=request.user, **data.validated_data)
        except ApplicationConflict as conflict:
            raise Conflict(conflict.message)
        event.application.refresh_from_db()
        return Response({"state": event.application.state})


# ---------------------------------------------------------------------------------------------- incidents


class IncidentInput(serializers.Serializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=IncidentKind.objects.filter(is_active=True))
    occurred_at = serializers.DateTimeField()
    zone = serializers.IntegerField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200)
    description = serializers.CharField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")  # required once resolved
    people_involved = serializers.IntegerField(min_value=0, default=1)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices, default=Incident.Severity.MINOR)
    status = serializers.ChoiceField(choices=Incident.Status.choices, default=Incident.Status.RESOLVED)


class IncidentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    occurred_at = serializers.DateTimeField()
    zone = serializers.CharField(source="zone.name", allow_null=True, default=None)
    place = serializers.CharField()
    description = serializers.CharField()
    outcome = serializers.CharField()
    people_involved = serializers.IntegerField()
    severity = serializers.CharField()
    status = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    recorded_by = serializers.CharField()


class IncidentListApi(ListAPIView):
    serializer_class = IncidentOutput

    def _event(self):
        event = selectors.event_for_user(self.request.user, self.kwargs["event_pk"])
        if not selectors.user_may_log_incidents(self.request.user, event):
            raise PermissionDenied(_("警务服务台记录仅限公安民警和本活动的保安服务公司查看。"))
        return event

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incidents_of(self._event())

    @extend_schema(tags=["eventday"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=IncidentInput, responses={201: IncidentOutput}, tags=["eventday"])
    def post(self, request, event_pk):
        event = self._event()
        data = IncidentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        zone_id = values.pop("zone", None)
        zone = Zone.objects.filter(pk=zone_id, event=event).first() if zone_id else None
        if zone_id and zone is None:
            raise serializers.ValidationError({"zone": [_("请选择本活动的区域。")]})
        incident = services.incident_record(event=event, user=request.user, zone=zone, **values)
        return Response(IncidentOutput(incident).data, status=status.HTTP_201_CREATED)


class IncidentKindOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    is_violation = serializers.BooleanField()


class IncidentKindListApi(ListAPIView):
    serializer_class = IncidentKindOutput
    pagination_class = None

    def get_queryset(self):
        return selectors.incident_kinds()


# ---------------------------------------------------------------------------------------------- companies


class CompanyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    event_count = serializers.IntegerField()
    drill_count = serializers.IntegerField()
    accountability_count = serializers.IntegerField()


class CompanyListApi(ListAPIView):
    serializer_class = CompanyOutput

    def get_queryset(self):
        return selectors.company_list_queryset(self.request.user)


def _company(user, pk):
    return selectors.company_for_user(user, pk)


def _optional_event(user, pk):
    return selectors.event_for_user(user, pk) if pk else None


class DrillInput(serializers.Serializer):
    company = serializers.IntegerField()
    event = serializers.IntegerField(required=False, allow_null=True)
    held_on = serializers.DateField()
    scenario = serializers.CharField(max_length=200)
    guards_trained = serializers.IntegerField(min_value=1)


class DrillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.CharField(source="company.name")
    event = serializers.CharField(source="event_name", allow_null=True, default=None)
    held_on = serializers.DateField()
    scenario = serializers.CharField()
    guards_trained = serializers.IntegerField()


class DrillListApi(ListAPIView):
    serializer_class = DrillOutput

    def get_queryset(self):
        return selectors.drills_visible_to(self.request.user)

    @extend_schema(request=DrillInput, responses={201: DrillOutput})
    def post(self, request):
        data = DrillInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        company = _company(request.user, values.pop("company"))
        event = _optional_event(request.user, values.pop("event", None))
        drill = services.drill_record(user=request.user, company=company, event=event, **values)
        drill.event_name = event.name if event else None  # the user named it, so may see it
        return Response(DrillOutput(drill).data, status=status.HTTP_201_CREATED)


class AccountabilityInput(serializers.Serializer):
    company = serializers.IntegerField()
    event = serializers.IntegerField(required=False, allow_null=True)
    decided_on = serializers.DateField()
    severity = serializers.ChoiceField(choices=AccountabilityRecord.Severity.choices)
    description = serializers.CharField()


class AccountabilityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.CharField(source="company.name")
    event = serializers.CharField(source="event_name", allow_null=True, default=None)
    decided_on = serializers.DateField()
    severity = serializers.CharField()
    description = serializers.CharField()


class AccountabilityListApi(ListAPIView):
    serializer_class = AccountabilityOutput

    def get_queryset(self):
        return selectors.accountability_visible_to(self.request.user)

    @extend_schema(request=AccountabilityInput, responses={201: AccountabilityOutput})
    def post(self, request):
        data = AccountabilityInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        company = _company(request.user, values.pop("company"))
        event = _optional_event(request.user, values.pop("event", None))
        record = services.accountability_record(user=request.user, company=company, event=event, **values)
        record.event_name = event.name if event else None
        return Response(AccountabilityOutput(record).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------- statistics


class StatisticsInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    bureau = serializers.PrimaryKeyRelatedField(queryset=Authority.objects.filter(kind="police"), required=False,
                                                allow_null=True)
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), required=False, allow_null=True)


def _approval_payload(figures) -> dict:
    return {"received": figures.received, "decided": figures.decided, "decided_on_time": figures.decided_on_time,
            "on_time_rate": figures.on_time_rate, "average_days_to_decide": figures.average_days_to_decide,
            "deferred_acceptances": figures.deferred_acceptances,
            "provisional_approvals": figures.provisional_approvals, "suspensions": figures.suspensions}


def statistics_payload(stats) -> dict:
    return {
        "events_held": stats.events_held, "sessions_held": stats.sessions_held,
        "visitors_per_session": stats.visitors_per_session, "total_entries": stats.total_entries,
        "peak_occupancy": stats.peak_occupancy, "incidents_total": stats.incidents_total,
        "incidents_by_kind": [{"kind": name, "count": n} for name, n in stats.incidents_by_kind],
        "drills": stats.drills, "guards_trained": stats.guards_trained,
        "companies_held_accountable": stats.companies_held_accountable,
        "accountability_records": stats.accountability_records,
        "approvals": _approval_payload(stats.approvals),
        "reviews": {"events_reviewed": stats.reviews.events_reviewed, "visitors": stats.reviews.visitors,
                    "incidents_by_kind": stats.reviews.incidents_by_kind, "violations": stats.reviews.violations,
                    "organizers_rated_poor": stats.reviews.organizers_rated_poor},
        "previous_year": None if stats.previous is None else {
            "events_held": stats.previous.events_held, "sessions_held": stats.previous.sessions_held,
            "total_entries": stats.previous.total_entries, "incidents_total": stats.previous.incidents_total,
            "approvals": _approval_payload(stats.previous.approvals)},
        "year_on_year_percent": stats.changes,
        "events_by_month": [{"month": m, "events": n} for m, n in stats.by_month],  # sessions held per month
        "events": [{"id": e.pk, "name": e.name, "venue": e.venue.name, "start_at": e.start_at,
                    "entries": t.entries, "peak_occupancy": t.peak_occupancy} for e, t in stats.events],
        "sessions": [{"event": row.event.pk, "session": row.session.pk, "label": str(row.label),
                      "start_at": row.session.start_at, "end_at": row.session.end_at, "held": row.held,
                      "approved_headcount": row.approved, "tickets_issued": row.tickets_issued,
                      "entries": row.entries, "peak_occupancy": row.peak_occupancy} for row in stats.sessions],
    }


class StatisticsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[StatisticsInput], responses=OpenApiTypes.OBJECT, tags=["eventday"])
    def get(self, request):
        params = StatisticsInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        stats = selectors.statistics_for(request.user, year=values.get("year") or timezone.localdate().year,
                                         bureau=values.get("bureau"), venue=values.get("venue"))
        return Response(statistics_payload(stats))

