"""Deployment settings and account security: what a police network's security review checks first."""
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from config.celery import app as celery_app
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "SECRET_KEY": "x7$Kq!v2Lr9#Zp4@Wm8&Tn6^Yb3*Hc5(Jd1)Gf0-Es2+Ua7_Ow9",
           "ALLOWED_HOSTS": "anbao.police.example.cn", "DATABASE_URL": "sqlite:///:memory:"}
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set in-process by the browser tests, never in deployment
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_send_a_content_security_policy_without_inline_script(client, db):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_login_is_locked_after_repeated_failures(client, db):
    user = factories.OrganizerUserFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_login_works_before_the_limit(client, db):
    user = factories.OrganizerUserFactory()
    client.post(reverse("login"), {"username": user.username, "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.parametrize("weak", ["12345678901", "password123", "anbao"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_admin_is_only_for_staff(client, db):
    organizer = factories.OrganizerUserFactory()
    client.force_login(organizer)
    for path in ("/admin/", "/admin/approvals/application/", "/admin/accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), path
    client.logout()
    response = client.post("/admin/login/", {"username": organizer.username, "password": factories.PASSWORD})
    assert response.status_code == 200  # the form again, with "a staff account" error
    assert "_auth_user_id" not in client.session


def test_celery_settings_reach_the_celery_app():
    # A misspelled CELERY_* setting is silently ignored: check the names took effect.
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert celery_app.conf.broker_transport_options["visibility_timeout"] >= 3600
