"""Events and the things they are made of: authorities, organisations, venues, performers and setlists.

This app knows no other anbao app (dependencies point one way: approvals → events).
"""
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import (
    EVENT_DESCRIPTION_MAX_LENGTH, RECORD_DESCRIPTION_MAX_LENGTH, VETTING_REASON_MAX_LENGTH, validate_phone,
    validate_single_line,
)


class GroupOwnerMixin(models.Model):
    """Owns one auth Group that object permissions are granted to (never to each user)."""

    group = models.OneToOneField(Group, null=True, blank=True, editable=False, on_delete=models.PROTECT,
                                 related_name="+")
    group_prefix = "group"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"{self.group_prefix}:{self.pk}")
            super().save(update_fields=["group"])


class DepartmentKind(models.Model):
    """A kind of department the police ask for an opinion (并联审批): 消防救援, 交警, 卫健, 应急管理, 市场监管.

    A list as data (seeded by a migration, edited in the admin): a city adding 住建 or 城管 needs no release."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True, validators=[validate_single_line])
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("征求意见部门类别")
        verbose_name_plural = _("征求意见部门类别")
        ordering = ["ordering", "code"]

    def __str__(self):
        return self.name


class Authority(GroupOwnerMixin):
    """A police bureau, culture-tourism department or a department asked for opinions; districts sit under a
    city."""

    class Kind(models.TextChoices):
        POLICE = "police", _("公安机关")
        CULTURE = "culture", _("文化和旅游部门")
        DEPARTMENT = "department", _("征求意见部门")

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("区县级")

    # How a decision in this authority's name is numbered (approvals numbers them per authority and year).
    DEFAULT_PERMIT_NUMBER_FORMAT = "{abbr}安许〔{year}〕第{n}号"
    DEFAULT_REFUSAL_NUMBER_FORMAT = "{abbr}安不许〔{year}〕第{n}号"

    name = models.CharField(_("名称"), max_length=120, unique=True, validators=[validate_single_line])
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级机关"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    # Decisions issued in this authority's name: its abbreviation and number formats (placeholders {abbr},
    # {year}, {n}) and its seal, printed on the permit page and the plan PDF when set.
    abbreviation = models.CharField(_("机关简称（文号用）"), max_length=20, blank=True,
                                    validators=[validate_single_line], help_text=_("如：市公安局 → 市公"))
    permit_number_format = models.CharField(_("许可决定书文号格式"), max_length=60,
                                            default=DEFAULT_PERMIT_NUMBER_FORMAT,
                                            help_text=_("可用 {abbr}（简称）、{year}（年份）、{n}（序号）"))
    refusal_number_format = models.CharField(_("不予许可决定书文号格式"), max_length=60,
                                             default=DEFAULT_REFUSAL_NUMBER_FORMAT,
                                             help_text=_("可用 {abbr}（简称）、{year}（年份）、{n}（序号）"))
    seal = models.ImageField(_("印章图片"), upload_to="seals/", blank=True)
    # The force the bureau can deploy on one day (the calendar warns on a day whose sessions need more); empty:
    # not set, no warning.
    available_police = models.PositiveIntegerField(_("可调配警力（人/日）"), null=True, blank=True,
                                                   validators=[MinValueValidator(1)])
    available_security_staff = models.PositiveIntegerField(_("可调配保安力量（人/日）"), null=True, blank=True,
                                                           validators=[MinValueValidator(1)])
    # A department (kind DEPARTMENT): which kind, and the police bureau whose area it serves (the reviewer asks
    # the departments of the application's district and of the city above it).
    department_kind = models.ForeignKey(DepartmentKind, verbose_name=_("部门类别"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="authorities")
    area = models.ForeignKey("self", verbose_name=_("所在辖区（公安机关）"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="departments",
                             limit_choices_to={"kind": "police"})
    group_prefix = "authority"

    class Meta:
        verbose_name = _("主管机关")
        verbose_name_plural = _("主管机关")
        ordering = ["kind", "level", "name"]
        # Two authorities with one abbreviation would print the same decision numbers.
        constraints = [models.UniqueConstraint(fields=["abbreviation"], condition=~models.Q(abbreviation=""),
                                               name="authority_abbreviation_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        # A department sits in a district through `area` (the police bureau it serves), not a parent.
        if self.level == self.Level.DISTRICT and self.parent_id is None and self.kind != self.Kind.DEPARTMENT:
            raise ValidationError({"parent": _("区县级机关必须有上级市级机关。")})
        if self.parent_id and self.parent.kind != self.kind:
            raise ValidationError({"parent": _("上级机关必须是同一系统。")})
        errors = {}
        if self.kind == self.Kind.DEPARTMENT:
            if self.department_kind_id is None:
                errors["department_kind"] = _("征求意见部门必须选择部门类别。")
            if self.area_id is None:
                errors["area"] = _("征求意见部门必须选择所在辖区的公安机关。")
            elif self.area.kind != self.Kind.POLICE:
                errors["area"] = _("所在辖区必须是公安机关。")
        elif self.department_kind_id is not None or self.area_id is not None:
            errors["department_kind"] = _("只有征求意见部门才有部门类别和所在辖区。")
        for name in ("permit_number_format", "refusal_number_format"):
            try:
                self.decision_number(getattr(self, name), year=2026, n=1)
            except (KeyError, IndexError, ValueError):
                errors[name] = _("文号格式只能使用 {abbr}、{year}、{n} 三个占位符。")
            else:
                if "{n" not in getattr(self, name):
                    errors[name] = _("文号格式必须包含序号 {n}。")
        if errors:
            raise ValidationError(errors)

    def decision_number(self, number_format: str, *, year: int, n: int) -> str:
        """A decision number in this authority's format (e.g. 市公安许〔2026〕第3号); without an abbreviation the
        authority's full name stands in (numbers stay unique across authorities)."""
        return number_format.format(abbr=self.abbreviation or self.name, year=year, n=n)


