"""Platform findings of the penetration test (issue 10, findings 11–14, 16, 17): settings and entry points, the
API documentation, caching of authenticated pages, login lockout behind the proxy, API tokens and throttling,
the demo loader and the container build."""
import os
import re
import shlex
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent
REFUSED = (401, 403)  # 403 when the session authenticator comes first, as in DRF
STRONG_KEY = "x7$Kq!v2Lr9#Zp4@Wm8&Tn6^Yb3*Hc5(Jd1)Gf0-Es2+Ua7_Ow9"


def bare_environment(**extra: str) -> dict:
    """The machine's environment without anything that selects or configures Django."""
    drop = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXY_COUNT"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["DATABASE_URL"] = "sqlite:///:memory:"
    env.update(extra)
    return env


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


# ---------------------------------------------------------------------------------------------- finding 13


@pytest.mark.parametrize("key", [None, ""], ids=["missing", "empty"])
def test_production_settings_refuse_to_start_without_a_secret_key(key):
    env = bare_environment(DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="anbao.example.cn")
    if key is not None:
        env["SECRET_KEY"] = key
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("entry_point,code", [
    ("wsgi", "import config.wsgi"),
    ("celery", "import config.celery, django; django.setup()"),
    ("manage", "import runpy, sys; sys.argv = ['manage.py', 'check']; runpy.run_path('manage.py', run_name='__main__')"),
])
def test_entry_points_default_to_production_settings_and_refuse_without_a_key(entry_point, code):
    refused = run_python(code, bare_environment())
    assert refused.returncode != 0, refused.stdout
    assert "SECRET_KEY" in refused.stderr
    configured = run_python(code + "\nfrom django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)",
                            bare_environment(SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="anbao.example.cn"))
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.split()[-2:] == ["config.settings.production", "False"]


def test_shared_base_settings_default_to_debug_off_and_no_key():
    result = run_python("import config.settings.base as s; print(s.DEBUG, repr(s.SECRET_KEY))",
                        bare_environment())
    assert result.stdout.split() == ["False", "''"], result.stderr


