"""Demo: take the submitted demo applications through the review workflow so the portal shows every state.

Called by `manage.py load_demo` (approvals.management.commands.load_demo, DEMO_HOOKS) after the core demo
created and submitted the applications. Everything goes through the workflow services, as real users would,
except the one historical record (a past lantern fair, completed) that gives its organizer a clean record.
"""
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from events.models import Authority, Event, EventSession, Performer, Song, Venue

from . import core as demo
from .. import workflow
from ..applications import services
from ..models import Application, ApplicationDocument, ApplicationState, AuditEntry

REJECTED_DEMO = "滨湖电音派对"
# ≥ 5,000 people, reviewed by the district and reported: it waits for the city bureau's decision (待市局决定).
REPORTED_DEMO = "湖滨跨年倒计时晚会"
# Each bureau's abbreviation, printed in its decision numbers (events.Authority.permit_number_format).
ABBREVIATIONS = {"市公安局": "市公", "湖滨区公安分局": "湖公", "古城区公安分局": "古公"}
HISTORY_DEMO = "2025古城中秋灯会"
EVENING_STRUCK_SONGS: dict[str, tuple[str, str]] = {"光": ("struck", "演唱版本歌词含不宜内容。")}


def _user(username):
    return User.objects.filter(username=username).first()



def _under_review_on_the_lawn(reviewer, *, staff: int, facts: dict):
    """A new application of the demo organizer on the lakeside lawn, filled, submitted, accepted and under review
    (start_at / end_at given as offsets from now)."""
    organizer = _user("organizer")
    now = timezone.now().replace(second=0, microsecond=0)
    application = services.application_create(user=organizer, facts={
        **facts, "venue": Venue.objects.filter(name="湖滨音乐节草坪").first(),
        "start_at": now + facts["start_at"], "end_at": now + facts["end_at"]})
    demo._fill(application, organizer, staff=staff, upload_deferrable=True)
    application = services.application_submit(application=application, user=organizer)
    application = workflow.application_accept(application=application, actor=reviewer)
    return workflow.application_start_review(application=application, actor=reviewer)

def _by_name(name):
    return Application.objects.select_related("event").filter(event__name=name).first()


def _try(stdout, label, call):
    """A demo step that the rules may refuse (e.g. a fuse flag from the risk model): say so and carry on."""
    try:
        return call()
    except (ValidationError, PermissionDenied) as refused:
        messages = getattr(refused, "messages", None) or [str(refused)]
        stdout.write(f"  审批演示：{label} 未执行：{'；'.join(messages)}")
        return None


def _vet(official, performers: dict[str, tuple[str, str]], songs: dict[str, tuple[str, str]], event):
    for performer in Performer.objects.filter(event=event):
        decision, reason = performers.get(performer.name, ("approved", ""))
        workflow.performer_vet(performer=performer, actor=official, decision=decision, reason=reason)
    for song in Song.objects.filter(performer__event=event).exclude(performer__vetting_status="struck"):
        decision, reason = songs.get(song.title, ("approved", ""))
        workflow.song_vet(song=song, actor=official, decision=decision, reason=reason)


@transaction.atomic
def _completed_history(organizer, venue):
    """A past event of the organizer, completed: imported history, so its transitions are set directly here
    (the services refuse dates in the past) and the audit says it was imported."""
    now = timezone.now().replace(microsecond=0)
    held = now - timedelta(days=300)
    application = services.application_create(user=organizer, facts={
        "name": HISTORY_DEMO, "kind": "lantern_festival", "venue": venue, "start_at": now + timedelta(days=30),
        "end_at": now + timedelta(days=30, hours=4), "expected_attendance": 2200,
        "rated_capacity": 6000, "ticketed": True, "temporary_structures": 2, "has_performances": False,
        "alcohol_served": False, "description": "往年中秋灯会（历史记录）。"})
    # The services refuse a start in the past: the imported dates are set directly, the summary follows.
    from events.sessions import sync_summary

    EventSession.objects.filter(event=application.event).update(start_at=held, end_at=held + timedelta(hours=4))
    application.event.refresh_from_db()
    sync_summary(application.event)
    application = Application.objects.get(pk=application.pk)
    for name in ("submit", "accept", "start_review", "approve", "complete"):
        from_state = application.state
        getattr(application, name)()
        application.revision += 1
        application.save()
        services.audit(application, actor=None, action=AuditEntry.Action.TRANSITION, transition=name,
                       from_state=from_state, to_state=application.state, reason="演示数据：历史记录导入")
    return application


