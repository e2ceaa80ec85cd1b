import pytest

from regencies.models import Regency
from regencies.register import kemendagri_register, sync_register
from smartcity import roles
from tests.factories import RegencyMembershipFactory, UserFactory


@pytest.fixture
def register(db):
    """The real Kemendagri register (38 provinces, 514 regencies/cities), loaded as load_regions does."""
    sync_register(*kemendagri_register())


@pytest.fixture
def ministry_admin(db):
    return UserFactory(username="admin", role=roles.MINISTRY_ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", role=roles.MINISTRY_REVIEWER)


@pytest.fixture
def officer(register):
    """An officer of Kabupaten Muara Enim (16.03)."""
    user = UserFactory(username="officer", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=user, regency=Regency.objects.get(code="16.03"))
    return user


@pytest.fixture
def partner(db):
    return UserFactory(username="partner", role=roles.PARTNER)
