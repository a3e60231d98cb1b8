"""The plan rendered by a real Celery worker over Redis, from the approval signal to a PDF with the right text."""
import os
import time

import pytest

from approvals.models import PlanSection
from plans import services
from plans.models import PlanVersion

from .conftest import pdf_text
from .factories import STRUCK_REASON, STRUCK_SONG, approved_application

pytestmark = pytest.mark.worker
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _wait_until_ready(application, content_key, timeout=90) -> PlanVersion:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = PlanVersion.objects.filter(application=application, content_key=content_key).first()
        if version is not None and version.status in (PlanVersion.Status.READY, PlanVersion.Status.FAILED):
            return version
        time.sleep(0.3)
    pytest.fail(f"the worker did not render the plan within {timeout} s")


def _between(text: str, start: str, end: str) -> str:
    """The text from the last `start` (the body, not the table of contents) to the next `end`."""
    begin = text.rindex(start)
    return text[begin:text.index(end, begin + len(start))]


def test_worker_renders_the_approved_plan_with_sections_permit_and_struck_song(pdf_worker_over_redis):
    application, people = approved_application()  # the approval queues a render on the "pdf" queue
    entry = application.sections.get(section__code="emergency")
    entry.narrative = "夜间疏散演练已完成。"  # new content: a version the approval did not render
    entry.save()
    requested = services.plan_request(application=application, user=people["supervisor"])
    requested.refresh_from_db()
    assert requested.status in (PlanVersion.Status.QUEUED, PlanVersion.Status.RENDERING)  # not eager
    version = _wait_until_ready(application, requested.content_key)
    assert version.status == PlanVersion.Status.READY, version.error

    text = pdf_text(version.file.path)
    for section in PlanSection.objects.filter(version=application.catalogue):
        assert section.title_zh in text
    assert application.permit.number in text
    lineup = _between(text, "演出阵容与曲目", "二、组织指挥体系与五方责任")
    assert "晴天乐队" in lineup and "湖边的晚风" in lineup and STRUCK_SONG not in lineup
    conditions = _between(text, "附件三", "签署页")
    assert STRUCK_SONG in conditions and STRUCK_REASON in conditions
    assert PlanVersion.objects.filter(application=application, status=PlanVersion.Status.READY).count() == 1
