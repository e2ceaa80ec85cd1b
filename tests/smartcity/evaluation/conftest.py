import datetime

import pytest
from django.utils import translation

from smartcity import roles
from smartcity.evaluation import services
from smartcity.evaluation.models import Round, Weighting
from tests.factories import CohortFactory, MoUFactory, RegencyMembershipFactory, UserFactory

EDITION = "Indeks Pencapaian Gerakan Menuju 100 Smart City"


def weighting(version):
    """The loaded edition: version 1 is the 2018 guideline's weighting, version 2 the 2022 report's."""
    return Weighting.objects.get(title=EDITION, version=version)


@pytest.fixture
def english():
    """Read the services' messages in English; pages choose their language by the client's cookie."""
    with translation.override("en"):
        yield


@pytest.fixture
def members(db):
    """Two members of the 2018 cohort, each with an officer."""
    cohort = CohortFactory(year=2018)
    mous = [MoUFactory(cohort=cohort), MoUFactory(cohort=cohort)]
    for number, mou in enumerate(mous, 1):
        RegencyMembershipFactory(
            user=UserFactory(username=f"officer{number}", role=roles.REGENCY_OFFICER), regency=mou.regency
        )
    return mous


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", role=roles.MINISTRY_REVIEWER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="monev-admin", role=roles.MINISTRY_ADMIN)


def open_round(admin_user, year=2019, version=1, edition=None, **kwargs):
    """A round of ``year`` opened as an admin does, with the loaded weighting ``version`` or ``edition``."""
    fields = {"opens_on": datetime.date(year, 9, 1), "closes_on": datetime.date(year, 10, 31), **kwargs}
    return services.open_round(admin_user, Round(year=year, weighting=edition or weighting(version), **fields))


@pytest.fixture
def evaluation_round(members, admin_user):
    return open_round(admin_user)
