"""Realistic demo data: authorities, organisations, users for every role, venues, applications.

Used by `manage.py load_demo` (and by nothing else). Idempotent: a second run only prints the logins.
"""
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from events.models import (
    AccountabilityRecord, Authority, DepartmentKind, Organisation, Performer, Song, TrainingDrill,
)
from siteplan import demo as siteplan_demo

from ..applications import services
from ..applications.requirements import requirements_for

DEMO_PASSWORD = "anbao-demo-2026"

# Event names other demo modules look applications up by.
FESTIVAL = "湖滨草莓音乐节"
MARATHON = "2026城市马拉松"
LANTERN_FAIR = "古城元宵灯会"
EVENING_CONCERT = "滨湖秋夜音乐会"  # starts within hours of loading: the event-day demo
CAMPING_DRAFT = "湖滨星空露营节"
TWO_EVENINGS = "湖滨仲夏两晚音乐节"  # two sessions (场次); the second, over 5,000, takes the city route

DEMO_USERS = [
    # username, full name, role, organisation key, authority key
    ("organizer", "李娜（星河文化）", roles.ORGANIZER, "xinghe", None),
    ("marathon", "王强（城市马拉松）", roles.ORGANIZER, "marathon_co", None),
    ("lantern", "赵敏（古城文旅）", roles.ORGANIZER, "gucheng", None),
    ("reviewer", "陈警官（湖滨分局）", roles.REVIEWER, None, "hubin"),
    ("reviewer2", "刘警官（古城分局）", roles.REVIEWER, None, "gucheng_police"),
    ("supervisor", "周副局长（湖滨分局）", roles.SUPERVISOR, None, "hubin"),
    ("city", "吴处长（市公安局）", roles.SUPERVISOR, None, "city"),
    ("culture", "孙审核员（市文旅局）", roles.CULTURE_OFFICIAL, None, "culture"),
    ("guard", "郑经理（安盾保安）", roles.SECURITY_COMPANY, "andun", None),
    ("fire", "钱参谋（湖滨消防）", roles.DEPARTMENT_OFFICIAL, None, "hubin_fire"),
    ("traffic", "冯警官（湖滨交警）", roles.DEPARTMENT_OFFICIAL, None, "hubin_traffic"),
]


