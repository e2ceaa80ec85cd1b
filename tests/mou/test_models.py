import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from mou.choices import MoUStatus
from mou.models import Cohort, Goal, MoU, SigningEvent
from mou.services import end_mou
from regencies.models import Regency
from tests.factories import CohortFactory, MoUFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_real_programme_records_are_loaded_with_their_sources(programme):
    assert list(Cohort.objects.values_list("year", "target")) == [(2017, 25), (2018, 50), (2019, 25)]
    event = SigningEvent.objects.get(date=datetime.date(2018, 5, 8))
    assert (event.venue, event.city, event.cohort.year) == ("Hotel Redtop Convention Center", "Jakarta Pusat", 2018)
    mou = MoU.objects.get(regency__code="16.03")
    assert (mou.cohort.year, mou.signed_on, mou.event) == (2018, datetime.date(2018, 5, 8), event)
    assert (mou.regency_signatory_name, mou.regency_signatory_title) == ("Ir. Muzakir Sai Sohar", "Bupati Muara Enim")
    assert not mou.is_demo
    assert "gerakan-menuju-100-smart-city-2018.txt" in mou.source
    assert all("gerakan-menuju-100-smart-city-2018.txt" in c.source for c in Cohort.objects.all())
    goal = Goal.objects.get()
    assert (goal.name, goal.target, goal.is_active) == ("Gerakan Menuju 100 Smart City", 100, True)


def test_loading_the_programme_twice_changes_nothing(programme):
    history = MoU.history.count()
    call_command("load_programme")
    assert MoU.objects.count() == 1
    assert MoU.history.count() == history
    assert Cohort.objects.count() == 3


def test_a_regency_holds_one_active_mou_in_the_database(programme):
    """The rule is a constraint: a save that skips every form check still fails."""
    muara_enim = Regency.objects.get(code="16.03")
    with pytest.raises(IntegrityError), transaction.atomic():
        MoU.objects.create(
            regency=muara_enim, cohort=Cohort.objects.get(year=2019), signed_on=datetime.date(2019, 5, 15)
        )


@pytest.mark.services
def test_the_active_mou_constraint_is_a_postgresql_partial_unique_index(programme):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'one_active_mou_per_regency'")
        (definition,) = cursor.fetchone()
    assert "UNIQUE" in definition and "WHERE" in definition and "'active'" in definition
    muara_enim = Regency.objects.get(code="16.03")
    with pytest.raises(IntegrityError), transaction.atomic():
        MoU.objects.create(
            regency=muara_enim, cohort=Cohort.objects.get(year=2019), signed_on=datetime.date(2019, 5, 15)
        )


def test_an_ended_mou_frees_the_regency_for_a_new_one(programme):
    old = MoU.objects.get(regency__code="16.03")
    end_mou(old.pk, status=MoUStatus.TERMINATED, ended_on=datetime.date(2019, 1, 1), reason="Test")
    new = MoU(regency=old.regency, cohort=Cohort.objects.get(year=2019), signed_on=datetime.date(2019, 5, 15))
    new.full_clean()
    new.save()
    assert MoU.objects.filter(regency=old.regency).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"signed_on": timezone.localdate() + datetime.timedelta(days=1)}, "signed_on", "future"),
        ({"signed_on": datetime.date(2017, 5, 22)}, "cohort", "does not match"),
        ({"valid_until": datetime.date(2018, 1, 1)}, "valid_until", "expire before"),
        ({"status": MoUStatus.EXPIRED}, "ended_on", "Give the date"),
        ({"status": MoUStatus.EXPIRED, "ended_on": datetime.date(2018, 1, 1)}, "ended_on", "before it is signed"),
        (
            {"status": MoUStatus.EXPIRED, "ended_on": timezone.localdate() + datetime.timedelta(days=2)},
            "ended_on",
            "future",
        ),
    ],
)
def test_the_rules_name_the_field(db, changes, field, message):
    mou = MoUFactory.build(regency=MoUFactory().regency, cohort=CohortFactory(year=2018))
    MoU.objects.filter(regency=mou.regency).delete()
    for name, value in changes.items():
        setattr(mou, name, value)
    with pytest.raises(ValidationError) as error:
        mou.full_clean(exclude=["document"])
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])


def test_a_second_active_mou_is_refused_by_the_rules_naming_the_regency(programme):
    muara_enim = Regency.objects.get(code="16.03")
    mou = MoU(regency=muara_enim, cohort=Cohort.objects.get(year=2019), signed_on=datetime.date(2019, 5, 15))
    with pytest.raises(ValidationError) as error:
        mou.full_clean()
    assert "Kabupaten Muara Enim" in error.value.message_dict["regency"][0]


def test_an_event_of_another_cohort_is_refused(programme):
    mou = MoU.objects.get(regency__code="16.03")
    mou.event = SigningEvent.objects.get(cohort__year=2017)
    with pytest.raises(ValidationError) as error:
        mou.full_clean()
    assert "event" in error.value.message_dict


def test_ending_an_mou_twice_is_refused(programme):
    mou = MoU.objects.get(regency__code="16.03")
    end_mou(mou.pk, status=MoUStatus.EXPIRED, ended_on=datetime.date(2023, 5, 8), reason="Five years passed")
    with pytest.raises(ValidationError):
        end_mou(mou.pk, status=MoUStatus.TERMINATED, ended_on=datetime.date(2024, 1, 1), reason="Again")
    mou.refresh_from_db()
    assert (mou.status, mou.ended_on) == (MoUStatus.EXPIRED, datetime.date(2023, 5, 8))
    assert mou.history.first().history_change_reason == "Five years passed"


def test_the_database_refuses_an_ended_mou_without_an_end_date(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoU.objects.filter(regency__code="16.03").update(status=MoUStatus.EXPIRED)
