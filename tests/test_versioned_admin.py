"""Administrators change the lists by copying a version and making the copy current; used versions stay frozen."""
from django.urls import reverse

from approvals.models import CatalogueVersion
from riskassess.models import RiskModelVersion
from tests import factories


def admin_client(client):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def run_action(client, model, action, version):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": [version.pk]})


def test_catalogue_copy_becomes_current_with_all_its_lists(client, db):
    client = admin_client(client)
    current = CatalogueVersion.objects.get(is_current=True)
    run_action(client, CatalogueVersion, "clone_as_new_version", current)
    copy = CatalogueVersion.objects.exclude(pk=current.pk).get()
    assert (copy.document_types.count(), copy.plan_sections.count(), copy.parties.count()) == (9, 11, 5)
    assert not copy.is_current
    run_action(client, CatalogueVersion, "make_current", copy)
    assert list(CatalogueVersion.objects.filter(is_current=True)) == [copy]


def test_catalogue_version_used_by_a_submitted_application_is_read_only(client, db):
    client = admin_client(client)
    version = CatalogueVersion.objects.get(is_current=True)
    url = reverse("admin:approvals_catalogueversion_change", args=[version.pk])
    assert 'name="_save"' in client.get(url).content.decode()
    factories.submitted_application()
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page


def test_risk_model_copy_and_make_current(client, db):
    client = admin_client(client)
    current = RiskModelVersion.objects.get(is_current=True)
    run_action(client, RiskModelVersion, "clone_as_new_version", current)
    copy = RiskModelVersion.objects.exclude(pk=current.pk).get()
    assert copy.factors.count() == current.factors.count() and copy.factors.count() > 0
    run_action(client, RiskModelVersion, "make_current", copy)
    assert list(RiskModelVersion.objects.filter(is_current=True)) == [copy]
