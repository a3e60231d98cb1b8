"""Levels carry their rules as data (RiskLevel.requires_sign_off, allows_provisional), and the plan fields the
model reads are declared in the catalogue ("risk_input"), not guessed by key."""
import pytest

from approvals.risk import bridge as risk
from approvals.applications import services
from approvals.catalogue.admin import catalogue_clone
from approvals.models import Application, CatalogueVersion
from riskassess.admin import model_version_clone
from riskassess.models import RiskLevel, RiskModelVersion
from tests import factories

pytestmark = pytest.mark.django_db


def at_level(level: str, computed: str = "") -> Application:
    application = factories.create_application()
    Application.objects.filter(pk=application.pk).update(security_level=level,
                                                         computed_security_level=computed or level)
    return Application.objects.get(pk=application.pk)


def new_current_version_with(code: str, **rules) -> RiskModelVersion:
    """As an administrator does it: copy the current (possibly frozen) version, edit the copy, make it current."""
    current = RiskModelVersion.objects.get(is_current=True)
    clone = model_version_clone(RiskModelVersion.objects.get(pk=current.pk))
    RiskLevel.objects.filter(version=clone, code=code).update(**rules)
    RiskModelVersion.objects.update(is_current=False)
    RiskModelVersion.objects.filter(pk=clone.pk).update(is_current=True)
    return clone


def test_the_seeded_levels_say_what_the_code_said():
    rules = {level.code: (level.requires_sign_off, level.allows_provisional)
             for level in RiskLevel.objects.filter(version__is_current=True)}
    assert rules == {"一级": (True, False), "二级": (True, False), "三级": (False, False), "四级": (False, True)}


def test_allowing_provisional_approval_on_a_level_row_opens_it_without_a_code_change():
    assert any("先批后审仅适用于" in reason for reason in at_level("三级").provisional_blockers())
    new_current_version_with("三级", allows_provisional=True)
    assert not any("先批后审仅适用于" in reason for reason in at_level("三级").provisional_blockers())


def test_withdrawing_provisional_approval_from_the_lowest_level_closes_it():
    assert not any("先批后审仅适用于" in reason for reason in at_level("四级").provisional_blockers())
    new_current_version_with("四级", allows_provisional=False)
    assert any("先批后审仅适用于" in reason for reason in at_level("四级").provisional_blockers())


def test_the_sign_off_rule_reads_the_level_rows_and_the_more_severe_level():
    assert not at_level("三级").requires_sign_off
    assert at_level("二级").requires_sign_off
    assert at_level("四级", computed="二级").requires_sign_off  # an override below the computed level
    new_current_version_with("三级", requires_sign_off=True)
    assert at_level("三级").requires_sign_off


def test_the_level_rules_are_editable_in_the_admin_inline(admin_client):
    version = RiskModelVersion.objects.get(is_current=True)
    page = admin_client.get(f"/admin/riskassess/riskmodelversion/{version.pk}/change/").content.decode()
    assert "requires_sign_off" in page and "allows_provisional" in page


def test_renaming_a_field_in_a_new_catalogue_version_keeps_the_staff_count(organizer):
    current = CatalogueVersion.objects.get(is_current=True)
    renamed = catalogue_clone(CatalogueVersion.objects.get(pk=current.pk))
    section = renamed.plan_sections.get(code="security_staff")
    fields = [dict(f, key="guards_total") if f["key"] == "security_staff_total" else f for f in section.fields]
    section.fields = fields
    section.save()
    CatalogueVersion.objects.update(is_current=False)
    CatalogueVersion.objects.filter(pk=renamed.pk).update(is_current=True)

    application = factories.create_application(organizer)
    assert application.catalogue_id == renamed.pk
    services.section_save(application=application, user=organizer, section_code="security_staff",
                          raw_data={"guards_total": 240, "fixed_posts": 3, "patrol_posts": 5, "mobile_points": 5},
                          narrative="")
    assessment = risk.assess_application(application=application)
    assert assessment.deployment["planned"]["security_staff"] == 240


def test_every_plan_field_the_model_reads_is_declared_in_the_seeded_catalogue():
    declared = {f["risk_input"] for section in CatalogueVersion.objects.get(is_current=True).plan_sections.all()
                for f in section.fields if f.get("risk_input")}
    assert declared == set(risk.RISK_INPUT_FACTS)


def test_a_zone_without_its_own_density_takes_the_risk_models_safe_density():
    from decimal import Decimal

    from eventday.services import zone_create

    RiskModelVersion.objects.filter(is_current=True).update(planning_density=1.5)
    application = factories.create_application()
    zone = zone_create(event=application.event, kind="core", name="核心区", usable_area_m2=1000)
    assert zone.safe_density == Decimal("1.50") and zone.safe_capacity == 1500
