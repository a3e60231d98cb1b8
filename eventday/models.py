"""Event day: zones, gate counts, live occupancy, on-site incidents, statistics."""
import hashlib
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.bilingual import pick_language


POLICY_CACHE_SECONDS = 10
_policy_cache: dict = {}


class OccupancyPolicy(models.Model):
    """Thresholds and margins of the live monitoring (data, admin-editable; the row with is_current applies)."""

    label = models.CharField(_("说明"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前生效"), default=True)
    warning_percent = models.PositiveSmallIntegerField(
        _("预警线（安全容量的%）"), default=80, validators=[MinValueValidator(1), MaxValueValidator(200)])
    stop_admission_percent = models.PositiveSmallIntegerField(
        _("停止入场线（安全容量的%）"), default=95, validators=[MinValueValidator(1), MaxValueValidator(200)])
    # An alert re-arms once occupancy falls this many points below its line (0: as soon as it is below).
    rearm_margin_percent = models.PositiveSmallIntegerField(_("解除回落幅度（百分点）"), default=0,
                                                            validators=[MaxValueValidator(50)])
    default_safe_density = models.DecimalField(_("默认安全密度（人/㎡）"), max_digits=4, decimal_places=2,
                                               default=2, validators=[MinValueValidator(0.1)])
    # Gates open before the event and people leave after it: the counting API accepts readings in this margin.
    live_margin_minutes = models.PositiveIntegerField(_("活动前后计数时段（分钟）"), default=180)
    # The heat map's lowest band ends here (宽松 below, 较多 up to the warning line): see eventday.bands.
    busy_percent = models.PositiveSmallIntegerField(
        _("热力图“较多”起点（安全容量的%）"), default=60, validators=[MinValueValidator(1), MaxValueValidator(200)])
    clock_skew_seconds = models.PositiveIntegerField(_("计数器时钟允许超前（秒）"), default=300)

    class Meta:
        verbose_name = _("现场监测阈值")
        verbose_name_plural = _("现场监测阈值")
        ordering = ["-is_current", "-id"]

    def __str__(self):
        return self.label or f"{self.warning_percent}% / {self.stop_admission_percent}%"

    def clean(self):
        # The heat map's bands rise: busy below the warning line below the stop line (eventday.bands).
        if self.busy_percent is not None and self.warning_percent is not None \
                and self.busy_percent >= self.warning_percent:
            raise ValidationError({"busy_percent": _("“较多”起点须低于预警线。")})
        if self.warning_percent is not None and self.stop_admission_percent is not None \
                and self.warning_percent >= self.stop_admission_percent:
            raise ValidationError({"warning_percent": _("预警线须低于停止入场线。")})

    @classmethod
    def current(cls) -> "OccupancyPolicy":
        """The policy in force; kept for a few seconds per process, since every counter batch reads it."""
        cached = _policy_cache.get("policy")
        if cached is not None and time.monotonic() - cached[0] < POLICY_CACHE_SECONDS:
            return cached[1]
        policy = cls.objects.filter(is_current=True).order_by("-id").first() or cls()
        _policy_cache["policy"] = (time.monotonic(), policy)
        return policy

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _policy_cache.clear()


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("预警")
    STOP_ADMISSION = "stop_admission", _("停止入场")
    # More people counted out of a zone than into it: a faulty or forged counter (its excess is not applied).
    NEGATIVE_OCCUPANCY = "negative_occupancy", _("计数异常（离开多于进入）")


class Zone(models.Model):
    """A part of the event ground with a safe capacity; running totals keep occupancy cheap to read."""

    class Kind(models.TextChoices):
        CORE = "core", _("核心区")
        WARNING = "warning", _("警戒区")
        CONTROL = "control", _("控制区")
        AREA = "area", _("功能区")

    event = models.ForeignKey("events.Event", verbose_name=_("活动"), on_delete=models.CASCADE,
                              related_name="zones")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    usable_area_m2 = models.PositiveIntegerField(_("可用面积（㎡）"), validators=[MinValueValidator(1)])
    safe_density = models.DecimalField(_("安全密度（人/㎡）"), max_digits=4, decimal_places=2,
                                       validators=[MinValueValidator(0.1), MaxValueValidator(7)])
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # The site plan's feature this zone was made from (siteplan: the feature's key; "" for a zone typed by hand).
    plan_key = models.CharField(_("平面图要素编号"), max_length=100, blank=True, default="")
    # Running totals, updated with F() in the ingest transaction (never recomputed from every reading).
    entries = models.BigIntegerField(_("累计进入"), default=0, editable=False)
    exits = models.BigIntegerField(_("累计离开"), default=0, editable=False)
    # The highest alert level raised and not yet re-armed ("" = none).
    alert_state = models.CharField(max_length=20, blank=True, default="", editable=False)
    # Exits beyond the entries are never applied (they would hide later arrivals): their total, and whether the
    # negative-occupancy alert is raised and not yet re-armed (by a batch that no longer goes below zero).
    exits_discarded = models.BigIntegerField(_("未计入的离开人数"), default=0, editable=False)
    negative_alerted = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["event", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="zone_name_per_event")]

    def __str__(self):
        return _("%(name)s（%(kind)s）") % {"name": self.name, "kind": self.get_kind_display()}

    @property
    def safe_capacity(self) -> int:
        return int(self.usable_area_m2 * self.safe_density)

    @property
    def occupancy(self) -> int:
        return max(self.entries - self.exits, 0)


class Gate(models.Model):
    """An entrance counted by a device: `in` moves people into `zone` (from `from_zone`, or from outside)."""

    event = models.ForeignKey("events.Event", verbose_name=_("活动"), on_delete=models.CASCADE,
                              related_name="gates")
    zone = models.ForeignKey(Zone, verbose_name=_("进入区域"), on_delete=models.CASCADE, related_name="gates")
    from_zone = models.ForeignKey(Zone, verbose_name=_("来自区域（空：场外）"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="onward_gates")
    code = models.SlugField(_("编号"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    # The site plan's gate or exit this gate was made from ("" for a gate typed by hand).
    plan_key = models.CharField(_("平面图要素编号"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("闸口")
        verbose_name_plural = _("闸口")
        ordering = ["event", "code"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="gate_code_per_event")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if self.zone_id and self.event_id and self.zone.event_id != self.event_id:
            raise ValidationError({"zone": _("区域必须属于本活动。")})
        if self.from_zone_id and (self.from_zone.event_id != self.event_id or self.from_zone_id == self.zone_id):
            raise ValidationError({"from_zone": _("来源区域必须是本活动的另一区域。")})

    @property
    def is_perimeter(self) -> bool:
        return self.from_zone_id is None


def hash_device_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class GateDevice(models.Model):
    """A gate counter: authenticates with a token of which only the hash is stored."""

    event = models.ForeignKey("events.Event", verbose_name=_("活动"), on_delete=models.CASCADE,
                              related_name="gate_devices")
    name = models.CharField(_("设备名称"), max_length=100)
    # A counter reports only for the gates it is installed at: a stolen token cannot count elsewhere.
    gates = models.ManyToManyField(Gate, verbose_name=_("绑定闸口"), related_name="devices", blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("令牌前缀"), max_length=8, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近上报"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("计数设备")
        verbose_name_plural = _("计数设备")
        ordering = ["event", "name"]

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"

    def set_new_token(self) -> str:
        """Give the device a fresh token; returns the raw token (shown once, never stored)."""
        raw = secrets.token_urlsafe(32)
        self.token_hash = hash_device_token(raw)
        self.token_prefix = raw[:8]
        return raw


class GateReading(models.Model):
    """One counter report. (device, sequence) is unique: a resent report is ignored, never counted twice."""

    # No separate index: the unique (device, sequence) constraint already leads with device.
    device = models.ForeignKey(GateDevice, on_delete=models.PROTECT, related_name="readings", db_index=False)
    sequence = models.BigIntegerField()
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="readings")
    measured_at = models.DateTimeField()
    count_in = models.PositiveIntegerField()
    count_out = models.PositiveIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("计数记录")
        verbose_name_plural = _("计数记录")
        constraints = [models.UniqueConstraint(fields=["device", "sequence"], name="reading_once_per_sequence")]


class ZoneMinute(models.Model):
    """Per-zone, per-minute net flow: the last-hour chart and statistics read this, not the readings."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="minutes")
    minute = models.DateTimeField()
    count_in = models.BigIntegerField(default=0)
    count_out = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "minute"], name="zone_minute_unique")]


class EventTally(models.Model):
    """Event-wide running totals over perimeter gates, with the peak occupancy seen live."""

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="tally")
    entries = models.BigIntegerField(_("累计入场"), default=0)
    exits = models.BigIntegerField(_("累计离场"), default=0)
    peak_occupancy = models.BigIntegerField(_("峰值在场人数"), default=0)
    peak_at = models.DateTimeField(_("峰值时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("活动客流汇总")
        verbose_name_plural = _("活动客流汇总")

    @property
    def occupancy(self) -> int:
        return max(self.entries - self.exits, 0)


class Alert(models.Model):
    """A zone crossed a line: raised once per crossing, re-armed when occupancy falls back below."""

    Level = AlertLevel

    zone = models.ForeignKey(Zone, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField(_("级别"), max_length=20, choices=AlertLevel.choices)
    raised_at = models.DateTimeField(_("发出时间"))
    occupancy = models.PositiveIntegerField(_("当时在场人数"))
    safe_capacity = models.PositiveIntegerField(_("安全容量"))
    acknowledged = models.BooleanField(_("已确认"), default=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("容量告警")
        verbose_name_plural = _("容量告警")
        ordering = ["-raised_at", "-id"]

    def __str__(self):
        return f"{self.zone} {self.get_level_display()} {self.raised_at:%H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.occupancy / self.safe_capacity) if self.safe_capacity else 0


class IncidentKind(models.Model):
    """A kind of on-site police service desk record (data, seeded by migration)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("名称（中文）"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=100, blank=True)
    is_violation = models.BooleanField(_("属违法违规"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("警情类别")
        verbose_name_plural = _("警情类别")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较大")
    SERIOUS = "serious", _("重大")


class IncidentStatus(models.TextChoices):
    HANDLING = "handling", _("处置中")
    RESOLVED = "resolved", _("已处置")


class Incident(models.Model):
    """警务服务台 log entry: what happened, when, where, how serious, and how (and whether yet) it ended."""

    Severity = IncidentSeverity
    Status = IncidentStatus

    event = models.ForeignKey("events.Event", verbose_name=_("活动"), on_delete=models.PROTECT,
                              related_name="incidents")
    kind = models.ForeignKey(IncidentKind, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("发生时间"))
    zone = models.ForeignKey(Zone, verbose_name=_("区域"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="incidents")
    place = models.CharField(_("地点"), max_length=200)
    # Where on the site plan it happened, in venue metres (x east, y north; siteplan.models); both or neither.
    plan_x = models.FloatField(_("平面图位置 X（米）"), null=True, blank=True)
    plan_y = models.FloatField(_("平面图位置 Y（米）"), null=True, blank=True)
    description = models.TextField(_("情况"))
    outcome = models.TextField(_("处置结果"), blank=True)  # required once resolved (eventday.services)
    people_involved = models.PositiveIntegerField(_("涉及人数"), default=1)
    severity = models.CharField(_("严重程度"), max_length=10, choices=IncidentSeverity.choices,
                                default=IncidentSeverity.MINOR, db_index=True)
    status = models.CharField(_("处置状态"), max_length=10, choices=IncidentStatus.choices,
                              default=IncidentStatus.RESOLVED, db_index=True)
    resolved_at = models.DateTimeField(_("处置完毕时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("现场警情")
        verbose_name_plural = _("现场警情")
        ordering = ["-occurred_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(plan_x__isnull=True, plan_y__isnull=True)
            | models.Q(plan_x__isnull=False, plan_y__isnull=False), name="incident_plan_point_whole")]

    def __str__(self):
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M} {self.place}"


# ---------------------------------------------------------------------------------------------- against the permit


class HeadcountThreshold(models.Model):
    """A line of the approved headcount (Order 505 Art. 18: ticket checks stop at the approved number): crossed
    by the people on site in a session, it alerts the bureau and the command post once (data, admin-editable)."""

    percent = models.PositiveSmallIntegerField(_("告警线（核准人数的%）"), unique=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(200)])
    # Hysteresis: the line re-arms once occupancy falls this many points below it (a crowd hovering at the line
    # must not alert on every batch).
    rearm_margin_percent = models.PositiveSmallIntegerField(_("解除回落幅度（百分点）"), default=2,
                                                            validators=[MaxValueValidator(50)])
    instruction_zh = models.CharField(_("处置要求（中文）"), max_length=200)
    instruction_en = models.CharField(_("处置要求（英文）"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("核准人数告警线")
        verbose_name_plural = _("核准人数告警线")
        ordering = ["percent"]

    def __str__(self):
        return f"{self.percent}%"

    @property
    def instruction(self) -> str:
        return pick_language(self.instruction_zh, self.instruction_en)

    @classmethod
    def active_lines(cls) -> list["HeadcountThreshold"]:
        """The active lines, lowest first; kept for a few seconds per process (every counter batch reads them)."""
        cached = _policy_cache.get("headcount_lines")
        if cached is not None and time.monotonic() - cached[0] < POLICY_CACHE_SECONDS:
            return cached[1]
        lines = list(cls.objects.filter(is_active=True).order_by("percent"))
        _policy_cache["headcount_lines"] = (time.monotonic(), lines)
        return lines


def _forget_headcount_lines(**kwargs):
    _policy_cache.pop("headcount_lines", None)


models.signals.post_save.connect(_forget_headcount_lines, sender=HeadcountThreshold,
                                 dispatch_uid="eventday.headcount_lines_saved")
models.signals.post_delete.connect(_forget_headcount_lines, sender=HeadcountThreshold,
                                   dispatch_uid="eventday.headcount_lines_deleted")


class SessionTally(models.Model):
    """One session's counts (场次): the event's perimeter entries while this session was the live one, and its
    peak. Attributed after each batch (eventday.services.evaluate_headcount_alerts): the event's running totals
    minus what earlier sessions took (`base_*`), so the ingest never needs to know about sessions."""

    session = models.OneToOneField("events.EventSession", verbose_name=_("场次"), on_delete=models.CASCADE,
                                   related_name="eventday_tally")
    base_entries = models.BigIntegerField(default=0, editable=False)
    base_exits = models.BigIntegerField(default=0, editable=False)
    entries = models.BigIntegerField(_("本场累计入场"), default=0)
    exits = models.BigIntegerField(_("本场累计离场"), default=0)
    peak_occupancy = models.BigIntegerField(_("本场峰值在场人数"), default=0)
    peak_at = models.DateTimeField(_("峰值时间"), null=True, blank=True)
    # The lines (percent) raised in this session and not yet re-armed: read with the tally, so that a batch
    # without a crossing needs no query of HeadcountAlert (whose open rows say the same).
    open_lines = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("场次客流汇总")
        verbose_name_plural = _("场次客流汇总")

    def __str__(self):
        return str(self.session)


class SessionTickets(models.Model):
    """Tickets issued (售票/发票) for one session, as the organizer or the security company reports them: the
    cumulative entries are read against it (unknown until someone enters it)."""

    session = models.OneToOneField("events.EventSession", verbose_name=_("场次"), on_delete=models.CASCADE,
                                   related_name="eventday_tickets")
    tickets_issued = models.PositiveIntegerField(_("已售（发）票数"), validators=[MaxValueValidator(10_000_000)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("场次票务")
        verbose_name_plural = _("场次票务")

    def __str__(self):
        return f"{self.session}: {self.tickets_issued}"


class HeadcountAlert(models.Model):
    """A line of the approved headcount crossed in a session: raised once, re-armed (rearmed_at) when occupancy
    falls back below the line less its margin; at most one open per session and line."""

    event = models.ForeignKey("events.Event", verbose_name=_("活动"), on_delete=models.CASCADE,
                              related_name="headcount_alerts")
    session = models.ForeignKey("events.EventSession", verbose_name=_("场次"), on_delete=models.CASCADE,
                                related_name="headcount_alerts")
    percent = models.PositiveSmallIntegerField(_("告警线（核准人数的%）"))
    instruction = models.CharField(_("处置要求"), max_length=200)
    raised_at = models.DateTimeField(_("发出时间"))
    occupancy = models.PositiveIntegerField(_("当时在场人数"))
    approved_headcount = models.PositiveIntegerField(_("核准人数"))
    # The perimeter gates with inflow in the minute before: the ones to close (names as they were then).
    gates_to_close = models.JSONField(_("应关闭的入口"), default=list, blank=True)
    rearmed_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("核准人数告警")
        verbose_name_plural = _("核准人数告警")
        ordering = ["-raised_at", "-percent", "-id"]
        constraints = [models.UniqueConstraint(fields=["session", "percent"], condition=models.Q(rearmed_at=None),
                                               name="headcount_alert_open_once_per_line")]

    def __str__(self):
        return f"{self.event} {self.percent}% {self.raised_at:%H:%M}"

    @property
    def occupancy_percent(self) -> int:
        return round(100 * self.occupancy / self.approved_headcount) if self.approved_headcount else 0

    @property
    def is_open(self) -> bool:
        return self.rearmed_at is None
