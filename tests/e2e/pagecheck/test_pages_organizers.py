"""Page checks (checks.py) for the organizers of the demo: every kind of their pages, and the API docs."""
import pytest

from . import checks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_organizer_pages_fit_phones_and_pass_axe_in_both_languages(live_server):
    checks.run(live_server, ("organizer", "marathon", "lantern"), extra_paths=("/api/docs/",), expect_at_least=25)
