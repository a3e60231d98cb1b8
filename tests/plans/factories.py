"""Factories for plan tests: an application taken through the real review workflow to an approved permit."""
from datetime import timedelta

from tests import factories
from tests.support import builder

STRUCK_SONG = "午夜狂嚣"
STRUCK_REASON = "歌词内容不适宜公开演出"
STRUCK_PERFORMER = "重金属乐队“铁锈”"

# Realistic section data (the risk model reads these numbers, so they must not raise fuse flags).
SECTION_DATA = {
    "overview": {"sessions": 1, "daily_hours": 8, "organisation_mode": "主办方统一指挥，承办方具体实施"},
    "command_structure": {"commander_name": "李娜", "commander_phone": "13800000001",
                          "command_post_location": "主舞台东侧指挥车"},
    "security_staff": {"security_staff_total": 120, "fixed_posts": 24, "patrol_posts": 8, "mobile_points": 5,
                       "volunteers": 40, "identifying_marks": "红色马甲、胸牌"},
    "fire_safety": {"fire_extinguishers": 60, "firefighters_on_site": 12, "fire_lanes_clear": True},
    "capacity": {"approved_headcount": 3000, "tickets_to_issue": 3000},
    "buffer_zones": {"core_area_m2": 4000, "warning_area_m2": 5000, "control_area_m2": 3000, "signs_count": 80},
    "ticketing_screening": {"screening_lanes": 12, "real_name_tickets": True, "tickets_per_id": 1,
                            "public_sale_percent": 90, "refund_mechanism": True},
    "traffic": {"parking_spaces_arranged": 800, "shuttle_buses": 10, "road_closures": True},
    "crowd_guidance": {"stewards": 60, "barrier_length_m": 600},
    "technology": {"cameras": 48, "thermal_cameras": 4, "drones": 2, "counter_drone": True,
                   "face_recognition_gates": 6},
    "emergency": {"evacuation_routes": 4, "medical_points": 3, "ambulances": 2},
}


def _plan_party(party) -> dict:
    return {"organisation_name": f"{party.name_zh}单位", "responsible_person": "张三", "responsible_title": "安全负责人",
            "phone": "13800000000"}


# How plan tests fill an application: the realistic SECTION_DATA, a narrative per section, every party named,
# the deferrable documents left to defer.
PLAN_FILLING = {"skip_deferrable": True, "sections": SECTION_DATA, "party": _plan_party,
                "narrative": lambda section: f"{section.title_zh}：按本方案落实，责任到人。"}

LINEUP = [
    {"name": "晴天乐队", "genre": "流行", "order": 1,
     "songs": [{"title": "湖边的晚风", "order": 1}, {"title": STRUCK_SONG, "order": 2}]},
    {"name": STRUCK_PERFORMER, "genre": "重金属", "order": 2, "songs": [{"title": "钢铁洪流", "order": 1}]},
]


def fill_application(application, organizer):
    """Every section with realistic data, every party named and acknowledged, required documents uploaded."""
    builder.builder_for(application, organizer=organizer).filled(**PLAN_FILLING)


def approved_application(*, struck_song: bool = True, struck_performer: bool = False, deferred: bool = True):
    """An application with performances, vetted (one song struck), accepted with deferred documents, approved,
    every police step by the district's supervisor (tests.support.builder).

    Returns (application, people) where people has organizer, supervisor, culture official.
    """
    made = builder.application(has_performances=True, name="湖滨草莓音乐节").with_lineup(performers=LINEUP)
    made.filled(**PLAN_FILLING).submitted()
    supervisor = made.person("supervisor")
    culture = made.person("culture")
    if deferred and made.missing_documents():
        made.accepted_with_deferred(due=(made.build().event.start_at - timedelta(days=5)).date(), by=supervisor)
    else:
        made.delivered().accepted(by=supervisor)
    struck = {STRUCK_SONG: STRUCK_REASON} if struck_song else {}
    if struck_performer:
        struck[STRUCK_PERFORMER] = "演出风格激烈，易引发冲撞"
    made.with_supervising_party(by=supervisor).vetted(struck=struck, by=culture, assigned_by=supervisor)
    made.under_review(by=supervisor).approved(by=supervisor)
    return made.build(), {"organizer": made.people["organizer"], "supervisor": supervisor, "culture": culture}


def ready_version(application, *, number: int = 1, content: bytes = factories.PDF_BYTES):
    """A stored, ready plan version (for pages and API tests that need a PDF, not a fresh render)."""
    import hashlib

    from django.core.files.base import ContentFile

    from plans.content import load_application, plan_content, plan_content_key
    from plans.models import PlanVersion

    key = plan_content_key(plan_content(load_application(application.pk)))
    version = PlanVersion(application=application, number=number, content_key=key, status=PlanVersion.Status.READY,
                          sha256=hashlib.sha256(content).hexdigest(), size=len(content), pages=1)
    version.file.save("plan.pdf", ContentFile(content), save=False)
    version.save()
    return version
