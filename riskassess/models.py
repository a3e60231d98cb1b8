"""Risk assessment: factors, weights, thresholds and crowd figures as versioned data; assessments with history.

The model is data: an administrator edits weights and thresholds in the admin. A version already used by an
assessment is frozen (cloned into a new version instead), and every Assessment records the version it used.
Assessments reference the application by its string name: riskassess never imports approvals.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.bilingual import pick_language

from .facts import CrowdParameters, DimensionSpec, FactorSpec, LevelSpec, ModelParameters, WeatherRuleSpec
from .scoring import FACTOR_CODES



class NamedInBothLanguages:
    """A model row with name_zh / name_en: named in the reader's language (events.bilingual)."""

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

class RiskModelVersion(models.Model):
    """One published set of weights, thresholds and crowd figures. Exactly one is current."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    label = models.CharField(_("说明"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Crowd figures (UK Purple Guide, Green Guide, Fruin); bureau policy where no standard exists.
    planning_density = models.FloatField(_("规划（安全）密度（人/㎡）"), default=2.0,
                                         validators=[MinValueValidator(0.1), MaxValueValidator(10)])
    unstable_density = models.FloatField(_("人群不稳定密度（人/㎡）"), default=4.0)
    terrace_max_density = models.FloatField(_("站席看台最大密度（人/㎡）"), default=4.7)
    dangerous_density_moving = models.FloatField(_("移动人群危险密度（人/㎡）"), default=5.5)
    dangerous_density_standing = models.FloatField(_("站立人群危险密度（人/㎡）"), default=7.0)
    flow_level = models.FloatField(_("平地出口通行能力（人/米/分钟）"), default=82)
    flow_steps = models.FloatField(_("台阶出口通行能力（人/米/分钟）"), default=66)
    flow_level_alcohol = models.FloatField(_("售酒时平地通行能力"), default=72)
    flow_steps_alcohol = models.FloatField(_("售酒时台阶通行能力"), default=56)
    egress_limit_low = models.FloatField(_("疏散时间上限·低风险（分钟）"), default=10)
    egress_limit_medium = models.FloatField(_("疏散时间上限·中风险（分钟）"), default=8)
    egress_limit_high = models.FloatField(_("疏散时间上限·高风险（分钟）"), default=6)
    car_share = models.FloatField(_("驾车到场比例"), default=0.3, validators=[MinValueValidator(0), MaxValueValidator(1)],
                                  help_text=_("方案第8章未填写驾车比例时使用（0–1，如 0.3 即 30%）。"))
    persons_per_car = models.FloatField(_("每车人数"), default=2.5, validators=[MinValueValidator(1)])
    patrol_spacing_m = models.FloatField(_("巡逻岗间距（米周界）"), default=100, validators=[MinValueValidator(10)])
    min_mobile_points = models.PositiveIntegerField(_("最少机动兵力点位"), default=5)
    attendees_per_mobile_point = models.PositiveIntegerField(_("每个机动点位对应观众数"), default=5000,
                                                             validators=[MinValueValidator(1)])
    # Route venues (a marathon course): bureau policy, no standard gives these.
    running_density = models.FloatField(_("赛道跑动人群密度（人/㎡）"), default=1.0,
                                        validators=[MinValueValidator(0.1), MaxValueValidator(10)])
    spectator_depth_m = models.FloatField(_("赛道两侧观众区进深（米）"), default=2.0,
                                          validators=[MinValueValidator(0), MaxValueValidator(50)])
    ticketing_rules_attendance = models.PositiveIntegerField(_("实名购票等要求适用人数"), default=5000)
    min_public_sale_percent = models.FloatField(_("最低公开销售比例（%）"), default=85)
    kind_severity = models.JSONField(_("各类活动的一般风险（0–1）"), default=dict, blank=True)

    class Meta:
        verbose_name = _("风险模型版本")
        verbose_name_plural = _("风险模型版本")
        ordering = ["-number"]

    def __str__(self):
        return f"v{self.number} {self.label}".strip()

    def parameters(self) -> ModelParameters:
        """The plain parameters the scoring functions take; expects dimensions/factors/levels/weather rules
        prefetched or costs four queries."""
        crowd = CrowdParameters(**{name: getattr(self, name) for name in CrowdParameters.__dataclass_fields__})
        return ModelParameters(
            version=self.number,
            dimensions=tuple(DimensionSpec(d.code, d.name_zh, d.name_en, d.weight) for d in self.dimensions.all()),
            factors=tuple(FactorSpec(f.code, f.dimension.code, f.name_zh, f.name_en, f.weight)
                          for f in self.factors.all() if f.enabled),
            levels=tuple(LevelSpec(lv.code, lv.name_zh, lv.name_en, lv.min_total, lv.attendees_per_guard,
                                   lv.egress_band) for lv in self.levels.all()),
            weather_rules=tuple(rule.spec() for rule in self.weather_rules.all() if rule.enabled),
            crowd=crowd,
            kind_severity=dict(self.kind_severity or {}),
            ticketing_rules_attendance=self.ticketing_rules_attendance,
            min_public_sale_percent=self.min_public_sale_percent,
        )


class RiskDimension(NamedInBothLanguages, models.Model):
    version = models.ForeignKey(RiskModelVersion, on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("代码"), max_length=30)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name_zh = models.CharField(_("名称（中文）"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=100, blank=True)
    weight = models.FloatField(_("权重（可加到总分的分值）"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("风险维度")
        verbose_name_plural = _("风险维度")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="risk_dimension_code_per_version")]



class RiskFactor(NamedInBothLanguages, models.Model):
    """One explicit factor; its code names the scoring function that reads it (riskassess/scoring.py)."""

    version = models.ForeignKey(RiskModelVersion, on_delete=models.CASCADE, related_name="factors")
    dimension = models.ForeignKey(RiskDimension, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(_("代码"), max_length=40, choices=[(c, c) for c in FACTOR_CODES])
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name_zh = models.CharField(_("名称（中文）"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=100, blank=True)
    weight = models.FloatField(_("维度内权重"), validators=[MinValueValidator(0)])
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("风险因素")
        verbose_name_plural = _("风险因素")
        ordering = ["version", "dimension__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="risk_factor_code_per_version")]


    def clean(self):
        if self.dimension_id and self.version_id and self.dimension.version_id != self.version_id:
            raise ValidationError({"dimension": _("维度必须属于同一模型版本。")})


class RiskLevel(NamedInBothLanguages, models.Model):
    """A security level: its threshold on the total, staffing ratio and egress band, and the rules that follow
    from it (whether a supervisor must sign, whether 先批后审 is open): all data, edited in the admin."""

    class EgressBand(models.TextChoices):
        HIGH = "high", _("高风险")
        MEDIUM = "medium", _("中风险")
        LOW = "low", _("低风险")

    version = models.ForeignKey(RiskModelVersion, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("代码"), max_length=10, help_text=_("存入申请的等级值，如“一级”（最高）至“四级”（最低）。"))
    name_zh = models.CharField(_("名称（中文）"), max_length=50)
    name_en = models.CharField(_("名称（英文）"), max_length=50, blank=True)
    min_total = models.FloatField(_("总分下限"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    attendees_per_guard = models.PositiveIntegerField(_("每名安保人员对应观众数"), validators=[MinValueValidator(1)])
    egress_band = models.CharField(_("疏散时间上限档"), max_length=10, choices=EgressBand.choices)
    requires_sign_off = models.BooleanField(
        _("须分局领导签批"), default=False,
        help_text=_("此等级（按计算与生效等级中较高者）的许可决定须由分局领导作出。"))
    allows_provisional = models.BooleanField(
        _("可先批后审"), default=False, help_text=_("此等级（生效等级）的活动可申请先批后审。"))

    class Meta:
        verbose_name = _("安保等级")
        verbose_name_plural = _("安保等级")
        ordering = ["version", "-min_total"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="risk_level_code_per_version")]



class WeatherRule(NamedInBothLanguages, models.Model):
    """A weather rule of a model version: a forecast reading at or beyond its threshold, for the kinds of event
    and the setting it names, raises a fuse flag (熔断标记) unless the plan states its measures. The first one is the
    heat rule for outdoor sports (the athletics association's 2025 熔断 rule after the 2021 Baiyin ultramarathon);
    more (rainstorm, gale) are added in the admin, in a new model version once one has been used."""

    class Reading(models.TextChoices):
        MAX_TEMPERATURE = "max_temperature_c", _("最高气温（℃）")
        PRECIPITATION = "precipitation_mm", _("降水量（毫米）")
        WIND_SPEED = "wind_speed_ms", _("最大风速（米/秒）")

    class Measure(models.TextChoices):
        """Plan facts that state measures (declared "risk_input" fields of the catalogue)."""
        HEAT = "heat_measures", _("高温应对措施（方案第11章）")

    version = models.ForeignKey(RiskModelVersion, on_delete=models.CASCADE, related_name="weather_rules")
    code = models.SlugField(_("代码"), max_length=30)
    name_zh = models.CharField(_("名称（中文）"), max_length=100)
    name_en = models.CharField(_("名称（英文）"), max_length=100, blank=True)
    reading = models.CharField(_("预报项目"), max_length=30, choices=Reading.choices)
    threshold = models.FloatField(_("阈值"))
    above = models.BooleanField(_("达到或高于阈值时触发"), default=True,
                                help_text=_("不勾选：达到或低于阈值时触发（如低温）。"))
    event_kinds = models.JSONField(_("适用活动类型"), default=list, blank=True,
                                   help_text=_("活动类型代码列表，如 [\"sports\"]；留空适用于所有类型。"))
    outdoor_only = models.BooleanField(_("仅限室外场所"), default=True)
    waived_by = models.CharField(_("方案已落实即免于触发的措施"), max_length=30, choices=Measure.choices,
                                 blank=True)
    measures_zh = models.TextField(_("须落实的措施（中文）"), blank=True)
    measures_en = models.TextField(_("须落实的措施（英文）"), blank=True)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("天气规则")
        verbose_name_plural = _("天气规则")
        ordering = ["version", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="risk_weather_rule_code_per_version")]


    def clean(self):
        kinds = self.event_kinds
        if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
            raise ValidationError({"event_kinds": _("须为活动类型代码的列表。")})

    def spec(self) -> WeatherRuleSpec:
        return WeatherRuleSpec(self.code, self.name_zh, self.name_en, self.reading, self.threshold, self.above,
                               tuple(self.event_kinds or ()), self.outdoor_only, self.waived_by, self.measures_zh,
                               self.measures_en)


class LevelOverride(models.Model):
    """A reviewer's decision to set the security level by hand; the newest one wins until cleared."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE,
                                    related_name="level_overrides")
    level = models.CharField(_("调整后等级"), max_length=10, blank=True,
                             help_text=_("空值表示撤销调整、恢复模型计算的等级。"))
    reason = models.TextField(_("理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("安保等级调整")
        verbose_name_plural = _("安保等级调整")
        ordering = ["-created_at", "-id"]


class Assessment(models.Model):
    """One run of the model on one application; never edited, so the history shows how the risk moved."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="assessments")
    model_version = models.ForeignKey(RiskModelVersion, verbose_name=_("模型版本"), on_delete=models.PROTECT,
                                      related_name="assessments")
    created_at = models.DateTimeField(_("评估时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    trigger = models.CharField(_("触发原因"), max_length=30, blank=True)
    total = models.FloatField(_("总分"))
    computed_level = models.CharField(_("模型计算等级"), max_length=10)
    level = models.CharField(_("安保等级"), max_length=10)
    override = models.ForeignKey(LevelOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dimension_scores = models.JSONField(default=dict)
    factors = models.JSONField(default=list)
    crowd = models.JSONField(default=dict)
    deployment = models.JSONField(default=dict)
    fuse_flags = models.JSONField(default=list)
    forecast = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["application", "-created_at"], name="assessment_latest_idx")]

    def __str__(self):
        return f"{self.application_id} {self.level_name} {self.total}"

    @property
    def overridden(self) -> bool:
        return self.override_id is not None and self.level != self.computed_level

    @property
    def level_name(self) -> str:
        return level_name(self.level, self.deployment.get("level_name_zh"), self.deployment.get("level_name_en"))

    @property
    def computed_level_name(self) -> str:
        return level_name(self.computed_level, self.deployment.get("computed_level_name_zh"),
                          self.deployment.get("computed_level_name_en"))

    @property
    def blocks_approval(self) -> bool:
        return bool(self.fuse_flags)


_DEFAULT_LEVEL_NAMES = {"一级": ("一级", "Level 1"), "二级": ("二级", "Level 2"), "三级": ("三级", "Level 3"),
                        "四级": ("四级", "Level 4")}


def level_name(code: str, name_zh: str | None = None, name_en: str | None = None) -> str:
    """A level code (一级 … 四级) in the reader's language."""
    default_zh, default_en = _DEFAULT_LEVEL_NAMES.get(code, (code, code))
    return pick_language(name_zh or default_zh, name_en or default_en)


class StaleAssessment(models.Model):
    """An application whose stored assessment may no longer match its facts: set in the transaction of the
    change (an upload, a section, a transition), cleared by the re-assessment task once it has run. A failed
    run stays here with its error, so a stale level is visible rather than silently kept."""

    application = models.OneToOneField("approvals.Application", on_delete=models.CASCADE,
                                       related_name="stale_assessment")
    requested_at = models.DateTimeField(_("请求时间"))
    trigger = models.CharField(_("触发原因"), max_length=30, blank=True)
    attempts = models.PositiveIntegerField(_("失败次数"), default=0)
    failed_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("待重新评估")
        verbose_name_plural = _("待重新评估")
        ordering = ["requested_at"]

    def __str__(self):
        return f"{self.application_id} {self.trigger}"
