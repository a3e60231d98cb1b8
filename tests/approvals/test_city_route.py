"""City-level decisions (Order 505 Art. 12): the district receives, accepts and reviews a ≥ 5,000 application and
reports it with its opinion (报市局审批); the city bureau decides; the permit or refusal is issued in the deciding
authority's name and number series (data per authority) and copied to the authority one level up (抄送)."""
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from approvals import workflow
from approvals.models import AuditEntry, DecisionNumberSequence
from approvals.workflow import states
from events.models import Authority
from notifications.models import Notification
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401
from tests.support.builder import application, reviewer_for, supervisor_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

CITY_LEVEL = {"expected_attendance": 6000, "rated_capacity": 8000}
DECISIONS = ("approve", "reject", "approve_provisionally")


def city_people(app) -> dict:
    city = app.district.parent
    return {"district reviewer": reviewer_for(app), "district supervisor": supervisor_for(app),
            "city reviewer": factories.ReviewerFactory(authority=city),
            "city supervisor": factories.SupervisorFactory(authority=city)}


# ---------------------------------------------------------------------------------------------- the route


# What each role may do on a city-level application, per state: offered actions among the decisions and the
# report; every decision not offered is withheld with a reason (never a dead end).
ROUTE = {
    "under_review": {"district reviewer": {"report_to_city"}, "district supervisor": {"report_to_city"},
                     "city reviewer": set(), "city supervisor": set()},
    "reported_to_city": {"district reviewer": set(), "district supervisor": set(),
                         "city reviewer": set(), "city supervisor": {"approve", "reject", "approve_provisionally"}},
}


@pytest.mark.parametrize("state", sorted(ROUTE))
def test_who_may_report_and_decide_a_city_level_application_per_state_and_role(state):
    builder = application(**CITY_LEVEL).reach(state)
    app = builder.build()
    assert app.state == state and app.city_level
    for role, user in city_people(app).items():
        offered = set(workflow.available_actions(app, user)) & {*DECISIONS, "report_to_city"}
        assert offered == ROUTE[state][role], (state, role, offered)
        withheld = workflow.withheld_actions(app, user)
        for name in {"approve", "reject"} - offered:
            assert withheld.get(name), (state, role, name)
        if role.startswith("district"):
            assert "市公安局" in withheld["approve"]


def test_the_district_reports_with_its_opinion_and_the_city_decides_in_its_own_name():
    builder = application(**CITY_LEVEL).under_review()
    app = builder.build()
    people = city_people(app)
    district, city = people["district reviewer"], people["city supervisor"]
    with pytest.raises(PermissionDenied, match="市公安局"):
        workflow.application_approve(application=app, actor=people["district supervisor"])
    with pytest.raises(ValidationError) as refused:
        workflow.application_report_to_city(application=app, actor=district, opinion="  ")
    assert "opinion" in refused.value.message_dict
    app = workflow.application_report_to_city(application=app, actor=district, opinion="分局审查同意，报请市局审批。")
    assert app.state == "reported_to_city"
    entry = app.audit_entries.get(event=AuditEntry.Event.REPORTED_TO_CITY)
    assert entry.reason == "分局审查同意，报请市局审批。" and entry.actor == district
    # Both bureaus are told; the district reads 待市局决定, the organizer plain language.
    assert Notification.objects.filter(user=city, application=app, verb="report_to_city").exists()
    assert Notification.objects.filter(user=people["district supervisor"], verb="report_to_city").exists()
    assert states.label_for(app.state, district) == "待市局决定"
    assert states.label_for(app.state, builder.person("organizer")) == "已报市局审批"
    for user in (people["district reviewer"], people["district supervisor"]):
        with pytest.raises(PermissionDenied, match="待市公安局决定"):
            workflow.application_reject(application=app, actor=user, reason="不符合条件")
    with pytest.raises(PermissionDenied, match="签批"):
        workflow.application_approve(application=app, actor=people["city reviewer"])

    app = workflow.application_approve(application=app, actor=city)
    permit = app.permit
    assert permit.authority == app.district.parent and permit.authority.level == Authority.Level.CITY
    assert permit.number.startswith(f"{permit.authority.name}安许〔{timezone.localdate().year}〕第")
    assert Notification.objects.filter(user=district, application=app, verb="approve").exists()


def test_a_district_level_application_is_not_reported_to_the_city():
    app = application().under_review().build()
    reviewer = reviewer_for(app)
    assert not app.city_level
    assert "report_to_city" not in workflow.available_actions(app, reviewer)
    with pytest.raises(ValidationError, match="无需报市局审批"):
        workflow.application_report_to_city(application=app, actor=reviewer, opinion="同意")


