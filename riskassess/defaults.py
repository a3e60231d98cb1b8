"""The first risk model version as plain data: read by the seeding migration, the tests and the benchmark.

Later changes happen in the admin as new model versions, never by editing this file.
"""
from .facts import CrowdParameters, DimensionSpec, FactorSpec, LevelSpec, ModelParameters, WeatherRuleSpec

DIMENSIONS = [
    # code, zh, en, weight: the points the dimension can add to the total (they add up to 150 on purpose:
    # three dangerous dimensions are enough for 一级; the total is capped at 100)
    ("organisation", "组织管理", "Organisation", 30),
    ("environment", "环境与天气", "Environment and weather", 20),
    ("performers", "演出与内容", "Performers and content", 30),
    ("venue", "场所与人群", "Venue and crowd", 45),
    ("traffic", "交通", "Traffic", 25),
]

FACTORS = [
    # code, dimension, zh, en, weight (within the dimension)
    ("organizer_record", "organisation", "承办单位办会记录", "Organizer's record", 3),
    ("security_company_record", "organisation", "保安服务公司记录", "Security company's record", 3),
    ("staffing_ratio", "organisation", "安保人员配比", "Security staffing ratio", 4),
    ("ticketing", "organisation", "票务管理", "Ticketing", 2),
    ("season", "environment", "季节", "Season", 1),
    ("night_time", "environment", "夜间时段", "Night-time", 2),
    ("forecast_temperature", "environment", "预报气温", "Forecast temperature", 2),
    ("forecast_rain", "environment", "预报降水", "Forecast rain", 2),
    ("forecast_wind", "environment", "预报风力", "Forecast wind", 2),
    ("event_kind", "performers", "活动类型", "Kind of event", 2),
    ("genre_intensity", "performers", "演出风格激烈程度", "Genre intensity", 3),
    ("heavy_acts", "performers", "高强度演出数量", "High-intensity acts", 2),
    ("audience_interaction", "performers", "观众互动程度", "Audience interaction", 2),
    ("struck_items", "performers", "已删除节目仍在节目单", "Struck items still on the programme", 3),
    ("crowd_density", "venue", "人群密度", "Crowd density", 4),
    ("attendance_scale", "venue", "活动规模", "Attendance", 2),
    ("capacity_use", "venue", "核定容量使用率", "Use of rated capacity", 2),
    ("egress_time", "venue", "疏散时间", "Egress time", 3),
    ("exit_count", "venue", "出口数量", "Number of exits", 1),
    ("temporary_structures", "venue", "临时搭建设施", "Temporary structures", 2),
    ("indoor_outdoor", "venue", "室内/室外", "Indoor or outdoor", 1),
    ("parking", "traffic", "停车需求", "Parking demand", 3),
    ("public_transport", "traffic", "公共交通接驳", "Public transport", 2),
    ("road_closures", "traffic", "临时交通管制", "Road closures", 2),
    ("dispersal_volume", "traffic", "散场客流", "Dispersal volume", 2),
]

LEVELS = [
    # code (the level as stored in Application.security_level), zh, en, min total, attendees per guard,
    # egress band
    ("一级", "一级", "Level 1 (highest)", 80, 50, "high"),
    ("二级", "二级", "Level 2", 60, 100, "medium"),
    ("三级", "三级", "Level 3", 40, 150, "medium"),
    ("四级", "四级", "Level 4 (lowest)", 0, 250, "low"),
]

KIND_SEVERITY = {
    "music_festival": 0.8, "sports": 0.6, "lantern_festival": 0.5, "camping": 0.5, "exhibition": 0.3, "other": 0.4,
}

CROWD = CrowdParameters()

# Weather rules: a forecast at or beyond the threshold raises a fuse flag unless the plan states the measures.
# Heat: the athletics association's 2025 marathon 熔断 rule after the 2021 Baiyin ultramarathon (docs/domain.md).
WEATHER_RULES = [
    WeatherRuleSpec(
        code="heat", name_zh="高温熔断规则（室外体育赛事）", name_en="Heat rule (outdoor sports)",
        reading="max_temperature_c", threshold=35.0, above=True, kinds=("sports",), outdoor_only=True,
        waived_by="heat_measures",
        measures_zh="调整开赛（起跑）时间避开高温时段；沿线增设补水点和医疗救护点；明确高温中止比赛（熔断）规则",
        measures_en="a start time out of the hottest hours; water and medical points along the course; a rule to "
                    "stop the race in heat"),
]


def default_parameters(version: int = 1) -> ModelParameters:
    return ModelParameters(
        version=version,
        dimensions=tuple(DimensionSpec(c, zh, en, float(w)) for c, zh, en, w in DIMENSIONS),
        factors=tuple(FactorSpec(c, d, zh, en, float(w)) for c, d, zh, en, w in FACTORS),
        levels=tuple(LevelSpec(c, zh, en, float(m), ratio, band) for c, zh, en, m, ratio, band in LEVELS),
        crowd=CROWD,
        kind_severity=dict(KIND_SEVERITY),
        weather_rules=tuple(WEATHER_RULES),
    )
