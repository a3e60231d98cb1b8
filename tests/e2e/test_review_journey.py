"""The review journey in a real browser: a reviewer accepts with a deferred document, the organizer signs the
commitment and uploads it, the culture-tourism official strikes a song, the reviewer approves, then suspends
and resumes the permit."""
import pytest
from playwright.sync_api import expect

from approvals.applications import services
from approvals.models import Application, ApplicationState
from approvals.applications.requirements import requirements_for
from tests import factories

from .conftest import login
from .test_organizer_journey import real_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def submitted_with_one_deferrable_missing():
    organizer = factories.OrganizerUserFactory(username="organizer-review", full_name="李主办")
    application = factories.create_application(organizer, name="湖畔夏夜音乐会", has_performances=True)
    band = factories.PerformerFactory(event=application.event, name="晴天乐队")
    factories.SongFactory(performer=band, title="湖边")
    factories.SongFactory(performer=band, title="夜行者")
    factories.complete_application(application, organizer)
    # Every missing deferrable document that applies but the insurance policy (with one organiser, the joint
    # organising agreement does not apply and is not uploaded: the panel must not offer it either).
    for document in requirements_for(application).deferrable:
        code = document.document_type.code
        if code != "liability_insurance":
            services.document_upload(application=application, user=organizer, document_type_code=code,
                                     uploaded=factories.pdf_upload(f"{code}.pdf"))
    return services.application_submit(application=application, user=organizer)


def sign_out(page) -> None:
    """Through the logout button: the session ends on the server (clearing cookies is not enough while a
    late htmx response can set the session cookie again)."""
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)


def state_of(page) -> str:
    return page.locator("[data-testid=application-state]").inner_text().strip()


def submit_panel_form(page, action: str, **fields):
    form = page.locator(f"#workflow-panel form[data-action={action}]")
    if form.locator("xpath=ancestor::details").count():
        form.locator("xpath=ancestor::details/summary").click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button").click()
    page.wait_for_load_state()


def test_reviewer_organizer_and_culture_official_take_an_application_to_a_permit_and_through_a_suspension(
        browser_page, live_server, tmp_path, monkeypatch):
    # A supervisor acts, so any security level may be signed; the struck song is off the programme (a condition).
    page = browser_page
    application = submitted_with_one_deferrable_missing()
    officer = factories.SupervisorFactory(username="officer-e2e", full_name="陈警官", authority=application.district)
    official = factories.CultureOfficialFactory(username="culture-e2e", full_name="孙审核员")
    detail = f"{live_server.url}/applications/{application.pk}/"

    # The reviewer accepts with the missing insurance policy deferred, asks for culture vetting, starts review.
    login(page, live_server, "officer-e2e", factories.PASSWORD)
    page.goto(detail)
    form = page.locator("#workflow-panel form[data-action=accept_with_deferred]")
    assert form.locator("input[name=documents]").evaluate_all("els => els.map(e => e.value)") == [
        "liability_insurance"]
    form.locator("button").click()
    page.wait_for_load_state()
    assert state_of(page) == "容缺受理"
    page.select_option("#assign-official", value=str(official.pk))
    page.locator("#workflow-panel form[data-action=assign_culture_vetting] button").click()
    page.wait_for_load_state()
    submit_panel_form(page, "start_review")
    assert state_of(page) == "审查中"
    assert "文旅审核尚未完成" in page.locator("[data-testid=blockers]").inner_text()
    sign_out(page)

    # The organizer sees the commitment with its countdown, signs it, and uploads the deferred document.
    login(page, live_server, "organizer-review", factories.PASSWORD)
    page.goto(detail)
    commitment = page.locator("[data-testid=commitment]")
    assert "倒计时" in commitment.inner_text() and "公众责任保险" in commitment.inner_text()
    commitment.locator("form[data-action=sign_commitment] button").click()
    page.wait_for_load_state()
    assert "签署承诺" in page.locator("[data-testid=commitment]").inner_text()
    pdf = tmp_path / "保险单.pdf"
    pdf.write_bytes(real_pdf())
    page.goto(f"{detail}documents/")
    card = page.locator("section#liability_insurance")
    card.locator("input[type=file]").set_input_files(str(pdf))
    card.locator("[data-testid=upload-liability_insurance]").click()
    # Once delivered the document is no longer uploadable after submission, so the card shows only its status.
    expect(page.locator("section#liability_insurance [data-testid=status-liability_insurance]")).to_have_text("已上传")
    page.goto(detail)
    assert "材料已全部补交" in page.locator("[data-testid=commitment]").inner_text()
    sign_out(page)

    # The culture-tourism official lands on the assigned events and strikes one song, approving the rest.
    login(page, live_server, "culture-e2e", factories.PASSWORD)
    assert page.url.endswith("/review/vetting/")
    page.click("text=湖畔夏夜音乐会")
    band = page.locator("section[data-performer=晴天乐队]")
    band.locator(".card-header form button[value=approved]").click()
    page.wait_for_load_state()
    song = page.locator("li[data-song=夜行者]")
    song.locator("input[name=reason]").fill("歌词宣扬暴力，删除")
    song.locator("button[value=struck]").click()
    page.wait_for_load_state()
    page.locator("li[data-song=湖边] button[value=approved]").click()
    page.wait_for_load_state()
    assert "不予通过" in page.locator("li[data-song=夜行者] .badge").inner_text()
    sign_out(page)

    # The reviewer approves: the permit lists the struck song; then suspends and resumes it.
    login(page, live_server, "officer-e2e", factories.PASSWORD)
    page.goto(detail)
    submit_panel_form(page, "approve")
    assert state_of(page) == "已许可"
    page.click("[data-testid=permit-link]")
    assert "《夜行者》" in page.locator("#permit-conditions").inner_text()
    assert "安许〔" in page.locator("[data-testid=permit-number]").inner_text()
    page.goto(detail)
    submit_panel_form(page, "suspend", reasons="现场人数严重超过许可人数", required_changes="限流至许可人数以内")
    assert state_of(page) == "已熔断"
    assert "限流至许可人数以内" in page.locator("[data-testid=suspension]").inner_text()
    submit_panel_form(page, "resume", changes_made="已关闭两个入口并疏导，人数回落")
    assert state_of(page) == "已许可"
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.APPROVED
    transitions = list(application.audit_entries.exclude(transition="").values_list("transition", flat=True))
    assert transitions == ["submit", "accept_with_deferred", "start_review", "approve", "suspend", "resume"]
