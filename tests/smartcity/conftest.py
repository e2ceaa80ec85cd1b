import pytest

from tests.smartcity.reportdata import build_dataset


@pytest.fixture
def dataset(programme):
    """The hand-computed programme of ``reportdata.build_dataset``, on the real register and programme records."""
    build_dataset()
