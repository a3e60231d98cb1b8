"""Department opinions (并联审批): request, answer, blockers, override, withdrawal, the grants that follow the
requests, the overdue clock, and the conditions that reach the permit (department's and the library's)."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals import access, dossier, workflow
from approvals.applications.selectors import applications_visible_to
from approvals.models import AuditEntry, ConditionTemplate, OpinionRequest, Permit
from approvals.opinions import services as opinions
from notifications.models import Notification
from tests import factories
from tests.support.builder import application as build_application

from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

Verdict = OpinionRequest.Verdict


@pytest.fixture
def world():
    """An application under review, its reviewer and supervisor, a fire and a traffic department of its
    district with one official each, and a fire department of another district."""
    builder = build_application().under_review()
    application = builder.build()
    reviewer = factories.SupervisorFactory(authority=application.district)
    fire = factories.DepartmentFactory(name="湖滨区消防救援大队", area=application.district)
    traffic = factories.DepartmentFactory(name="湖滨交警大队", area=application.district,
                                          department_kind=factories.department_kind("traffic"))
    elsewhere = factories.DepartmentFactory(name="别区消防救援大队")
    return {"application": application, "reviewer": reviewer, "fire": fire, "traffic": traffic,
            "elsewhere": elsewhere, "fire_official": factories.DepartmentOfficialFactory(authority=fire),
            "traffic_official": factories.DepartmentOfficialFactory(authority=traffic), "builder": builder}


def _request(world, *departments, due_in=5):
    return opinions.opinions_request(
        application=world["application"], actor=world["reviewer"], departments=list(departments),
        due_date=timezone.localdate() + timedelta(days=due_in), note="请审查消防通道")


def _fresh(application):
    return type(application).objects.select_related("event", "district").get(pk=application.pk)


def test_the_reviewer_asks_departments_of_the_district_only_and_each_is_told(world):
    application = world["application"]
    assert {d.pk for d in opinions.department_choices(application)} == {world["fire"].pk, world["traffic"].pk}
    created = _request(world, world["fire"], world["traffic"])
    assert [o.department for o in created] == [world["fire"], world["traffic"]]
    assert AuditEntry.objects.filter(application=application, event=AuditEntry.Event.OPINION_REQUESTED).count() == 1
    assert Notification.objects.filter(user=world["fire_official"], verb="opinion_requested").count() == 1
    with pytest.raises(ValidationError) as error:
        _request(world, world["elsewhere"])
    assert "departments" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _request(world, world["fire"])  # asked already
    assert "departments" in error.value.message_dict


def test_bad_due_dates_and_roles_are_refused(world):
    application = world["application"]
    with pytest.raises(ValidationError) as error:
        _request(world, world["fire"], due_in=-1)
    assert "due_date" in error.value.message_dict
    event_day = timezone.localtime(application.event.start_at).date()
    with pytest.raises(ValidationError):
        opinions.opinions_request(application=application, actor=world["reviewer"], departments=[world["fire"]],
                                  due_date=event_day)
    with pytest.raises(PermissionDenied):
        opinions.opinions_request(application=application, actor=world["fire_official"],
                                  departments=[world["fire"]], due_date=timezone.localdate())


def test_grants_appear_when_asked_and_go_when_withdrawn_or_the_official_moves(world):
    application, fire_official = world["application"], world["fire_official"]
    assert not applications_visible_to(fire_official).filter(pk=application.pk).exists()
    (opinion,) = _request(world, world["fire"])
    assert applications_visible_to(fire_official).filter(pk=application.pk).exists()
    assert applications_visible_to(fire_official, perm=access.OPINE).filter(pk=application.pk).exists()
    # The traffic department was not asked: it sees nothing.
    assert not applications_visible_to(world["traffic_official"]).filter(pk=application.pk).exists()
    parts = dossier.dossier_for(fire_official, _fresh(application)).parts
    assert parts == dossier.DEPARTMENT_PARTS | {dossier.FACTS}
    assert dossier.DOCUMENTS not in parts and dossier.AUDIT not in parts and dossier.PERMIT not in parts

    # The official moves to the traffic department: the grant was the department's, the official loses it.
    fire_official.authority = world["traffic"]
    fire_official.save()
    assert not applications_visible_to(fire_official).filter(pk=application.pk).exists()
    fire_official.authority = world["fire"]
    fire_official.save()
    assert applications_visible_to(fire_official).filter(pk=application.pk).exists()

    opinions.opinion_withdraw(opinion=opinion, actor=world["reviewer"])
    assert not applications_visible_to(fire_official).filter(pk=application.pk).exists()
    assert AuditEntry.objects.filter(application=application, event=AuditEntry.Event.OPINION_WITHDRAWN).exists()
    # Asked again after the withdrawal: a new request, seen again.
    _request(world, world["fire"])
    assert applications_visible_to(fire_official).filter(pk=application.pk).exists()


def test_pending_and_negative_opinions_block_the_approval_until_answered_or_overridden(world):
    application = world["application"]
    fire, traffic = _request(world, world["fire"], world["traffic"])
    blockers = workflow.approval_blockers(_fresh(application))
    assert len([r for r in blockers if "尚待" in r]) == 2
    with pytest.raises(ValidationError):
        workflow.application_approve(application=application, actor=world["reviewer"])

    opinions.opinion_answer(opinion=fire, actor=world["fire_official"], verdict=Verdict.CONDITIONAL,
                            reasons="消防通道须保持畅通", conditions=["舞台两侧各设 2 具推车式灭火器"])
    opinions.opinion_answer(opinion=traffic, actor=world["traffic_official"], verdict=Verdict.DISAGREE,
                            reasons="周边道路同日有马拉松")
    blockers = workflow.approval_blockers(_fresh(application))
    assert len(blockers) == 1 and "湖滨交警大队不同意" in blockers[0]
    with pytest.raises(PermissionDenied):  # a reviewer is not a supervisor
        opinions.opinions_override(application=application, actor=factories.ReviewerFactory(
            authority=application.district), reason="x")
    with pytest.raises(ValidationError) as error:
        opinions.opinions_override(application=application, actor=world["reviewer"], reason=" ")
    assert "reason" in error.value.message_dict
    opinions.opinions_override(application=application, actor=world["reviewer"], reason="经协调，马拉松改期")
    assert workflow.approval_blockers(_fresh(application)) == []
    entry = AuditEntry.objects.get(application=application, event=AuditEntry.Event.OPINION_OVERRIDDEN)
    assert entry.reason == "经协调，马拉松改期" and entry.snapshot["verdicts"] == {str(traffic.pk): "disagree"}
    assert Notification.objects.filter(user=world["traffic_official"], verb="opinion_overridden").exists()

    workflow.application_approve(application=application, actor=world["reviewer"])
    permit = Permit.objects.get(application=application)
    assert "湖滨区消防救援大队意见：舞台两侧各设 2 具推车式灭火器" in permit.conditions


def test_an_answer_needs_its_reasons_and_conditions_and_the_right_department(world):
    (fire,) = _request(world, world["fire"])
    with pytest.raises(ValidationError) as error:
        opinions.opinion_answer(opinion=fire, actor=world["fire_official"], verdict=Verdict.CONDITIONAL)
    assert "conditions" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        opinions.opinion_answer(opinion=fire, actor=world["fire_official"], verdict=Verdict.DISAGREE)
    assert "reasons" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        opinions.opinion_answer(opinion=fire, actor=world["fire_official"], verdict="maybe")
    assert "verdict" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        opinions.opinion_answer(opinion=fire, actor=world["traffic_official"], verdict=Verdict.AGREE)
    opinions.opinion_answer(opinion=fire, actor=world["fire_official"], verdict=Verdict.AGREE)
    fire.refresh_from_db()
    assert fire.verdict == Verdict.AGREE and fire.answered_by == world["fire_official"]
    assert Notification.objects.filter(user=world["reviewer"], verb="opinion_given").exists()


def test_a_new_answer_after_an_override_blocks_again(world):
    (traffic,) = _request(world, world["traffic"])
    opinions.opinions_override(application=world["application"], actor=world["reviewer"], reason="时间紧")
    assert workflow.approval_blockers(_fresh(world["application"])) == []
    opinions.opinion_answer(opinion=traffic, actor=world["traffic_official"], verdict=Verdict.DISAGREE,
                            reasons="道路施工")
    assert any("不同意" in r for r in workflow.approval_blockers(_fresh(world["application"])))


def test_an_overdue_opinion_is_told_once_to_the_department_and_the_reviewer(world):
    (fire,) = _request(world, world["fire"], due_in=1)
    later = timezone.localdate() + timedelta(days=3)
    assert opinions.opinions_overdue_notify(today=timezone.localdate()) == 0
    assert opinions.opinions_overdue_notify(today=later) == 1
    assert opinions.opinions_overdue_notify(today=later) == 0
    assert Notification.objects.filter(verb="opinion_overdue", user=world["fire_official"]).count() == 1
    assert Notification.objects.filter(verb="opinion_overdue", user=world["reviewer"]).count() == 1
    assert AuditEntry.objects.filter(event=AuditEntry.Event.OPINION_OVERDUE).count() == 1
    opinions.opinion_answer(opinion=fire, actor=world["fire_official"], verdict=Verdict.AGREE)
    assert opinions.opinions_overdue_notify(today=later + timedelta(days=1)) == 0


def test_the_reviewer_picks_and_edits_library_conditions_and_adds_free_text(world):
    application = world["application"]
    offered = opinions.library_conditions_for(application)
    assert offered and all(c.event_kind in ("", application.event.kind) for c in offered)
    other_kind = ConditionTemplate.objects.exclude(event_kind__in=["", application.event.kind]).first()
    with pytest.raises(ValidationError) as error:
        workflow.application_approve(application=application, actor=world["reviewer"],
                                     library_conditions=[other_kind.pk])
    assert "library_conditions" in error.value.message_dict
    first, second = offered[0], offered[1]
    workflow.application_approve(application=application, actor=world["reviewer"],
                                 library_conditions=[first.pk, {"id": second.pk, "text": "改写后的条件"}],
                                 extra_conditions="晚 22 时前结束演出\n\n")
    permit = Permit.objects.get(application=application)
    assert permit.chosen_conditions == [first.text, "改写后的条件", "晚 22 时前结束演出"]
    assert permit.conditions[-3:] == permit.chosen_conditions
    assert second.text not in permit.conditions


def test_decision_templates_fill_their_placeholders(world):
    application = world["application"]
    text = opinions.decision_text(application, kind="permit", number="X")
    assert application.event.name in text["opening"] and application.organisation.name in text["opening"]
    assert "行政复议" in text["closing"]