def advance_demo_applications(stdout) -> None:
    reviewer, reviewer2 = _user("reviewer"), _user("reviewer2")
    supervisor, culture = _user("supervisor"), _user("culture")
    # ≥ 5,000 people: the district reviews, the city bureau decides (Order 505 Art. 12).
    city = _user("city")
    if reviewer is None or supervisor is None or city is None:
        stdout.write("  审批演示：缺少演示民警账号，跳过。")
        return
    for name, abbreviation in ABBREVIATIONS.items():
        Authority.objects.filter(name=name, abbreviation="").update(abbreviation=abbreviation)

    # 湖滨草莓音乐节: accepted with deferred documents; the organizer signed; culture vetting under way.
    festival = _by_name(demo.FESTIVAL)
    if festival and festival.state == ApplicationState.SUBMITTED:
        workflow.application_assign_reviewer(application=festival, actor=supervisor, reviewer=reviewer)
        missing = [d.document_type.code for d in festival.documents.select_related("document_type")
                   if d.status == ApplicationDocument.Status.TO_BE_DEFERRED]
        festival = workflow.application_accept_with_deferred(
            application=festival, actor=reviewer, documents=missing,
            due_date=workflow.latest_deferred_due(festival) - timedelta(days=7))
        workflow.deferred_commitment_sign(commitment=festival.deferred_commitments.get(),
                                          actor=_user("organizer"))
        if culture:
            workflow.application_assign_culture_vetting(application=festival, actor=reviewer, official=culture)
            metal = Performer.objects.get(event=festival.event, name="铁锈乐队")
            workflow.performer_vet(performer=metal, actor=culture, decision="struck",
                                   reason="重金属乐队，曲风激烈、观众冲撞风险高，不予安排。")
            folk = Performer.objects.get(event=festival.event, name="晴天民谣社")
            workflow.performer_vet(performer=folk, actor=culture, decision="approved")
        stdout.write(f"  审批演示：{demo.FESTIVAL} → 容缺受理（文旅审核进行中）")

    # 滨湖秋夜音乐会: vetted and approved, decided and signed by the city bureau (8,000 people: city level).
    # A struck song is off the programme and listed as a permit condition.
    evening = _by_name(demo.EVENING_CONCERT)
    if evening and evening.state == ApplicationState.SUBMITTED:
        evening = workflow.application_accept(application=evening, actor=reviewer)
        evening = workflow.application_start_review(application=evening, actor=reviewer)
        if culture:
            workflow.application_assign_culture_vetting(application=evening, actor=reviewer, official=culture)
            _vet(culture, {}, EVENING_STRUCK_SONGS, evening.event)
        evening = workflow.application_report_to_city(
            application=evening, actor=reviewer, opinion="经审查，场地、安保力量和疏散方案符合要求，分局同意举办，报请市局审批。")
        result = _try(stdout, f"{demo.EVENING_CONCERT} 许可",
                      lambda: workflow.application_approve(application=evening, actor=city))
        if result:
            stdout.write(f"  审批演示：{demo.EVENING_CONCERT} → 已许可（{result.permit.number}）")

    # 2026城市马拉松: approved by the city bureau (20,000 people), then suspended (熔断) by the district for
    # severe weather; only the city bureau may resume it.
    marathon = _by_name(demo.MARATHON)
    if marathon and marathon.state == ApplicationState.SUBMITTED:
        marathon = workflow.application_accept(application=marathon, actor=reviewer)
        marathon = workflow.application_start_review(application=marathon, actor=reviewer)
        marathon = workflow.application_report_to_city(
            application=marathon, actor=reviewer, opinion="赛道沿线安保部署已核查，分局同意举办，报请市局审批。")
        marathon = _try(stdout, f"{demo.MARATHON} 许可",
                        lambda: workflow.application_approve(application=marathon, actor=city))
        if marathon:
            workflow.application_suspend(
                application=marathon, actor=reviewer,
                reasons="气象台发布大风橙色预警：比赛日沿湖段阵风可达8级，临时设施存在倒塌风险。",
                required_changes="调整赛道避开沿湖段；加固或拆除沿线临时搭建设施；预警解除后报分局复核。")
            stdout.write(f"  审批演示：{demo.MARATHON} → 已许可后熔断")

    # 古城元宵灯会: 先批后审 (level 四级, an organizer with a completed event and no suspension).
    lantern = _by_name(demo.LANTERN_FAIR)
    if lantern and lantern.state == ApplicationState.SUBMITTED and reviewer2:
        if not Application.objects.filter(organisation=lantern.organisation, state=ApplicationState.COMPLETED).exists():
            _completed_history(lantern.created_by, lantern.event.venue)
        lantern = workflow.application_accept(application=lantern, actor=reviewer2)
        from ..risk.bridge import assess_application, override_level

        if assess_application(application=lantern).level != "四级":
            # Lowering the level below the computed one is a supervisor's decision (the city bureau's here).
            override_level(application=lantern, actor=city, level="四级",
                           reason="演示：传统灯会，人数少、场地开阔，调整为四级。")
        result = _try(stdout, f"{demo.LANTERN_FAIR} 先批后审",
                      lambda: workflow.application_approve_provisionally(application=lantern, actor=reviewer2))
        if result:
            stdout.write(f"  审批演示：{demo.LANTERN_FAIR} → 先批后审（实质审查期限 {result.post_review_due_date}）")

    # 滨湖电音派对: a new application, refused (不予许可).
    if not _by_name(REJECTED_DEMO) and _user("organizer"):
        party = _under_review_on_the_lawn(reviewer, staff=30, facts={
            "name": REJECTED_DEMO, "kind": "music_festival", "start_at": timedelta(days=35, hours=8),
            "end_at": timedelta(days=36, hours=2), "expected_attendance": 4800, "rated_capacity": 6000,
            "ticketed": True, "temporary_structures": 4, "has_performances": False, "alcohol_served": True,
            "description": "通宵电子音乐派对，现场售酒。"})
        workflow.application_reject(
            application=party, actor=reviewer,
            reason="通宵举办且现场售酒，安保力量（30人）远低于最低配置，夜间疏散方案不可行。")
        stdout.write(f"  审批演示：{REJECTED_DEMO} → 不予许可")

    # 湖滨跨年倒计时晚会: 9,000 people, accepted and reviewed by the district and reported to the city bureau,
    # where it waits (the city user's inbox shows it as 待市局决定).
    if not _by_name(REPORTED_DEMO) and _user("organizer"):
        gala = _under_review_on_the_lawn(reviewer, staff=240, facts={
            "name": REPORTED_DEMO, "kind": "other", "start_at": timedelta(days=28, hours=10),
            "end_at": timedelta(days=28, hours=14), "expected_attendance": 9000, "rated_capacity": 12000,
            "ticketed": True, "temporary_structures": 3, "has_performances": False, "alcohol_served": False,
            "description": "跨年倒计时文艺晚会，分区售票入场。"})
        workflow.application_report_to_city(
            application=gala, actor=reviewer,
            opinion="经实地核查，场地容量、出入口和安保力量（240人）满足要求，分局同意举办，报请市局审批。")
        stdout.write(f"  审批演示：{REPORTED_DEMO} → 已报市局审批（待市局决定）")
