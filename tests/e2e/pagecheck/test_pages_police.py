"""Page checks (checks.py) for the police of the demo: district reviewers, the supervisor, the city bureau."""
import pytest

from . import checks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_police_pages_fit_phones_and_pass_axe_in_both_languages(live_server):
    checks.run(live_server, ("reviewer", "reviewer2", "supervisor", "city"), expect_at_least=30)