def test_the_panel_offers_the_district_the_report_and_explains_the_withheld_decisions(client):
    app = application(**CITY_LEVEL).under_review().build()
    client.force_login(reviewer_for(app))
    page = client.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'data-action="report_to_city"' in page and 'data-action="approve"' not in page
    assert 'data-withheld="approve"' in page
    response = client.post(reverse("review:act", args=[app.pk, "report_to_city"]),
                           {"expected_revision": app.revision, "opinion": "分局同意"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == "reported_to_city"
    page = client.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert "待市局决定" in page and 'data-testid="city-report"' in page and "分局同意" in page


def test_a_refusal_by_the_city_is_in_its_name_with_its_refusal_series(client):
    builder = application(**CITY_LEVEL).reported_to_city()
    app = builder.build()
    city = factories.SupervisorFactory(authority=app.district.parent)
    app = workflow.application_reject(application=app, actor=city, reason="疏散通道宽度不足。")
    refusal = app.refusal
    assert refusal.authority == app.district.parent and "安不许〔" in refusal.number
    client.force_login(reviewer_for(app))  # the district reads the city's decision
    page = client.get(reverse("review:refusal", args=[app.pk])).content.decode()
    assert refusal.number in page and app.district.parent.name in page


# ---------------------------------------------------------------------------------------------- numbering


def _approved_in(district) -> str:
    app = application(venue=factories.VenueFactory(district=district)).approved().build()
    return app.permit.number


def test_each_authority_numbers_its_decisions_in_its_own_format_without_gaps_or_duplicates():
    year = timezone.localdate().year
    east = factories.DistrictBureauFactory(name="东区公安分局", abbreviation="东公")
    west = factories.DistrictBureauFactory(name="西区公安分局", abbreviation="西公",
                                           permit_number_format="{abbr}许字〔{year}〕{n:03d}号")
    numbers = [_approved_in(east), _approved_in(west), _approved_in(east), _approved_in(east)]
    assert numbers == [f"东公安许〔{year}〕第1号", f"西公许字〔{year}〕001号", f"东公安许〔{year}〕第2号",
                       f"东公安许〔{year}〕第3号"]
    refused = application(venue=factories.VenueFactory(district=east)).rejected().build()
    assert refused.refusal.number == f"东公安不许〔{year}〕第1号"
    assert DecisionNumberSequence.objects.get(authority=east, year=year, kind="permit").last == 3


def test_a_number_format_is_data_checked_for_its_placeholders():
    bureau = factories.DistrictBureauFactory.build(parent=factories.CityBureauFactory(),
                                                   permit_number_format="{abbr}〔{year}〕{unknown}号")
    with pytest.raises(ValidationError) as refused:
        bureau.full_clean()
    assert "permit_number_format" in refused.value.message_dict
    bureau.permit_number_format = "{abbr}〔{year}〕号"
    with pytest.raises(ValidationError, match="序号"):
        bureau.full_clean()


# ---------------------------------------------------------------------------------------------- 抄送


def test_a_district_decision_is_copied_to_the_city_which_is_told_and_reads_it(client):
    builder = application().under_review()
    city_officer = factories.ReviewerFactory(authority=builder.build().district.parent)
    app = builder.approved().build()
    copy = app.audit_entries.get(event=AuditEntry.Event.DECISION_COPIED)
    assert copy.snapshot["copied_to"] == app.district.parent_id
    assert Notification.objects.filter(user=city_officer, application=app, verb="decision_copied").count() == 1
    client.force_login(city_officer)
    page = client.get(reverse("review:permit", args=[app.pk]))
    assert page.status_code == 200 and app.district.parent.name in page.content.decode()


def test_a_city_decision_is_copied_to_the_province_whose_police_are_told_and_read_it(client):
    province = Authority.objects.create(name="省公安厅", kind="police", level="province")
    city = Authority.objects.create(name="江城市公安局", kind="police", level="city", parent=province,
                                    abbreviation="江公")
    district = factories.DistrictBureauFactory(parent=city)
    province_officer = factories.ReviewerFactory(authority=province)
    city_officer = factories.ReviewerFactory(authority=city)
    app = application(venue=factories.VenueFactory(district=district), **CITY_LEVEL).approved().build()
    assert app.permit.authority == city and app.permit.number.startswith("江公安许〔")
    assert Notification.objects.filter(user=province_officer, application=app, verb="decision_copied").exists()
    assert not Notification.objects.filter(user=city_officer, verb="decision_copied").exists()
    client.force_login(province_officer)
    page = client.get(reverse("review:permit", args=[app.pk])).content.decode()
    assert app.permit.number in page and 'data-testid="permit-copies"' in page and "省公安厅" in page


def test_a_refusal_is_copied_too():
    app = application().rejected().build()
    city_officer = factories.ReviewerFactory(authority=app.district.parent)
    assert app.audit_entries.filter(event=AuditEntry.Event.DECISION_COPIED,
                                    snapshot__number=app.refusal.number).exists()
    assert city_officer.has_perm("approvals.view_application", app)


def test_the_plan_cover_names_the_deciding_authority():
    from plans.content import load_application, plan_content

    app = application(**CITY_LEVEL).approved().build()
    plan = plan_content(load_application(app.pk))
    assert plan["bureau"]["name"] == app.district.parent.name and plan["permit"]["number"] == app.permit.number
    assert re.search("安许〔", plan["permit"]["number"])


def test_the_deciding_authority_s_seal_is_on_the_permit_page_and_the_plan_cover(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.content import load_application, plan_content

    settings.MEDIA_ROOT = str(tmp_path)
    app = application().approved().build()
    bureau = app.permit.authority
    bureau.seal = SimpleUploadedFile("seal.png", factories.png_bytes(), content_type="image/png")
    bureau.save()
    client.force_login(reviewer_for(app))
    page = client.get(reverse("review:permit", args=[app.pk])).content.decode()
    assert 'data-testid="permit-seal"' in page and bureau.seal.url in page
    assert plan_content(load_application(app.pk))["bureau"]["seal"].startswith("data:image/png;base64,")