class Organisation(GroupOwnerMixin):
    """A company: event organizer, venue manager or security-service company."""

    class Kind(models.TextChoices):
        ORGANIZER = "organizer", _("主办/承办单位")
        VENUE_MANAGER = "venue_manager", _("场所管理单位")
        SECURITY_COMPANY = "security_company", _("保安服务公司")

    name = models.CharField(_("单位名称"), max_length=200, unique=True, validators=[validate_single_line])
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.ORGANIZER)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True, validators=[validate_single_line])
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
    address = models.CharField(_("地址"), max_length=300, blank=True, validators=[validate_single_line])
    group_prefix = "organisation"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Venue(models.Model):
    """Where an event happens. An area (a stadium, a park, a square): its usable area and exits drive the crowd
    figures. A route (a marathon course, a cycling race, a parade): its length and width, start and finish areas
    do, and its exits are the finish area's (where the crowd disperses)."""

    class Setting(models.TextChoices):
        OUTDOOR = "outdoor", _("室外")
        INDOOR = "indoor", _("室内")

    class Kind(models.TextChoices):
        AREA = "area", _("区域型（场馆、广场、公园等）")
        ROUTE = "route", _("线路型（马拉松、骑行、巡游等赛道）")

    name = models.CharField(_("场所名称"), max_length=200, validators=[validate_single_line])
    address = models.CharField(_("地址"), max_length=300, validators=[validate_single_line])
    district = models.ForeignKey(Authority, verbose_name=_("所在辖区（公安分局）"), on_delete=models.PROTECT,
                                 related_name="venues", limit_choices_to={"kind": "police", "level": "district"})
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    kind = models.CharField(_("场所类型"), max_length=10, choices=Kind.choices, default=Kind.AREA)
    # Of a route: its footprint (course, start and finish areas), worked out in clean(); the risk model scores a
    # route on the route's own figures, never on this.
    usable_area_m2 = models.PositiveIntegerField(_("可用面积（㎡）"), blank=True, validators=[MinValueValidator(1)])
    setting = models.CharField(_("室内/室外"), max_length=10, choices=Setting.choices, default=Setting.OUTDOOR)
    parking_spaces = models.PositiveIntegerField(_("停车位"), default=0)
    public_transport = models.BooleanField(_("有公共交通接驳"), default=False)
    route_length_km = models.DecimalField(_("赛道长度（公里）"), max_digits=7, decimal_places=3, null=True, blank=True,
                                          validators=[MinValueValidator(0.1), MaxValueValidator(1000)],
                                          help_text=_("线路型场所填写；不足1公里的按小数填写，如 0.8。"))
    route_width_m = models.DecimalField(_("赛道宽度（米）"), max_digits=5, decimal_places=1, null=True, blank=True,
                                        validators=[MinValueValidator(1), MaxValueValidator(200)])
    start_area_m2 = models.PositiveIntegerField(_("起点区面积（㎡）"), null=True, blank=True,
                                                validators=[MinValueValidator(1), MaxValueValidator(10_000_000)])
    finish_area_m2 = models.PositiveIntegerField(_("终点区面积（㎡）"), null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(10_000_000)])
    owner = models.ForeignKey(Organisation, verbose_name=_("登记单位"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="venues")

    ROUTE_FIELDS = ("route_length_km", "route_width_m", "start_area_m2", "finish_area_m2")

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_indoor(self) -> bool:
        return self.setting == self.Setting.INDOOR

    @property
    def is_route(self) -> bool:
        return self.kind == self.Kind.ROUTE

    def clean(self):
        if self.is_route:
            missing = {name: _("线路型场所须填写此项。") for name in self.ROUTE_FIELDS if getattr(self, name) in (None, "")}
            if missing:
                raise ValidationError(missing)
            if self.is_indoor:
                raise ValidationError({"setting": _("线路型场所（赛道）应为室外。")})
            footprint = (float(self.route_length_km) * 1000 * float(self.route_width_m)
                         + self.start_area_m2 + self.finish_area_m2)
            self.usable_area_m2 = min(int(footprint), 100_000_000)
        else:
            if self.usable_area_m2 in (None, ""):
                raise ValidationError({"usable_area_m2": _("区域型场所须填写可用面积。")})
            for name in self.ROUTE_FIELDS:  # an area has no course: nothing stale is kept
                setattr(self, name, None)


class VenueExit(models.Model):
    class Kind(models.TextChoices):
        LEVEL = "level", _("平地")
        STEPS = "steps", _("台阶")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="exits")
    name = models.CharField(_("出口名称"), max_length=100, validators=[validate_single_line])
    width_m = models.DecimalField(_("宽度（米）"), max_digits=5, decimal_places=2,
                                  validators=[MinValueValidator(0.5), MaxValueValidator(200)])
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.LEVEL)

    class Meta:
        verbose_name = _("出口")
        verbose_name_plural = _("出口")
        ordering = ["venue", "id"]

    def __str__(self):
        return f"{self.name} ({self.width_m} m)"


