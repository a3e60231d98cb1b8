"""Security tests: one media directory for the session (the world's files outlive a test). Their figures (cases
tried, leaks found, requests sent) are reported by tests/conftest.py at the end of the session."""
import pytest


@pytest.fixture(scope="session")
def security_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(autouse=True)
def _media_root(settings, security_media_root):
    """Overrides tests/conftest.py's per-test media directory: the world's files live for the whole module."""
    settings.MEDIA_ROOT = security_media_root
