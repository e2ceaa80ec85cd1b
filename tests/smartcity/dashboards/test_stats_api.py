"""``/api/v1/stats/``: the goal figures on any day, real and demo apart."""

import datetime

import pytest
from django.utils import timezone

from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent
from mou.models import Cohort, MoU
from regencies import data_version
from regencies.models import Regency
from smartcity.accounts.choices import TokenScope
from tests.api import (
    PERSONAS,
    assert_conditional_get,
    assert_json_error,
    assert_writes_refused,
    client_for,
    issue_token,
)
from tests.factories import MasterPlanFactory, mous_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

STATS = "/api/v1/stats/"
QUERIES_PER_STATS = 6  # members, goals, cohorts, provinces, latest signings, plans by status


def by_key(rows, key):
    return {row[key]: row for row in rows}


def test_stats_count_real_and_demo_members_apart(api, demo):
    response = api.get(STATS)
    assert response.status_code == 200
    stats = response.json()
    assert stats["as_of"] == timezone.localdate().isoformat()
    assert stats["members"] == {"real": 1, "demo": 99, "total": 100}
    cohorts = by_key(stats["cohorts"], "year")
    assert {year: (row["target"], row["real"], row["demo"]) for year, row in cohorts.items()} == {
        2017: (25, 0, 25),
        2018: (50, 1, 49),
        2019: (25, 0, 25),
    }
    [goal] = stats["goals"]
    assert (goal["name"], goal["target"], goal["real"], goal["demo"], goal["remaining"]) == (
        "Gerakan Menuju 100 Smart City",
        100,
        1,
        99,
        0,
    )
    provinces = by_key(stats["provinces"], "code")
    assert len(provinces) == 38
    assert provinces["16"]["name"] == "Sumatera Selatan" and provinces["16"]["real"] == 1
    assert sum(row["real"] + row["demo"] for row in provinces.values()) == 100


def test_stats_plans_by_status_match_the_plans(api, demo):
    plans = by_key(api.get(STATS).json()["plans"], "status")
    assert list(plans) == PlanStatus.values
    for status in PlanStatus.values:
        expected = MasterPlan.objects.filter(status=status)
        assert plans[status]["real"] == expected.filter(is_demo=False).count()
        assert plans[status]["demo"] == expected.filter(is_demo=True).count()
    assert sum(row["demo"] for row in plans.values()) == MasterPlan.objects.filter(is_demo=True).count() > 0


def test_stats_on_a_past_day(api, demo):
    stats = api.get(STATS, {"as_of": "2017-12-31"}).json()
    assert stats["as_of"] == "2017-12-31"
    assert stats["members"] == {"real": 0, "demo": 25, "total": 25}
    assert [row["year"] for row in stats["cohorts"]] == [2017]
    stats = api.get(STATS, {"as_of": "2018-05-08"}).json()
    cohort = by_key(stats["cohorts"], "year")[2018]
    assert (cohort["label"], cohort["target"], cohort["real"], cohort["demo"]) == ("Angkatan 2018", 50, 1, 49)


def test_stats_count_each_plan_in_the_status_it_had_on_the_day(api, programme):
    mou = MoU.objects.get(regency__code="16.03")
    plan = MasterPlanFactory(mou=mou, status=PlanStatus.SUBMITTED)
    jakarta = timezone.get_current_timezone()
    MasterPlan.objects.filter(pk=plan.pk).update(created_at=datetime.datetime(2019, 6, 1, 9, tzinfo=jakarta))
    for action, status, day in [
        (PlanAction.CREATED, PlanStatus.DRAFT, datetime.datetime(2019, 6, 1, 9, tzinfo=jakarta)),
        (PlanAction.SUBMITTED, PlanStatus.SUBMITTED, datetime.datetime(2019, 7, 1, 23, 30, tzinfo=jakarta)),
    ]:
        PlanEvent.objects.create(plan=plan, action=action, to_status=status, created_at=day)

    def counts(as_of):
        return {row["status"]: row["real"] for row in api.get(STATS, {"as_of": as_of}).json()["plans"] if row["real"]}

    assert counts("2019-05-31") == {}
    assert counts("2019-06-30") == {PlanStatus.DRAFT: 1}
    assert counts("2019-07-01") == {PlanStatus.SUBMITTED: 1}  # late in the evening, Jakarta time
    assert counts(timezone.localdate().isoformat()) == {PlanStatus.SUBMITTED: 1}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"as_of": "08-05-2018"}, "as_of"),
        ({"as_of": "20180508"}, "as_of"),
        ({"as_of": "2018-02-30"}, "as_of"),
        ({"as_of": "2016-12-31"}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"asof": "2018-05-08"}, "asof"),
        ({"data": "real"}, "data"),
    ],
)
def test_stats_refuse_bad_parameters_with_400_naming_them(api, programme, params, field):
    body = assert_json_error(api.get(STATS, params), 400)
    assert list(body["fields"]) == [field]


def test_stats_query_count_does_not_grow_with_data(api, programme, django_assert_num_queries):
    with django_assert_num_queries(QUERIES_PER_STATS):
        assert api.get(STATS).status_code == 200

    cohort = Cohort.objects.get(year=2019)
    members = mous_for(Regency.objects.exclude(code="16.03")[:100], cohort, is_demo=True)
    for mou in members[:20]:
        MasterPlanFactory(mou=mou, is_demo=True)
    data_version.bump()  # as the commit of these changes would: the cached answer is old
    with django_assert_num_queries(QUERIES_PER_STATS):
        stats = api.get(STATS).json()
    assert stats["members"] == {"real": 1, "demo": 100, "total": 101}
    assert by_key(stats["plans"], "status")[PlanStatus.DRAFT]["demo"] == 20


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_the_stats_and_nobody_writes_them(programme, persona, request):
    client = client_for(persona, request)
    assert client.get(STATS).json()["members"] == {"real": 1, "demo": 0, "total": 1}
    assert_writes_refused(client, persona, STATS, STATS)


def test_stats_answer_conditional_gets_and_refuse_writes(api, programme, partner):
    assert_conditional_get(api, STATS)
    assert_json_error(api.post(STATS, {}, format="json"), 401)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(partner, TokenScope.READ_WRITE)}")
    assert api.get(STATS).status_code == 200
    assert_json_error(api.post(STATS, {}, format="json"), 405, "method_not_allowed")
