"""The statutory clocks of an application: acceptance (行政许可法 Art. 32), decision (Order 505 Art. 14) per
bureau, the application lead (Art. 13), pauses while a correction is pending, the supervisor-approved extension
(Art. 42), where they are shown and the overdue notice. The dates are hand-counted on the 2026 calendar of the
State Council's notice (seeded by the migration); the moments an application was handed in or accepted are
set directly (test set-up of time passing), everything else goes through the services."""
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from approvals import clocks, workflow
from approvals.applications.selectors import inbox_queryset
from approvals.clocks.models import CalendarDay, ClockExtension, ClockPolicy, OverdueNotice
from approvals.models import Application, AuditEntry
from approvals.workflow.models import CorrectionRequest
from notifications.models import Notification
from tests import factories
from tests.support import builder

from .workflow_helpers import no_fuse_flags, organizer_of, reviewer_of, submitted, supervisor_of  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def handed_in_on(application, day: date) -> Application:
    Application.objects.filter(pk=application.pk).update(submitted_at=at(day))
    return Application.objects.get(pk=application.pk)


def accepted_on(application, day: date) -> Application:
    """Accepted through the service, then moved to `day` with the decision due date the policy gives then."""
    application = builder.builder_for(application).accepted().build()
    Application.objects.filter(pk=application.pk).update(
        submitted_at=at(day) - timedelta(days=1), accepted_at=at(day),
        decision_due_date=clocks.decision_due_on_acceptance(application, day))
    return Application.objects.get(pk=application.pk)


def correction(application, requested: date, resubmitted: date | None = None, **extra) -> CorrectionRequest:
    return CorrectionRequest.objects.create(
        application=application, stage=application.state, items=[{"kind": "field", "key": "expected_attendance",
                                                                  "label": "预计人数"}],
        note="请核实人数", due_date=requested + timedelta(days=5), requested_by=reviewer_of(application),
        requested_at=at(requested), resubmitted_at=at(resubmitted, 16) if resubmitted else None, **extra)


def clock(application, kind: str, today: date):
    found = [c for c in clocks.application_clocks(Application.objects.get(pk=application.pk), today=today)
             if c.kind == kind]
    assert len(found) == 1, found
    return found[0]


def policy(application, **values) -> ClockPolicy:
    return ClockPolicy.objects.create(authority=application.district, **values)


# ---------------------------------------------------------------------------------------------- the calendar


def test_the_migration_seeds_2026_from_the_notice_and_2027_provisionally():
    national_day = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert (national_day.kind, national_day.name, national_day.provisional) == ("day_off", "国庆节", False)
    assert "2026年部分节假日安排" in national_day.source
    assert CalendarDay.objects.get(date=date(2026, 9, 20)).kind == CalendarDay.Kind.WORKING_WEEKEND
    spring_2027 = CalendarDay.objects.filter(date__year=2027, name="春节")
    assert spring_2027.count() == 4 and all(d.provisional for d in spring_2027)


def test_the_entry_point_counts_holidays_and_working_weekends():
    assert clocks.add_working_days(date(2026, 9, 25), 5) == date(2026, 10, 9)
    assert clocks.add_working_days(date(2026, 9, 18), 5) == date(2026, 9, 24)  # Sun 20 Sep is 调休上班
    # An admin adds a day off: the arithmetic follows at once.
    CalendarDay.objects.create(date=date(2026, 11, 3), kind="day_off", name="测试", source="测试")
    assert clocks.add_working_days(date(2026, 11, 2), 1) == date(2026, 11, 4)


def test_a_working_weekend_must_be_a_saturday_or_sunday():
    with pytest.raises(ValidationError) as error:
        CalendarDay(date=date(2026, 11, 4), kind="working_weekend", name="测试", source="测试").full_clean()
    assert "kind" in error.value.message_dict


