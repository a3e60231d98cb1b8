"""Each role reads the part of the dossier it needs (issue 10, finding 17): the security company and the
culture-tourism official never the organizer's documents, the audit log or the police's risk reasons; the
organizer everything of its own but the police's internal notes; police everything. Checked on the pages, the API
and the downloads alike (a role that may not see a part gets 404, not a hidden link)."""
import pytest
from django.test import Client
from django.urls import reverse

from approvals.risk import bridge as risk
from approvals import workflow
from approvals.applications import services
from approvals.models import AuditEntry, DocumentVersion, Permit
from tests import factories
from tests.plans.factories import fill_application

from .fixtures import *  # noqa: F401,F403 (the world, built once for the module)
from .urlmatrix import content_of
from .world import COMPANY_NAMED, CULTURE_ASSIGNED, DISTRICT_REVIEWER, DISTRICT_SUPERVISOR, OWNER

pytestmark = pytest.mark.django_db

INSURANCE_FILE = "保单正本ZX81.pdf"
SECTOR_FILE = "营业性演出批文ZX82.pdf"
OVERRIDE_REASON = "内部研判：情报显示有黄牛团伙ZX83"
RETURN_REASON = "请补正场地同意书ZX84"


def _client(world, role) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _upload(world, application, code, name) -> DocumentVersion:
    services.document_upload(application=application, user=world.users[OWNER], document_type_code=code,
                             uploaded=factories.pdf_upload(name))
    return DocumentVersion.objects.filter(document__application=application, original_name=name).get()


def _override(world, application) -> None:
    risk.override_level(application=application, actor=world.users[DISTRICT_REVIEWER], level="一级",
                        reason=OVERRIDE_REASON)


def _dossier_urls(application, version) -> dict:
    pk = application.pk
    code = version.document.document_type.code
    return {
        "page download": reverse("approvals:document_download", args=[pk, version.pk]),
        "api download": reverse("approvals_api:document-download",
                                kwargs={"pk": pk, "code": code, "number": version.number}),
        "audit api": reverse("workflow_api:audit", args=[pk]),
        "audit page": reverse("review:history", args=[pk]),
    }


def _reads(client, application) -> str:
    """Everything the role reads about the application on its pages and API (those that answer 200)."""
    pk = application.pk
    urls = [reverse("approvals:detail", args=[pk]), reverse("approvals_api:application-detail", args=[pk]),
            reverse("approvals_api:document-list", args=[pk]), reverse("approvals_api:section-list", args=[pk]),
            reverse("approvals_api:party-list", args=[pk]), reverse("risk:detail", args=[pk]),
            reverse("risk_api:detail", args=[pk]), reverse("workflow_api:state", args=[pk])]
    texts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code == 200:
            texts.append(content_of(response))
    return "\n".join(texts)


@pytest.mark.parametrize("role", [COMPANY_NAMED, CULTURE_ASSIGNED])
def test_company_and_culture_official_get_404_on_documents_and_the_audit_log(world, role):
    application = world.victim("approved").application
    insurance = _upload(world, application, "liability_insurance", INSURANCE_FILE)
    client = _client(world, role)
    assert client.get(reverse("approvals:detail", args=[application.pk])).status_code == 200  # it sees the event
    for name, url in _dossier_urls(application, insurance).items():
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize("role", [COMPANY_NAMED, CULTURE_ASSIGNED])
def test_company_and_culture_official_read_no_insurance_override_reason_or_audit_trail(world, role):
    application = world.victim("approved").application
    _upload(world, application, "liability_insurance", INSURANCE_FILE)
    _override(world, application)
    text = _reads(_client(world, role), application)
    assert world.victim("approved").application.event.name in text
    assert INSURANCE_FILE not in text
    assert OVERRIDE_REASON not in text
    assert "办理记录" not in text and "/history/" not in text  # the audit trail, and the link to it
    assert "张三" not in text or role == COMPANY_NAMED  # another party's person: only the company's own party


def test_security_company_reads_its_staffing_section_party_and_deployment(world):
    application = world.victim("approved").application
    risk.assess_application(application=application, actor=world.users[DISTRICT_REVIEWER])
    client = _client(world, COMPANY_NAMED)
    sections = client.get(reverse("approvals_api:section-list", args=[application.pk])).json()
    assert [s["code"] for s in sections] == ["security_staff"]
    parties = client.get(reverse("approvals_api:party-list", args=[application.pk])).json()
    assert [p["code"] for p in parties] == ["security_company"]
    page = client.get(reverse("risk:detail", args=[application.pk]))
    assert page.status_code == 200 and 'data-testid="deployment"' in page.content.decode()
    assert 'data-testid="risk-factors"' not in page.content.decode()


def test_culture_official_sees_the_sector_approval_and_still_vets_the_lineup(world):
    application = world.victim("approved").application
    sector = _upload(world, application, "sector_approvals", SECTOR_FILE)
    client = _client(world, CULTURE_ASSIGNED)
    documents = client.get(reverse("approvals_api:document-list", args=[application.pk])).json()
    assert [d["code"] for d in documents] == ["sector_approvals"]
    assert client.get(_dossier_urls(application, sector)["api download"]).status_code == 200
    assert client.get(_dossier_urls(application, sector)["page download"]).status_code == 200
    assert world.performer.name in content_of(client.get(reverse("review:vetting_detail", args=[application.pk])))
    performers = client.get(reverse("approvals_api:performer-list", args=[application.pk]))
    assert performers.status_code == 200 and performers.json()[0]["name"] == world.performer.name
    assert world.song.title in content_of(client.get(reverse("approvals:detail", args=[application.pk])))


