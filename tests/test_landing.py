"""Each role lands where its work is, and the navigation offers what that role uses (issue 14)."""
import pytest

from accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


def _landing(client, user) -> str:
    client.force_login(user)
    return client.get("/")["Location"]


def test_each_role_lands_on_its_work(client):
    assert _landing(client, factories.OrganizerUserFactory()) == "/applications/"
    assert _landing(client, factories.ReviewerFactory()) == "/applications/inbox/"
    assert _landing(client, factories.CultureOfficialFactory()).startswith("/review/")
    company = factories.UserFactory(organisation=factories.SecurityCompanyFactory(), role=roles.SECURITY_COMPANY)
    assert _landing(client, company) == "/eventday/"
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    assert _landing(client, admin) == "/admin/"


def test_the_api_reference_is_in_the_administrators_menu_only(client):
    client.force_login(factories.OrganizerUserFactory())
    assert "/api/docs/" not in client.get("/applications/").content.decode()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True, role=roles.ADMINISTRATOR))
    assert "/api/docs/" in client.get("/notifications/").content.decode()
