"""The world fixtures, imported by the modules that use them (`from .fixtures import *`).

The world is built once per module, inside a transaction rolled back after the module's last test; each test
runs in a savepoint rolled back when it ends. These modules replace pytest-django's per-test TestCase
(`_django_db_helper`): that one closes the connection when a test ends, which would end the world transaction."""
import pytest
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture
def _django_db_helper(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def world_module(django_db_setup, django_db_blocker, security_media_root):
    from .world import build_world

    with override_settings(MEDIA_ROOT=security_media_root), django_db_blocker.unblock():
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture
def world(world_module):
    """The module's world; whatever a test writes is rolled back when it ends."""
    with transaction.atomic():
        yield world_module
        transaction.set_rollback(True)


__all__ = ["_django_db_helper", "world_module", "world"]