def test_culture_official_vets_the_lineup_of_an_application_under_review(world):
    owner, supervisor = world.users[OWNER], world.users[DISTRICT_SUPERVISOR]
    application = factories.create_application(owner, venue=world.venue, name="待审演唱会", has_performances=True)
    song = factories.SongFactory(performer=factories.PerformerFactory(event=application.event, name="夜航乐队"))
    fill_application(application, owner)
    application = services.application_submit(application=application, user=owner)
    for code in ("liability_insurance", "service_contracts", "sector_approvals"):
        services.document_upload(application=application, user=owner, document_type_code=code,
                                 uploaded=factories.pdf_upload(f"{code}.pdf"))
    application = workflow.application_accept(application=application, actor=supervisor)
    workflow.application_assign_culture_vetting(application=application, actor=supervisor,
                                                official=world.users[CULTURE_ASSIGNED])
    client = _client(world, CULTURE_ASSIGNED)
    assert "夜航乐队" in content_of(client.get(reverse("review:vetting_detail", args=[application.pk])))
    vetted = client.post(reverse("workflow_api:song-vet", args=[application.pk, song.pk]),
                         {"decision": "struck", "reason": "歌词不宜"}, content_type="application/json")
    assert vetted.status_code == 200 and vetted.json()["vetting_status"] == "struck"


def test_organizer_reads_no_override_reason_but_every_reason_it_must_know(world):
    suspended = world.victim("suspended").application
    rejected = world.victim("rejected").application
    submitted = world.victim("submitted").application
    workflow.application_return(application=submitted, actor=world.users[DISTRICT_SUPERVISOR], reason=RETURN_REASON)
    for application in (suspended, rejected, submitted):
        _override(world, application)
    client = _client(world, OWNER)
    texts = {}
    for label, application in (("suspended", suspended), ("rejected", rejected), ("submitted", submitted)):
        text = _reads(client, application)
        text += content_of(client.get(reverse("workflow_api:audit", args=[application.pk])))
        text += content_of(client.get(reverse("review:history", args=[application.pk])))
        assert OVERRIDE_REASON not in text, label
        texts[label] = text
    assert "甲秘人数严重超员" in texts["suspended"] and "限流" in texts["suspended"]
    assert "甲秘场地不符合要求" in texts["rejected"]
    assert RETURN_REASON in texts["submitted"]
    entries = client.get(reverse("workflow_api:audit", args=[submitted.pk])).json()
    assert "level_overridden" not in {e["action"] for e in entries}
    assert "assigned" not in {e["action"] for e in entries}


def test_police_read_the_whole_dossier(world):
    application = world.victim("approved").application
    insurance = _upload(world, application, "liability_insurance", INSURANCE_FILE)
    _override(world, application)
    client = _client(world, DISTRICT_REVIEWER)
    for name, url in _dossier_urls(application, insurance).items():
        assert client.get(url).status_code == 200, name
    text = _reads(client, application) + content_of(client.get(reverse("workflow_api:audit", args=[application.pk])))
    assert INSURANCE_FILE in text and OVERRIDE_REASON in text
    assert "level_overridden" in text


def test_unsigned_permit_has_a_null_signer_and_the_system_actor_is_no_repr(world):
    application = world.victim("approved").application
    Permit.objects.filter(application=application).update(signed_by=None)
    services.audit(application, actor=None, action=AuditEntry.Action.REMINDER, snapshot={"reminder": "test"})
    client = _client(world, DISTRICT_REVIEWER)
    permit = client.get(reverse("workflow_api:permit", args=[application.pk])).json()
    assert permit["signed_by"] is None
    assert permit["issued_by"] == str(world.users[DISTRICT_SUPERVISOR])
    entries = client.get(reverse("workflow_api:audit", args=[application.pk])).json()
    system = [e for e in entries if e["action"] == "reminder"]
    assert system and system[-1]["actor"] is None and system[-1]["actor_kind"] == "system"
    assert system[-1]["actor_label"] == "系统"
    assert all("method-wrapper" not in str(e["actor"]) for e in entries)
    person = next(e for e in entries if e["action"] == "created")
    assert person["actor_kind"] == "user" and person["actor"] == str(world.users[OWNER])


def test_culture_official_gets_404_on_the_plan_pdf_and_the_company_downloads_it(world):
    pk = world.victim("approved").application.pk
    urls = [reverse("plans:status", args=[pk]), reverse("plans:download", args=[pk]),
            reverse("plans:preview", args=[pk]), reverse("plans_api:download", args=[pk])]
    culture = _client(world, CULTURE_ASSIGNED)
    for url in urls:
        assert culture.get(url).status_code == 404, url
    company = _client(world, COMPANY_NAMED)
    assert company.get(reverse("plans:download", args=[pk])).status_code == 200
