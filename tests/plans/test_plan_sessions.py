"""The plan lists every session (场次) with its start, end, expected and approved headcount — in the content
and in the printed PDF's text."""
import pytest

from plans.content import load_application, plan_content
from plans.rendering import html_to_pdf, plan_html
from tests import factories
from tests.support import builder

from .conftest import pdf_text
from .factories import PLAN_FILLING

pytestmark = pytest.mark.django_db

EVENINGS = factories.evenings  # 19:00–24:00 local, 40 days ahead


@pytest.fixture
def two_evenings(django_capture_on_commit_callbacks):
    """An application of two evenings (2,000 and 3,000 people), approved by the district."""
    sessions = EVENINGS(2, attendance=(2000, 3000))
    with django_capture_on_commit_callbacks(execute=False):
        application = builder.application(sessions=sessions).filled(**PLAN_FILLING).approved().build()
    return application, sessions


def test_content_lists_each_session_with_its_approved_headcount(two_evenings):
    application, sessions = two_evenings
    content = plan_content(load_application(application.pk))
    rows = content["event"]["sessions"]
    assert [(r["label"], r["expected_attendance"], r["approved_attendance"]) for r in rows] == [
        ("第1晚", "2,000", "2,000"), ("第2晚", "3,000", "3,000")]
    assert rows[1]["is_largest"] and not rows[0]["is_largest"]
    assert content["permit"]["approved_attendance"] == "3,000"


def test_a_draft_plan_marks_sessions_not_yet_approved(organizer):
    application = builder.application(organizer, sessions=EVENINGS(2)).build()
    rows = plan_content(load_application(application.pk))["event"]["sessions"]
    assert len(rows) == 2 and all(r["approved_attendance"] == "" for r in rows)
    assert "尚未许可" in plan_html(plan_content(load_application(application.pk)))


def test_the_pdf_prints_both_sessions(two_evenings, tmp_path):
    from django.utils import timezone

    application, sessions = two_evenings
    rendered = html_to_pdf(plan_html(plan_content(load_application(application.pk))))
    path = tmp_path / "plan.pdf"
    path.write_bytes(rendered.pdf)
    text = pdf_text(path)
    assert "场次" in text and "第1晚" in text and "第2晚" in text
    for session in sessions:
        assert timezone.localtime(session["start_at"]).strftime("%Y-%m-%d %H:%M") in text
        assert timezone.localtime(session["end_at"]).strftime("%Y-%m-%d %H:%M") in text
    assert "+08:05" not in text