def test_local_development_settings_are_chosen_explicitly_and_work_without_configuration():
    result = run_python("import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
                        bare_environment(DJANGO_SETTINGS_MODULE="config.settings.local"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_scripts_select_a_working_settings_module():
    assert "DJANGO_SETTINGS_MODULE=config.settings.local" in (ROOT / "scripts" / "demo.sh").read_text()
    assert "DJANGO_SETTINGS_MODULE=config.settings.test" in (ROOT / "scripts" / "test.sh").read_text()
    for line in (ROOT / "Makefile").read_text().splitlines():
        if "celery -A config" in line:
            assert "config.settings.local" in line, line
    assert '"config.settings.local"' in (ROOT / "bench" / "common.py").read_text()


# ---------------------------------------------------------------------------------------------- finding 17


def test_the_image_build_runs_its_manage_commands_with_production_settings_that_load():
    dockerfile = (ROOT / "Dockerfile").read_text()
    env_line = next(line for line in dockerfile.splitlines() if line.startswith("ENV "))
    image_env = dict(item.split("=", 1) for item in shlex.split(env_line[4:]))
    assert image_env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    commands = re.findall(r"((?:[A-Z_]+=\S+ )*)python manage.py (collectstatic|compilemessages)", dockerfile)
    assert {name for _assignments, name in commands} == {"collectstatic", "compilemessages"}
    for assignments, name in commands:
        env = bare_environment(**image_env, **dict(a.split("=", 1) for a in assignments.split()))
        result = run_python("import django; django.setup()", env)
        assert result.returncode == 0, f"{name}: {result.stderr}"


def test_load_demo_refuses_outside_development(db, settings):
    settings.DEBUG = False
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="not-production"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()


# ---------------------------------------------------------------------------------------------- finding 11


def test_api_schema_and_docs_need_a_signed_in_user(client, organizer):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs.url.startswith(reverse("login"))
    assert client.get("/api/docs/?script=").status_code == 302
    client.force_login(organizer)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_redoc_which_loads_fonts_from_the_internet_is_not_served(client, organizer):
    client.force_login(organizer)
    assert client.get("/api/redoc/").status_code == 404


# ---------------------------------------------------------------------------------------------- finding 12


def test_authenticated_pages_and_document_downloads_are_not_stored_by_caches(client, organizer, draft):
    from approvals.applications import services

    version = services.document_upload(application=draft, user=organizer, document_type_code="event_plan",
                                       uploaded=factories.pdf_upload())
    client.force_login(organizer)
    page = client.get(reverse("approvals:detail", args=[draft.pk]))
    download = client.get(reverse("approvals:document_download", args=[draft.pk, version.pk]))
    assert page.status_code == 200 and download.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in download["Cache-Control"]


def test_api_answers_to_a_token_are_not_stored_by_caches(organizer, draft):
    from knox.models import AuthToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=organizer)[1]}")
    response = client.get("/api/applications/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# ---------------------------------------------------------------------------------------------- finding 14

PROXY = "172.18.0.5"


def sign_in_through_the_proxy(client, username, password, client_ip):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def test_failures_from_one_address_behind_the_proxy_do_not_lock_the_account_elsewhere(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # production: one TLS proxy in front
    user = factories.SupervisorFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in_through_the_proxy(client, user.username, "wrong-password", "198.51.100.7")
    assert sign_in_through_the_proxy(client, user.username, factories.PASSWORD, "198.51.100.7").status_code == 429
    elsewhere = sign_in_through_the_proxy(client, user.username, factories.PASSWORD, "198.51.100.8")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = factories.OrganizerUserFactory()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The client prepends a different address each time; the proxy appends the one it saw.
        sign_in_through_the_proxy(client, user.username, "wrong-password", f"10.9.9.{attempt}, 198.51.100.7")
    assert sign_in_through_the_proxy(client, user.username, factories.PASSWORD,
                                     "10.9.9.99, 198.51.100.7").status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = factories.OrganizerUserFactory()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in_through_the_proxy(client, user.username, "wrong-password", f"198.51.100.{attempt}")
    assert sign_in_through_the_proxy(client, user.username, factories.PASSWORD, "198.51.100.99").status_code == 429


def test_production_trusts_exactly_one_proxy_for_client_addresses():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], s.AXES_CLIENT_IP_CALLABLE)")
    result = run_python(code, bare_environment(DJANGO_SETTINGS_MODULE="config.settings.production",
                                               SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="anbao.example.cn"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1", "config.proxy.client_ip"]


def test_compose_publishes_only_the_tls_proxy_which_sets_the_forwarded_headers():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert all(str(port).split(":")[-1] in ("80", "443") for port in services["proxy"]["ports"])
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto https;" in config
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config  # replaced, never appended to
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


# ---------------------------------------------------------------------------------------------- finding 16


def sign_in(user, password=factories.PASSWORD):
    return APIClient().post("/api/auth/token/", {"username": user.username, "password": password})


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_token_sign_in_gives_a_token_with_an_expiry(organizer, draft):
    response = sign_in(organizer)
    assert response.status_code == 200, response.content
    assert response.data["expiry"]
    assert token_client(response.data["token"]).get("/api/applications/").data["count"] == 1


def test_wrong_password_gives_no_token(organizer):
    response = sign_in(organizer, "wrong-password")
    assert response.status_code == 400 and "token" not in response.data


def test_an_expired_token_is_refused(organizer):
    from knox.models import AuthToken

    instance, token = AuthToken.objects.create(user=organizer)
    client = token_client(token)
    assert client.get("/api/applications/").status_code == 200
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/applications/").status_code in REFUSED


def test_logout_revokes_this_token_only(organizer):
    first, second = sign_in(organizer).data["token"], sign_in(organizer).data["token"]
    assert token_client(first).post("/api/auth/logout/").status_code == 204
    assert token_client(first).get("/api/applications/").status_code in REFUSED
    assert token_client(second).get("/api/applications/").status_code == 200


def test_logout_all_revokes_every_token_of_the_user(organizer, other_organizer):
    first, second = sign_in(organizer).data["token"], sign_in(organizer).data["token"]
    others = sign_in(other_organizer).data["token"]
    assert token_client(first).post("/api/auth/logout-all/").status_code == 204
    assert token_client(first).get("/api/applications/").status_code in REFUSED
    assert token_client(second).get("/api/applications/").status_code in REFUSED
    assert token_client(others).get("/api/applications/").status_code == 200


def test_a_password_change_revokes_every_token_of_the_user(organizer, other_organizer):
    first, second = sign_in(organizer).data["token"], sign_in(organizer).data["token"]
    others = sign_in(other_organizer).data["token"]
    organizer.set_password("a-new-and-long-passphrase-2026")
    organizer.save()
    assert token_client(first).get("/api/applications/").status_code in REFUSED
    assert token_client(second).get("/api/applications/").status_code in REFUSED
    assert token_client(others).get("/api/applications/").status_code == 200


@pytest.fixture
def low_rates(monkeypatch):
    """DRF reads the rates once, at import: lower them in that table for this test (test settings raise them)."""
    cache.clear()
    for scope in ("anon", "user", "token"):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "3/minute")
    yield
    cache.clear()


def test_token_sign_in_is_throttled(organizer, low_rates):
    statuses = [sign_in(organizer, "wrong-password").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    assert sign_in(organizer).status_code == 429


def test_api_requests_of_a_user_are_throttled(organizer, low_rates):
    from knox.models import AuthToken

    client = token_client(AuthToken.objects.create(user=organizer)[1])
    assert [client.get("/api/applications/").status_code for _ in range(3)] == [200, 200, 200]
    assert client.get("/api/applications/").status_code == 429


def test_the_default_throttles_cover_anonymous_users_and_token_sign_in():
    from django.conf import settings

    from config.settings import base

    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "token"} <= set(rates)
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


def test_token_sign_in_is_locked_by_axes_after_repeated_failures(organizer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(organizer, "wrong-password")
    response = sign_in(organizer)  # the right password now
    assert response.status_code != 200 and b'"token"' not in response.content
