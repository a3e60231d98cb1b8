"""Plan tests: rendering happens in-process (eager) unless a test asks for the real worker."""
import pytest

from .factories import approved_application


@pytest.fixture
def approved(db, django_capture_on_commit_callbacks):
    """(application, people): approved through the real workflow, its plan not rendered yet."""
    from plans.models import PlanVersion

    application, people = approved_application()
    PlanVersion.objects.filter(application=application).delete()  # rendered eagerly by the approval signal
    return application, people