class Event(models.Model):
    """The facts of one large public event, as the organizer states them."""

    class Kind(models.TextChoices):
        MUSIC_FESTIVAL = "music_festival", _("演唱会/音乐节")
        SPORTS = "sports", _("体育赛事/马拉松")
        EXHIBITION = "exhibition", _("展览/展销会")
        LANTERN_FESTIVAL = "lantern_festival", _("灯会/庙会")
        CAMPING = "camping", _("露营节")
        OTHER = "other", _("其他")

    name = models.CharField(_("活动名称"), max_length=200, validators=[validate_single_line])
    kind = models.CharField(_("活动类型"), max_length=30, choices=Kind.choices)
    venue = models.ForeignKey(Venue, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="events")
    organisation = models.ForeignKey(Organisation, verbose_name=_("承办单位"), on_delete=models.PROTECT,
                                     related_name="events")
    co_organisers = models.ManyToManyField(Organisation, verbose_name=_("联合承办单位"), blank=True,
                                           related_name="co_organised_events")
    security_company = models.ForeignKey(Organisation, verbose_name=_("保安服务公司"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="secured_events",
                                         limit_choices_to={"kind": "security_company"})
    start_at = models.DateTimeField(_("开始时间"))
    end_at = models.DateTimeField(_("结束时间"))
    expected_attendance = models.PositiveIntegerField(_("预计人数（每场）"))
    rated_capacity = models.PositiveIntegerField(_("场所核定容量"), validators=[MinValueValidator(1)])
    ticketed = models.BooleanField(_("售票"), default=True)
    temporary_structures = models.PositiveIntegerField(_("临时搭建设施数量"), default=0)
    has_performances = models.BooleanField(_("有演出"), default=False)
    alcohol_served = models.BooleanField(_("现场售酒"), default=False)
    description = models.TextField(_("活动内容"), blank=True, max_length=EVENT_DESCRIPTION_MAX_LENGTH,
                                   validators=[MaxLengthValidator(EVENT_DESCRIPTION_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-start_at"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            errors["end_at"] = _("结束时间必须晚于开始时间。")
        max_factor = getattr(settings, "ATTENDANCE_MAX_FACTOR_OVER_CAPACITY", 3)
        if self.expected_attendance and self.rated_capacity and (
            self.expected_attendance > self.rated_capacity * max_factor
        ):
            errors["expected_attendance"] = _(
                "预计人数 %(attendance)s 超过核定容量 %(capacity)s 的 %(factor)s 倍，请核实。"
            ) % {"attendance": self.expected_attendance, "capacity": self.rated_capacity, "factor": max_factor}
        if errors:
            raise ValidationError(errors)

    @property
    def organiser_count(self) -> int:
        return 1 + self.co_organisers.count()


class EventSession(models.Model):
    """场次: one sitting of an event. Order 505 counts people per session, so thresholds, the city-level route,
    night-time and weather are judged per session (the largest decides) and the permit lists every session.

    Event.start_at / end_at / expected_attendance are the summary of an event's sessions (first start, last end,
    largest attendance), kept by events.sessions.sync_summary so code that reads the event reads the largest
    session."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    name = models.CharField(_("场次名称"), max_length=100, blank=True, validators=[validate_single_line])
    start_at = models.DateTimeField(_("开始时间"))
    end_at = models.DateTimeField(_("结束时间"))
    expected_attendance = models.PositiveIntegerField(_("预计人数"))

    class Meta:
        verbose_name = _("场次")
        verbose_name_plural = _("场次")
        ordering = ["event", "start_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_at__gt=models.F("start_at")),
                                              name="event_session_ends_after_start")]

    def __str__(self):
        return self.name or f"{self.start_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("结束时间必须晚于开始时间。")})


class VettingStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("通过")
    # 不予通过, not 删除: the item stays in the lineup and becomes a permit condition; nothing is deleted.
    STRUCK = "struck", _("不予通过")


class Performer(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="performers")
    name = models.CharField(_("演出者/乐队"), max_length=200, validators=[validate_single_line])
    genre = models.CharField(_("风格"), max_length=100, blank=True, validators=[validate_single_line])
    genre_intensity = models.PositiveSmallIntegerField(
        _("风格激烈程度（1–5）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)])
    audience_interaction = models.PositiveSmallIntegerField(
        _("观众互动程度（1–5）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)])
    order = models.PositiveIntegerField(_("出场顺序"), default=0)
    vetting_status = models.CharField(_("审核状态"), max_length=10, choices=VettingStatus.choices,
                                      default=VettingStatus.PENDING)
    vetting_reason = models.TextField(_("审核意见"), blank=True, max_length=VETTING_REASON_MAX_LENGTH,
                                      validators=[MaxLengthValidator(VETTING_REASON_MAX_LENGTH)])
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    vetted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("演出者")
        verbose_name_plural = _("演出者")
        ordering = ["event", "order", "id"]

    def __str__(self):
        return self.name


class Song(models.Model):
    performer = models.ForeignKey(Performer, on_delete=models.CASCADE, related_name="songs")
    title = models.CharField(_("曲目"), max_length=200, validators=[validate_single_line])
    order = models.PositiveIntegerField(_("顺序"), default=0)
    vetting_status = models.CharField(_("审核状态"), max_length=10, choices=VettingStatus.choices,
                                      default=VettingStatus.PENDING)
    vetting_reason = models.TextField(_("审核意见"), blank=True, max_length=VETTING_REASON_MAX_LENGTH,
                                      validators=[MaxLengthValidator(VETTING_REASON_MAX_LENGTH)])
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    vetted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("曲目")
        verbose_name_plural = _("曲目")
        ordering = ["performer", "order", "id"]

    def __str__(self):
        return self.title


class TrainingDrill(models.Model):
    """A security company's training drill (培训演练): feeds the organisation factor of the risk model."""

    company = models.ForeignKey(Organisation, verbose_name=_("保安服务公司"), on_delete=models.PROTECT,
                                related_name="training_drills", limit_choices_to={"kind": "security_company"})
    event = models.ForeignKey(Event, verbose_name=_("针对活动"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="training_drills")
    held_on = models.DateField(_("演练日期"))
    scenario = models.CharField(_("演练科目"), max_length=200, validators=[validate_single_line])
    guards_trained = models.PositiveIntegerField(_("参训保安人数"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("培训演练")
        verbose_name_plural = _("培训演练")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.company} {self.held_on} {self.scenario}"


class AccountabilityRecord(models.Model):
    """回溯追责: a security company held accountable for a failure at an event."""

    class Severity(models.TextChoices):
        WARNING = "warning", _("警告")
        PENALTY = "penalty", _("处罚")
        SERIOUS = "serious", _("严重追责")

    company = models.ForeignKey(Organisation, verbose_name=_("保安服务公司"), on_delete=models.PROTECT,
                                related_name="accountability_records", limit_choices_to={"kind": "security_company"})
    event = models.ForeignKey(Event, verbose_name=_("相关活动"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="accountability_records")
    decided_on = models.DateField(_("追责日期"))
    severity = models.CharField(_("程度"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    description = models.TextField(_("事由"), max_length=RECORD_DESCRIPTION_MAX_LENGTH,
                                   validators=[MaxLengthValidator(RECORD_DESCRIPTION_MAX_LENGTH)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("回溯追责记录")
        verbose_name_plural = _("回溯追责记录")
        ordering = ["-decided_on"]

    def __str__(self):
        return f"{self.company} {self.decided_on}"


class AfterActionReview(models.Model):
    """复盘: the bureau's review of a completed event — the figures built from the day's records (a snapshot, so
    the year's statistics and the next assessment read what the reviewer saw) and the reviewer's findings. Its
    organizer rating feeds the organizer's record that the risk model reads (approvals.risk.bridge); the company's
    accountability decisions are AccountabilityRecord rows of the event."""

    class OrganizerRating(models.TextChoices):
        GOOD = "good", _("良好")
        ADEQUATE = "adequate", _("基本合格")
        POOR = "poor", _("不合格")

    event = models.OneToOneField(Event, verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="after_action_review")
    findings = models.TextField(_("复盘结论"), max_length=RECORD_DESCRIPTION_MAX_LENGTH,
                                validators=[MaxLengthValidator(RECORD_DESCRIPTION_MAX_LENGTH)])
    organizer_rating = models.CharField(_("承办单位履责评价"), max_length=10, choices=OrganizerRating.choices,
                                        default=OrganizerRating.GOOD, db_index=True)
    # eventday.review.ReviewFigures.as_record(): visitors, peaks per session, incidents by kind code, alerts.
    figures = models.JSONField(_("复盘数据"), default=dict, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复盘人"), on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("复盘时间"))

    class Meta:
        verbose_name = _("活动复盘")
        verbose_name_plural = _("活动复盘")
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.event} {self.reviewed_at:%Y-%m-%d}"
