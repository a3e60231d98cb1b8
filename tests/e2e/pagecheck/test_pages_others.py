"""Page checks (checks.py) for the culture-tourism official, the security company and the signed-out pages
(sign-in, the public permit verification)."""
import pytest

from . import checks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _signed_out_pages():
    from approvals.models import Permit

    permit = Permit.objects.exclude(verification_token="").order_by("pk").first()
    return ("/accounts/login/", "/verify/", f"/verify/{permit.verification_token}/")


def test_other_roles_and_signed_out_pages_fit_phones_and_pass_axe(live_server):
    checks.run(live_server, ("culture", "guard"), anonymous_paths=_signed_out_pages, expect_at_least=10)
