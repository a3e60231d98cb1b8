"""The catalogue is seeded by a migration: exactly 9 documents, 11 sections, 5 parties, as in DOMAIN.md."""
from approvals.models import CatalogueVersion


def test_seed_has_nine_documents_eleven_sections_five_parties(db):
    catalogue = CatalogueVersion.objects.get(is_current=True)
    assert catalogue.document_types.count() == 9
    assert catalogue.plan_sections.count() == 11
    assert catalogue.parties.count() == 5


def test_deferrable_documents_are_contracts_insurance_joint_agreement_and_sector_approvals(db):
    catalogue = CatalogueVersion.objects.get(is_current=True)
    deferrable = set(catalogue.document_types.filter(deferrable=True).values_list("number", flat=True))
    assert deferrable == {5, 7, 8, 9}


def test_conditional_documents_apply_only_when_their_condition_holds(db):
    catalogue = CatalogueVersion.objects.get(is_current=True)
    conditions = dict(catalogue.document_types.values_list("number", "required_when"))
    assert conditions[8] == "multiple_organisers"
    assert conditions[9] == "has_performances"
    assert {conditions[n] for n in (1, 2, 3, 4, 5, 6, 7)} == {"always"}


def test_sections_have_chinese_titles_and_structured_fields(db):
    catalogue = CatalogueVersion.objects.get(is_current=True)
    titles = list(catalogue.plan_sections.values_list("title_zh", flat=True))
    assert titles[0] == "活动概况" and titles[-1] == "应急救援预案"
    staff = catalogue.plan_sections.get(code="security_staff")
    assert "security_staff_total" in {f["key"] for f in staff.fields}


def test_every_party_has_a_responsibility_checklist(db):
    catalogue = CatalogueVersion.objects.get(is_current=True)
    for party in catalogue.parties.all():
        assert party.items.count() >= 4, party.code
