import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.smartcity.reportdata import build_dataset


@pytest.fixture
def dataset(programme):
    """The hand-computed programme of ``reportdata.build_dataset``, on the real register and programme records."""
    build_dataset()


@pytest.fixture
def fresh_throttles():
    """Throttle counts live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()