def _pdf(name: str) -> SimpleUploadedFile:
    """A real one-page PDF: the upload check parses the document."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    body = io.BytesIO()
    writer.write(body)
    return SimpleUploadedFile(name, body.getvalue(), content_type="application/pdf")


def _authorities() -> dict[str, Authority]:
    city, _ = Authority.objects.get_or_create(name="市公安局", defaults={"kind": "police", "level": "city"})
    hubin, _ = Authority.objects.get_or_create(
        name="湖滨区公安分局", defaults={"kind": "police", "level": "district", "parent": city})
    gucheng, _ = Authority.objects.get_or_create(
        name="古城区公安分局", defaults={"kind": "police", "level": "district", "parent": city})
    culture, _ = Authority.objects.get_or_create(name="市文化和旅游局", defaults={"kind": "culture", "level": "city"})
    # The departments the 湖滨 bureau asks for opinions (approvals.opinions; kinds seeded by events 0009).
    departments = {}
    for key, name, kind in (("hubin_fire", "湖滨区消防救援大队", "fire"), ("hubin_traffic", "湖滨交警大队", "traffic")):
        departments[key], _ = Authority.objects.get_or_create(name=name, defaults={
            "kind": "department", "level": "district", "area": hubin,
            "department_kind": DepartmentKind.objects.get(code=kind)})
    return {"city": city, "hubin": hubin, "gucheng_police": gucheng, "culture": culture, **departments}


def _organisations() -> dict[str, Organisation]:
    specs = {
        "xinghe": ("星河文化传媒有限公司", "organizer", "91330100MA2XH0001X"),
        "marathon_co": ("城市马拉松赛事运营有限公司", "organizer", "91330100MA2MR0002X"),
        "gucheng": ("古城文旅发展有限公司", "organizer", "91330100MA2GC0003X"),
        "andun": ("安盾保安服务有限公司", "security_company", "91330100MA2AD0004X"),
        "lakeside_admin": ("湖滨旅游度假区管理委员会", "venue_manager", ""),
    }
    return {key: Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "credit_code": code})[0]
            for key, (name, kind, code) in specs.items()}


def _users(orgs, authorities) -> dict[str, User]:
    users = {}
    for username, full_name, role, org_key, authority_key in DEMO_USERS:
        user = User(username=username, full_name=full_name, email=f"{username}@demo.anbao.cn",
                    organisation=orgs.get(org_key), authority=authorities.get(authority_key))
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    admin = User(username="admin", full_name="系统管理员", email="admin@demo.anbao.cn", is_staff=True,
                 is_superuser=True)
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    admin.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    users["admin"] = admin
    return users


def _venue(organisation, district, name, address, area, setting, exits, parking, lat, lon, transport=True):
    return services.venue_create(
        organisation=organisation, name=name, address=address, district=district, usable_area_m2=area,
        setting=setting, parking_spaces=parking, public_transport=transport,
        latitude=Decimal(lat), longitude=Decimal(lon),
        exits=[{"name": n, "width_m": Decimal(str(w)), "kind": k} for n, w, k in exits])


def _fill(application, user, *, staff: int, upload_deferrable: bool):
    """Fill sections, parties and documents the way a diligent organizer would."""
    event = application.event
    values = {
        "sessions": 1, "daily_hours": 8, "organisation_mode": "主办方统一指挥，承办方具体实施",
        "commander_name": user.full_name, "commander_phone": "13900000000", "command_post_location": "主入口东侧",
        "security_staff_total": staff, "fixed_posts": 24, "patrol_posts": 12, "mobile_points": 5,
        "volunteers": 80, "identifying_marks": "红色马甲、编号胸牌",
        "fire_extinguishers": 120, "firefighters_on_site": 20, "fire_lanes_clear": True,
        "approved_headcount": event.expected_attendance, "tickets_to_issue": event.expected_attendance,
        "core_area_m2": max(1000, event.venue.usable_area_m2 // 4), "warning_area_m2": 5000,
        "control_area_m2": 20000, "signs_count": 60,
        "screening_lanes": 20, "real_name_tickets": True, "tickets_per_id": 1, "public_sale_percent": 90,
        "refund_mechanism": True, "parking_spaces_arranged": event.venue.parking_spaces, "shuttle_buses": 30,
        "road_closures": True, "stewards": staff // 3, "barrier_length_m": 1500,
        "cameras": 80, "thermal_cameras": 4, "drones": 2, "counter_drone": True, "face_recognition_gates": 6,
        "evacuation_routes": 4, "medical_points": 3, "ambulances": 4,
    }
    for entry in application.sections.select_related("section"):
        data = {f["key"]: values[f["key"]] for f in entry.section.fields if f["key"] in values}
        services.section_save(application=application, user=user, section_code=entry.section.code, raw_data=data,
                              narrative=f"{entry.section.title_zh}：按照安全工作方案落实，责任到人。")
    people = {"sponsor": ("星河文化传媒有限公司", "李娜"), "organizer": (application.organisation.name, user.full_name),
              "venue_manager": ("湖滨旅游度假区管理委员会", "黄主任"), "security_company": ("安盾保安服务有限公司", "郑经理")}
    for assignment in application.parties.select_related("party"):
        if assignment.party.named_by_organizer:
            org_name, person = people[assignment.party.code]
            services.party_save(application=application, user=user, party_code=assignment.party.code,
                                organisation_name=org_name, responsible_person=person, phone="13800001111",
                                responsible_title="安全责任人",
                                acknowledged_item_ids=assignment.party.items.values_list("pk", flat=True))
    requirements = requirements_for(application, documents=())
    for document in application.documents.select_related("document_type"):
        doc_type = document.document_type
        if doc_type.filled_online or not requirements.applies(doc_type):
            continue
        if doc_type.deferrable and not upload_deferrable:
            continue
        services.document_upload(application=application, user=user, document_type_code=doc_type.code,
                                 uploaded=_pdf(f"{doc_type.code}.pdf"))


def _lineup(event, acts):
    for order, (name, genre, intensity, interaction, songs) in enumerate(acts, start=1):
        performer = Performer.objects.create(event=event, name=name, genre=genre, genre_intensity=intensity,
                                             audience_interaction=interaction, order=order)
        Song.objects.bulk_create([Song(performer=performer, title=t, order=i) for i, t in enumerate(songs, 1)])


@transaction.atomic
def load_core_demo(stdout) -> dict:
    authorities = _authorities()
    orgs = _organisations()
    users = _users(orgs, authorities)
    now = timezone.now().replace(second=0, microsecond=0)
    hubin, gucheng = authorities["hubin"], authorities["gucheng_police"]

    lakeside = _venue(orgs["xinghe"], hubin, "湖滨音乐节草坪", "湖滨区滨湖大道88号", 12000, "outdoor",
                      [("东门", 8, "level"), ("西门", 6, "level"), ("南门", 6, "level"), ("北侧应急出口", 4, "steps")],
                      1500, "30.259200", "120.130000")
    route = _venue(orgs["marathon_co"], hubin, "城市马拉松赛道（起终点：市民广场）", "湖滨区市民广场至环湖路", 60000,
                   "outdoor", [("起点通道", 20, "level"), ("终点通道", 20, "level"), ("广场东出口", 12, "level"),
                               ("广场西出口", 12, "level")], 3000, "30.247000", "120.210000")
    park = _venue(orgs["gucheng"], gucheng, "古城公园灯会区", "古城区府前街1号古城公园", 8000, "outdoor",
                  [("正门", 6, "level"), ("东侧门", 4, "steps"), ("西侧门", 4, "level")], 300, "30.270000",
                  "120.160000")

    festival = services.application_create(user=users["organizer"], facts={
        "name": FESTIVAL, "kind": "music_festival", "venue": lakeside, "start_at": now + timedelta(days=45, hours=2),
        "end_at": now + timedelta(days=45, hours=12), "expected_attendance": 30000, "rated_capacity": 32000,
        "ticketed": True, "temporary_structures": 6, "has_performances": True, "alcohol_served": True,
        "security_company": orgs["andun"], "description": "湖畔草坪两个舞台，摇滚、民谣与重金属乐队轮番登场。"})
    _lineup(festival.event, [
        ("铁锈乐队", "重金属", 5, 5, ["熔炉", "黑色闪电", "咆哮"]),
        ("暗夜咆哮", "重金属", 5, 4, ["深渊", "撕裂", "夜行者"]),
        ("晴天民谣社", "民谣", 1, 2, ["湖边", "南风"]),
        ("城市之光", "流行摇滚", 3, 4, ["光", "奔跑", "青春"]),
    ])
    _fill(festival, users["organizer"], staff=450, upload_deferrable=False)
    siteplan_demo.draw_demo_plan(festival, users["organizer"], features=siteplan_demo.lakeside_features(),
                                 width_m=300, height_m=200)
    services.application_submit(application=festival, user=users["organizer"])

    marathon = services.application_create(user=users["marathon"], facts={
        "name": MARATHON, "kind": "sports", "venue": route, "start_at": now + timedelta(days=30, hours=-2),
        "end_at": now + timedelta(days=30, hours=5), "expected_attendance": 20000, "rated_capacity": 30000,
        "ticketed": False, "temporary_structures": 12, "has_performances": False, "alcohol_served": False,
        "security_company": orgs["andun"], "description": "全程、半程马拉松及健康跑，沿环湖路封闭交通。"})
    _fill(marathon, users["marathon"], staff=600, upload_deferrable=True)
    siteplan_demo.draw_demo_plan(marathon, users["marathon"], features=siteplan_demo.marathon_features(),
                                 width_m=4000, height_m=3000)
    services.application_submit(application=marathon, user=users["marathon"])

    lantern = services.application_create(user=users["lantern"], facts={
        "name": LANTERN_FAIR, "kind": "lantern_festival", "venue": park, "start_at": now + timedelta(days=25, hours=8),
        "end_at": now + timedelta(days=25, hours=12), "expected_attendance": 2500, "rated_capacity": 6000,
        "ticketed": True, "temporary_structures": 3, "has_performances": False, "alcohol_served": False,
        "security_company": orgs["andun"], "description": "古城公园传统花灯展、猜灯谜。"})
    _fill(lantern, users["lantern"], staff=60, upload_deferrable=True)
    services.application_submit(application=lantern, user=users["lantern"])

    evening = services.application_create(user=users["organizer"], facts={
        "name": EVENING_CONCERT, "kind": "music_festival", "venue": lakeside, "start_at": now + timedelta(hours=1),
        "end_at": now + timedelta(hours=7), "expected_attendance": 8000, "rated_capacity": 20000,
        "ticketed": True, "temporary_structures": 2, "has_performances": True, "alcohol_served": False,
        "security_company": orgs["andun"], "description": "湖畔秋夜露天音乐会。"})
    _lineup(evening.event, [("晴天民谣社", "民谣", 1, 2, ["湖边", "秋夜"]), ("城市之光", "流行摇滚", 3, 4, ["光"])])
    _fill(evening, users["organizer"], staff=120, upload_deferrable=True)
    services.application_submit(application=evening, user=users["organizer"])

    camping = services.application_create(user=users["organizer"], facts={
        "name": CAMPING_DRAFT, "kind": "camping", "venue": lakeside, "start_at": now + timedelta(days=60),
        "end_at": now + timedelta(days=62), "expected_attendance": 2000, "rated_capacity": 5000,
        "ticketed": True, "temporary_structures": 1, "has_performances": False, "alcohol_served": False,
        "description": "湖滨草坪两晚露营与星空观测。"})
    services.section_save(application=camping, user=users["organizer"], section_code="overview",
                          raw_data={"sessions": 1, "daily_hours": 24}, narrative="两晚露营。")

    # Two evenings: Order 505 counts people per session, so the second evening's 6,500 decides (city level).
    first_evening = timezone.localtime(now + timedelta(days=50)).replace(hour=19, minute=0)
    two_evenings = services.application_create(user=users["organizer"], facts={
        "name": TWO_EVENINGS, "kind": "music_festival", "venue": lakeside, "rated_capacity": 12000,
        "sessions": [
            {"name": "第一晚（民谣专场）", "start_at": first_evening, "end_at": first_evening + timedelta(hours=4),
             "expected_attendance": 3800},
            {"name": "第二晚（摇滚专场）", "start_at": first_evening + timedelta(days=1),
             "end_at": first_evening + timedelta(days=1, hours=4, minutes=30), "expected_attendance": 6500},
        ],
        "ticketed": True, "temporary_structures": 2, "has_performances": True, "alcohol_served": False,
        "security_company": orgs["andun"], "description": "湖畔草坪连续两晚：第一晚民谣专场，第二晚摇滚专场，分场售票。"})
    _lineup(two_evenings.event, [("晴天民谣社", "民谣", 1, 2, ["湖边", "南风"]),
                                 ("城市之光", "流行摇滚", 3, 4, ["光", "奔跑"])])
    _fill(two_evenings, users["organizer"], staff=160, upload_deferrable=True)
    services.application_submit(application=two_evenings, user=users["organizer"])

    today = timezone.localdate()
    TrainingDrill.objects.create(company=orgs["andun"], held_on=today - timedelta(days=20), scenario="人群踩踏疏散演练",
                                 guards_trained=180)
    TrainingDrill.objects.create(company=orgs["andun"], held_on=today - timedelta(days=90), scenario="消防灭火演练",
                                 guards_trained=120)
    AccountabilityRecord.objects.create(company=orgs["andun"], decided_on=today - timedelta(days=200),
                                        severity="warning", description="某展会安检口人员不足，责令整改。")
    return {"users": users, "applications": {a.event.name: a for a in (festival, marathon, lantern, evening, camping,
                                                                       two_evenings)}}
