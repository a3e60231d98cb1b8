"""Public verification of permits and refusals (issue 14): the token and the short code, what the page shows and
hides, the status after 熔断 / 撤销 / 注销, unknown tokens, the rate limit, the QR code on the documents."""
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from approvals.models import ApplicationState, Permit
from approvals.verification import codes
from approvals.verification.services import VerificationStatus, permit_status, verification_url
from approvals.workflow.states import STATES
from tests.support import builder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the rate limit counts in the cache: each test starts with a full budget
    yield
    cache.clear()


@pytest.fixture
def approved(no_fuse_flags):
    return builder.application().filled().submitted().approved()


@pytest.fixture
def no_fuse_flags(monkeypatch):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def _page(client, permit_or_refusal):
    return client.get(reverse("verification:decision", args=[permit_or_refusal.verification_token]))


def _status(response) -> str:
    match = re.search(r'data-testid="verification-status">.*?<strong>(.*?)</strong>', response.content.decode(),
                      re.S)
    return match.group(1) if match else ""


# ------------------------------------------------------------------------------------------ the references


def test_codes_are_long_random_and_unambiguous():
    tokens = {codes.new_verification_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)
    short = {codes.new_verification_code() for _ in range(200)}
    assert len(short) == 200
    assert all(len(c) == 8 and set(c) <= set(codes.CODE_ALPHABET) for c in short)
    assert not set("01IO") & set(codes.CODE_ALPHABET)
    assert codes.grouped("K7QM3XPA") == "K7QM-3XPA"
    assert codes.normalise_code(" k7qm-3xpa ") == codes.normalise_code("K7QM3XPA") == "K7QM3XPA"
    assert codes.normalise_code("K7QM-3XP0") is None and codes.normalise_code("K7QM") is None


def test_each_permit_gets_its_own_token_and_code(approved):
    other = builder.application().filled().submitted().approved()
    first, second = approved.build().permit, other.build().permit
    assert first.verification_token != second.verification_token
    assert first.verification_code != second.verification_code
    assert len(first.verification_token) >= 32 and len(first.verification_code) == 8
    assert verification_url(first).endswith(f"/verify/{first.verification_token}/")
    assert verification_url(first).startswith("http")


# ------------------------------------------------------------------------------------------ the page


def test_anyone_reads_exactly_the_public_facts_of_a_valid_permit(client, approved, django_assert_num_queries):
    application = approved.build()
    permit = application.permit
    with django_assert_num_queries(2):  # the permit with its event and authority; the sessions
        response = _page(client, permit)
    assert response.status_code == 200
    text = response.content.decode()
    assert _status(response) == "有效"
    for shown in (permit.number, application.event.name, permit.authority.name):
        assert shown in text
    for hidden in (application.reference, application.organisation.name, application.event.venue.address,
                   str(permit.issued_by), *permit.conditions, permit.verification_code):
        assert hidden not in text, hidden
    assert 'name="robots" content="noindex' in text
    assert response["Cache-Control"] == "no-store"
    sessions = re.search(r'data-testid="verification-sessions">(.*?)</ul>', text, re.S).group(1)
    assert sessions.count("<li>") == 1 and "许可人数" in sessions


def test_the_status_follows_suspension_resumption_revocation_and_cancellation(client, approved):
    permit = approved.build().permit
    approved.suspended()
    assert _status(_page(client, permit)) == "已熔断（暂停）"
    from approvals import workflow

    workflow.application_resume(application=approved.build(), actor=approved.person("reviewer"),
                                changes_made="已限流")
    assert _status(_page(client, permit)) == "有效"
    approved.revoked()
    assert _status(_page(client, permit)) == "已撤销"

    cancelled = builder.application().filled().submitted().cancelled()
    assert _status(_page(client, cancelled.build().permit)) == "已注销（活动取消）"


def test_every_state_maps_to_a_status_and_only_permits_in_force_are_valid():
    for state in STATES:
        status = permit_status(state)
        assert status in VerificationStatus
        assert (status == VerificationStatus.VALID) == (state in (ApplicationState.APPROVED,
                                                                  ApplicationState.PROVISIONALLY_APPROVED))
    assert permit_status(ApplicationState.COMPLETED) == VerificationStatus.COMPLETED
    assert permit_status(ApplicationState.APPROVED, revoked=True) == VerificationStatus.REVOKED


def test_a_refusal_verifies_as_refused(client, no_fuse_flags):
    refused = builder.application().filled().submitted().rejected(reason="场地不符合要求")
    application = refused.build()
    refusal = application.refusal
    response = _page(client, refusal)
    text = response.content.decode()
    assert response.status_code == 200 and _status(response) == "不予许可"
    assert refusal.number in text and application.event.name in text and refusal.authority.name in text
    assert "场地不符合要求" not in text and application.reference not in text
    assert 'data-testid="verification-sessions"' not in text


def test_an_unknown_token_cannot_be_verified(client):
    response = client.get(reverse("verification:decision", args=["no-such-token-0123456789abcdefghij"]))
    assert response.status_code == 404
    assert "无法核验" in response.content.decode()


def test_the_short_code_finds_the_document_in_any_case_with_or_without_dash(client, approved):
    permit = approved.build().permit
    lookup = reverse("verification:lookup")
    typed = codes.grouped(permit.verification_code).lower()
    for text in (typed, typed.replace("-", ""), f" {typed.upper()} "):
        response = client.get(lookup, {"code": text})
        assert response.status_code == 302 and response["Location"] == reverse(
            "verification:decision", args=[permit.verification_token])
    wrong = client.get(lookup, {"code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == 404 and 'data-testid="verification-error"' in wrong.content.decode()
    assert client.get(lookup).status_code == 200
    assert client.post(lookup, {"code": typed}).status_code == 405


def test_too_many_verifications_from_one_address_are_refused_with_429(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "verification": "3/minute"}}
    url = reverse("verification:decision", args=["no-such-token"])
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]
    response = client.get(url)
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode() and int(response["Retry-After"]) > 0
    assert client.get(reverse("verification:lookup"), {"code": "ZZZZ-ZZZZ"}).status_code == 429


# ------------------------------------------------------------------------------------------ on the documents


def test_the_permit_and_refusal_pages_carry_the_qr_code_code_and_seal_block(client, approved, no_fuse_flags):
    application = approved.build()
    permit = Permit.objects.get(application=application)
    client.force_login(approved.person("decider"))
    text = client.get(reverse("review:permit", args=[application.pk])).content.decode()
    assert '<svg viewBox="' in text and 'class="verification-qr"' in text
    assert codes.grouped(permit.verification_code) in text
    assert "（印章）" in text and "日期" in text

    refused = builder.application().filled().submitted().rejected()
    client.force_login(refused.person("decider"))
    refusal_page = client.get(reverse("review:refusal", args=[refused.build().pk])).content.decode()
    assert 'class="verification-qr"' in refusal_page
    assert codes.grouped(refused.build().refusal.verification_code) in refusal_page