def test_admin_edits_the_calendar_and_the_policies(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    for name in ("calendarday", "clockpolicy", "clockextension", "overduenotice"):
        assert client.get(reverse(f"admin:approvals_{name}_changelist")).status_code == 200
    assert "2026-10-01" in client.get(reverse("admin:approvals_calendarday_changelist") + "?date__year=2026"
                                      ).content.decode()


# ---------------------------------------------------------------------------------------------- acceptance


def test_a_submission_on_the_friday_before_national_day_is_due_for_acceptance_on_9_october():
    application = handed_in_on(submitted(), date(2026, 9, 25))
    acceptance = clock(application, "acceptance", today=date(2026, 9, 28))
    assert (acceptance.due, acceptance.days_left, acceptance.overdue) == (date(2026, 10, 9), 11, False)
    assert clock(application, "acceptance", today=date(2026, 10, 10)).days_overdue == 1
    # The event's start is no deadline of the bureau.
    kinds = [c.kind for c in clocks.application_clocks(application, today=date(2026, 9, 28))]
    assert kinds == ["acceptance"]


def test_the_inbox_sorts_by_the_stored_acceptance_due_date_and_a_policy_edit_refreshes_it(
        django_capture_on_commit_callbacks):
    sunday = handed_in_on(submitted(name="调休"), date(2026, 9, 18))
    reviewer = reviewer_of(sunday)
    national = handed_in_on(submitted(organizer_of(sunday), venue=sunday.event.venue, name="国庆"),
                            date(2026, 9, 25))
    clocks.refresh_next_deadlines()  # the rows were moved in time behind the services' back
    rows = [(a.pk, a.next_deadline) for a in inbox_queryset(reviewer, QueryDict())]
    assert rows == [(sunday.pk, date(2026, 9, 24)), (national.pk, date(2026, 10, 9))]  # soonest first
    # A bureau's own acceptance days (here 3 working days: 20, 21, 22 Sep), edited in the admin: the stored
    # dates are refreshed in the background (the outbox task, run here after commit).
    with django_capture_on_commit_callbacks(execute=True):
        policy(sunday, acceptance_days=3)
    stored = dict(Application.objects.values_list("pk", "next_deadline"))
    assert stored[sunday.pk] == date(2026, 9, 22) == clock(sunday, "acceptance", today=date(2026, 9, 21)).due
    assert stored[national.pk] == clock(national, "acceptance", today=date(2026, 9, 28)).due < date(2026, 10, 9)


def test_every_transition_stores_the_soonest_dated_clock():
    application = submitted()
    assert Application.objects.get(pk=application.pk).next_deadline == clock(
        application, "acceptance", today=date.today()).due
    accepted = builder.builder_for(application).accepted().build()
    stored = Application.objects.get(pk=accepted.pk).next_deadline
    assert stored is not None and stored == Application.objects.get(pk=accepted.pk).decision_due_date


def test_a_correction_notice_stops_the_acceptance_clock_and_resubmission_starts_it_again():
    application = handed_in_on(submitted(), date(2026, 9, 25))
    request = correction(application, date(2026, 9, 28))
    paused = clock(application, "acceptance", today=date(2026, 9, 29))
    assert (paused.paused, paused.due, paused.remaining) == (True, None, 5)
    assert clock(application, "correction", today=date(2026, 9, 29)).due == date(2026, 10, 3)
    # Resubmitted Wed 30 Sep: 8 Oct (1), 9 Oct (2), Sat 10 Oct 调休 (3), 12 (4), 13 Oct (5).
    CorrectionRequest.objects.filter(pk=request.pk).update(resubmitted_at=at(date(2026, 9, 30), 16))
    assert clock(application, "acceptance", today=date(2026, 10, 8)).due == date(2026, 10, 13)


# ---------------------------------------------------------------------------------------------- decision


def test_the_decision_clock_of_a_working_day_bureau_and_a_calendar_day_bureau():
    working = accepted_on(submitted(), date(2026, 9, 29))
    # 30 Sep (1), 8 (2), 9 (3), Sat 10 Oct 调休 (4), 12 (5), 13 (6), 14 Oct (7).
    assert working.decision_due_date == date(2026, 10, 14)
    calendar_bureau = submitted()
    policy(calendar_bureau, decision_days_are_working_days=False)
    calendar_bureau = accepted_on(calendar_bureau, date(2026, 9, 29))
    assert calendar_bureau.decision_due_date == date(2026, 10, 6)
    assert clock(calendar_bureau, "decision", today=date(2026, 10, 1)).days_left == 5


def test_a_promised_shorter_limit_and_a_policy_set_by_the_city_for_its_districts():
    application = submitted()
    ClockPolicy.objects.create(authority=application.district.parent, promised_decision_days=3)
    # 30 Sep (1), 8 Oct (2), 9 Oct (3).
    assert accepted_on(application, date(2026, 9, 29)).decision_due_date == date(2026, 10, 9)
    with pytest.raises(ValidationError) as error:
        ClockPolicy(authority=application.district, decision_days=7, promised_decision_days=9).full_clean()
    assert "promised_decision_days" in error.value.message_dict


def test_the_acceptance_service_fixes_the_decision_due_date_by_the_bureau_policy():
    application = submitted()
    policy(application, decision_days=10, decision_days_are_working_days=False)
    application = builder.builder_for(application).accepted().build()
    assert application.decision_due_date == timezone.localdate() + timedelta(days=10)
    assert [c.kind for c in clocks.application_clocks(application)] == ["decision"]


def test_a_pause_of_three_working_days_shifts_the_decision_due_date():
    application = accepted_on(submitted(), date(2026, 11, 2))
    assert application.decision_due_date == date(2026, 11, 11)
    request = correction(application, date(2026, 11, 4))
    paused = clock(application, "decision", today=date(2026, 11, 6))
    # What was left when it stopped: 5, 6, 9, 10, 11 Nov.
    assert (paused.paused, paused.due, paused.remaining) == (True, None, 5)
    # Resubmitted Mon 9 Nov: 5, 6 and 9 Nov are not counted → 12, 13, 16 Nov.
    CorrectionRequest.objects.filter(pk=request.pk).update(resubmitted_at=at(date(2026, 11, 9), 16))
    resumed = clock(application, "decision", today=date(2026, 11, 10))
    assert (resumed.paused, resumed.due, resumed.days_left) == (False, date(2026, 11, 16), 6)


def test_a_pause_on_a_calendar_day_bureau_shifts_by_calendar_days():
    application = submitted()
    policy(application, decision_days_are_working_days=False)
    application = accepted_on(application, date(2026, 11, 2))
    correction(application, date(2026, 11, 4), date(2026, 11, 9))
    assert clock(application, "decision", today=date(2026, 11, 10)).due == date(2026, 11, 14)


# ---------------------------------------------------------------------------------------------- extension


def test_an_extension_is_requested_by_the_officer_and_approved_by_a_supervisor_not_a_reviewer(client):
    application = submitted()
    policy(application, extension_days=10)
    application = accepted_on(application, date(2026, 11, 2))
    reviewer, supervisor = reviewer_of(application), supervisor_of(application)
    assert "extend_clock" in workflow.available_actions(application, reviewer)
    client.force_login(reviewer)
    client.post(reverse("review:act", args=[application.pk, "extend_clock"]),
                {"reason": "需会同消防部门现场复核", "expected_revision": application.revision})
    extension = ClockExtension.objects.get(application=application)
    assert (extension.days, extension.approved) == (10, False)
    assert Notification.objects.filter(user=supervisor, verb="clock_extension_requested").count() == 1
    client.force_login(supervisor)
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert 'data-testid="extension-pending"' in page and "需会同消防部门现场复核" in page
    assert 'data-action="approve_clock_extension"' in page
    # The reviewer may not approve: neither offered nor allowed.
    assert "approve_clock_extension" not in workflow.available_actions(application, reviewer)
    with pytest.raises(PermissionDenied):
        workflow.REGISTRY["approve_clock_extension"].perform(application=application, actor=reviewer)
    assert "approve_clock_extension" in workflow.available_actions(application, supervisor)
    workflow.REGISTRY["approve_clock_extension"].perform(application=application, actor=supervisor)
    # Due 11 Nov + 10 working days: 12, 13, 16, 17, 18, 19, 20, 23, 24, 25 Nov.
    extended = clock(application, "decision", today=date(2026, 11, 5))
    assert (extended.due, extended.extended_days) == (date(2026, 11, 25), 10)
    assert Application.objects.get(pk=application.pk).next_deadline == date(2026, 11, 25)  # the inbox's order
    events = list(AuditEntry.objects.filter(application=application, event__startswith="clock_")
                  .order_by("pk").values_list("event", flat=True))
    assert events == ["clock_extension_requested", "clock_extended"]
    told = Notification.objects.get(user=organizer_of(application), verb="clock_extended")
    assert "需会同消防部门现场复核" in told.message and "2026-11-25" in told.message
    # Once only.
    assert "extend_clock" not in workflow.available_actions(application, reviewer)
    with pytest.raises(ValidationError):
        clocks.clock_extension_request(application=application, actor=reviewer, reason="再延长")


def test_no_extension_where_the_bureau_does_not_allow_it():
    application = accepted_on(submitted(), date(2026, 11, 2))
    reviewer = reviewer_of(application)
    assert "extend_clock" not in workflow.available_actions(application, reviewer)
    with pytest.raises(ValidationError, match="不允许延长"):
        clocks.clock_extension_request(application=application, actor=reviewer, reason="理由")
    policy(application, extension_days=10)
    with pytest.raises(ValidationError) as error:
        clocks.clock_extension_request(application=application, actor=reviewer, reason=" ")
    assert "reason" in error.value.message_dict


# ---------------------------------------------------------------------------------------------- overdue


def test_an_overdue_clock_is_told_once_to_the_officer_and_the_supervisor():
    application = accepted_on(submitted(), date(2026, 11, 2))  # due 11 Nov
    reviewer, supervisor = reviewer_of(application), supervisor_of(application)
    assert clocks.clocks_overdue_notify(today=date(2026, 11, 11)) == 0  # the due day itself is in time
    assert clocks.clocks_overdue_notify(today=date(2026, 11, 12)) == 1
    assert clocks.clocks_overdue_notify(today=date(2026, 11, 12)) == 0
    assert clocks.clocks_overdue_notify(today=date(2026, 11, 13)) == 0
    for user in (reviewer, supervisor):
        told = Notification.objects.get(user=user, verb="clock_overdue")
        assert "决定时限" in told.message and "2026-11-11" in told.message
    assert list(OverdueNotice.objects.values_list("kind", "due")) == [("decision", date(2026, 11, 11))]
    assert AuditEntry.objects.filter(application=application, event="clock_overdue").count() == 1


def test_a_paused_clock_is_not_overdue_and_the_task_is_scheduled(settings):
    application = accepted_on(submitted(), date(2026, 11, 2))
    correction(application, date(2026, 11, 4))
    assert clocks.clocks_overdue_notify(today=date(2026, 11, 30)) == 0
    from approvals.clocks.tasks import clocks_overdue_check

    entry = settings.CELERY_BEAT_SCHEDULE["approvals-clocks-overdue-daily"]
    assert entry["task"] == clocks_overdue_check.name


# ---------------------------------------------------------------------------------------------- shown


def test_the_inbox_shows_each_clock_with_its_kind_paused_and_overdue(client):
    fresh = submitted(name="新提交")
    reviewer = reviewer_of(fresh)
    venue = fresh.event.venue
    waiting = submitted(organizer_of(fresh), venue=venue, name="待补正")
    correction(waiting, timezone.localdate())
    late = accepted_on(submitted(organizer_of(fresh), venue=venue, name="已超期"), date(2026, 11, 2))
    client.force_login(reviewer)
    page = client.get(reverse("approvals:inbox")).content.decode()
    rows = {name: page[page.index(name):].split("</tr>")[0] for name in ("新提交", "待补正", "已超期")}
    assert "受理时限" in rows["新提交"] and "还剩" in rows["新提交"]
    assert "已暂停" in rows["待补正"] and "补正期限" in rows["待补正"]
    assert "决定时限" in rows["已超期"] and "text-danger" in rows["已超期"] and "已逾期" in rows["已超期"]
    # The new submission's date is its acceptance clock, not the event's start.
    event_day = timezone.localtime(fresh.event.start_at).date().isoformat()
    assert f'data-next-deadline="{event_day}"' not in page


def test_the_application_page_shows_the_clocks_to_police_and_organizer(client):
    application = submitted()
    for user in (reviewer_of(application), organizer_of(application)):
        client.force_login(user)
        page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
        assert 'data-clock="acceptance"' in page and "受理时限" in page
    draft = factories.create_application(organizer_of(application))
    page = client.get(reverse("approvals:detail", args=[draft.pk])).content.decode()
    lead_due = timezone.localtime(draft.event.start_at).date() - timedelta(days=draft.catalogue.submission_lead_days)
    assert f'data-clock="lead" data-due="{lead_due.isoformat()}"' in page and "申请提前期" in page
