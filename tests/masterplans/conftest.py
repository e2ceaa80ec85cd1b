import pytest
from django.utils import translation

from masterplans import services
from masterplans.models import MasterPlan
from mou.models import Cohort, MoU
from regencies.models import Regency
from smartcity import roles
from tests.factories import MoUFactory, RegencyMembershipFactory, UserFactory, complete_plan


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(client):
    """These tests read messages in English; tests of the Indonesian pages switch back on purpose."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def muara_enim(programme):
    """Kabupaten Muara Enim (16.03), with its real 2018 MoU."""
    return Regency.objects.get(code="16.03")


@pytest.fixture
def other_officer(programme):
    """An officer of Kota Makassar (73.71), a member with an MoU of its own."""
    makassar = Regency.objects.get(code="73.71")
    MoUFactory(regency=makassar, cohort=Cohort.objects.get(year=2017), signed_on="2017-05-22")
    user = UserFactory(username="makassar", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=user, regency=makassar)
    return user


@pytest.fixture
def draft(officer, muara_enim):
    """Muara Enim's first draft, 2019-2023, made by its officer."""
    plan = MasterPlan(
        regency=muara_enim, title="Masterplan Smart City Muara Enim 2019-2023", start_year=2019, end_year=2023
    )
    return services.create_draft(officer, plan)


@pytest.fixture
def complete_draft(draft):
    complete_plan(draft)
    return draft


@pytest.fixture
def approved(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    return services.approve(complete_draft.pk, reviewer, "Sesuai panduan.")


def muara_enim_mou():
    return MoU.objects.get(regency__code="16.03")
