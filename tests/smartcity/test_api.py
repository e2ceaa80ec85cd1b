"""The API's programme-wide layer: bearer tokens (issued in the admin, stored hashed), throttling, the docs pages,
and ``/api/v1/stats/``."""

import datetime
import hashlib
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent
from mou.models import Cohort, MoU
from regencies import data_version
from regencies.models import Regency
from smartcity.models import ApiToken, TokenScope
from tests.api import (
    PERSONAS,
    assert_conditional_get,
    assert_json_error,
    assert_writes_refused,
    client_for,
    issue_token,
)
from tests.factories import MasterPlanFactory, mous_for

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"
QUERIES_PER_STATS = 6  # members, goals, cohorts, provinces, latest signings, plans by status


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counts live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


# Tokens ----------------------------------------------------------------------------------------------------------


def test_admin_issues_a_token_that_is_shown_once_and_stored_only_as_a_hash(client, ministry_admin, partner):
    client.force_login(ministry_admin)
    assert client.get("/admin/smartcity/apitoken/add/").status_code == 200
    expires = timezone.localdate() + datetime.timedelta(days=90)
    response = client.post(
        "/admin/smartcity/apitoken/add/",
        {
            "user": partner.pk,
            "name": "Dasbor BAPPENAS",
            "organisation": "BAPPENAS",
            "scope": TokenScope.READ,
            "expires_at_0": expires.isoformat(),
            "expires_at_1": "00:00:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    raw = re.search(r"sc100_[A-Za-z0-9_-]+", response.content.decode()).group(0)

    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.created_by) == (partner, TokenScope.READ, ministry_admin)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.removeprefix("sc100_").startswith(token.prefix) and len(token.prefix) == 8
    secret = raw.removeprefix("sc100_")
    for value in ApiToken.objects.values().get().values():
        assert secret not in str(value)

    change_page = client.get(f"/admin/smartcity/apitoken/{token.pk}/change/").content.decode()
    assert secret not in change_page
    assert secret not in client.get("/admin/smartcity/apitoken/").content.decode()


def test_a_bearer_token_authenticates_its_user_and_records_last_use(api, partner, register):
    raw = issue_token(partner)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/provinces/16/")
    assert response.status_code == 200
    assert response.wsgi_request.user == partner
    token = ApiToken.objects.get()
    assert timezone.now() - token.last_used_at < datetime.timedelta(seconds=10)


def test_last_use_is_written_at_most_once_a_minute(api, partner, register, django_assert_num_queries):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(partner)}")
    api.get("/api/v1/provinces/16/")
    with django_assert_num_queries(2):  # the token with its user, the province: no UPDATE of last_used_at
        assert api.get("/api/v1/provinces/16/").status_code == 200


@pytest.mark.parametrize(
    "header, token_fields, code",
    [
        ("Bearer {raw}", {"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "authentication_failed"),
        ("Bearer {raw}", {"revoked_at": timezone.now()}, "authentication_failed"),
        ("Bearer sc100_not-a-token-anyone-was-given", {}, "authentication_failed"),
        ("Bearer", {}, "authentication_failed"),
        ("Bearer {raw} extra", {}, "authentication_failed"),
    ],
    ids=["expired", "revoked", "unknown", "missing", "two-words"],
)
def test_bad_tokens_get_401_json(api, partner, register, header, token_fields, code):
    raw = issue_token(partner, **token_fields)
    api.credentials(HTTP_AUTHORIZATION=header.format(raw=raw))
    response = api.get("/api/v1/provinces/")
    assert_json_error(response, 401, code)
    assert response["WWW-Authenticate"] == "Bearer"
    assert ApiToken.objects.get().last_used_at is None


def test_a_token_of_a_disabled_account_gets_401(api, partner, register):
    raw = issue_token(partner)
    partner.is_active = False
    partner.save()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert_json_error(api.get("/api/v1/provinces/"), 401, "authentication_failed")


def test_a_read_only_token_cannot_write_and_a_read_write_token_can_try(api, officer):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(officer, TokenScope.READ)}")
    assert_json_error(api.post("/api/v1/regencies/", {}, format="json"), 403, "permission_denied")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(officer, TokenScope.READ_WRITE)}")
    assert_json_error(api.post("/api/v1/regencies/", {}, format="json"), 405, "method_not_allowed")


def test_done_when_a_partner_token_from_the_admin_finds_muara_enim_and_its_2018_mou(
    client, api, ministry_admin, partner, programme
):
    client.force_login(ministry_admin)
    response = client.post(
        "/admin/smartcity/apitoken/add/",
        {
            "user": partner.pk,
            "name": "Universitas",
            "organisation": "Universitas Sriwijaya",
            "scope": TokenScope.READ,
            "expires_at_0": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "expires_at_1": "12:00:00",
        },
        follow=True,
    )
    raw = re.search(r"sc100_[A-Za-z0-9_-]+", response.content.decode()).group(0)

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/regencies/", {"province": "16"})
    assert response.status_code == 200
    muara_enim = next(row for row in response.json()["results"] if row["code"] == "16.03")
    assert muara_enim["name"] == "Kabupaten Muara Enim"
    assert muara_enim["province"] == {"code": "16", "name": "Sumatera Selatan"}
    assert [(mou["cohort"], mou["signed_on"], mou["is_demo"]) for mou in muara_enim["mous"]] == [
        (2018, "2018-05-08", False)
    ]


# Throttling ------------------------------------------------------------------------------------------------------


@pytest.fixture
def two_a_minute(monkeypatch):
    # DRF reads the rates into the throttle classes when they are imported, so the class attribute is patched.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anonymous": "2/minute", "token": "2/minute"})


def test_anonymous_callers_are_throttled_with_retry_after(api, register, two_a_minute):
    assert [api.get("/api/v1/provinces/").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/provinces/")
    assert_json_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_token_has_its_own_allowance(api, partner, register, two_a_minute):
    first, second = issue_token(partner), issue_token(partner)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert [api.get("/api/v1/provinces/").status_code for _ in range(3)] == [200, 200, 429]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert api.get("/api/v1/provinces/").status_code == 200


# The documentation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/docs/",
        "/api/v1/docs/redoc/",
    ],
)
def test_the_docs_pages_load_nothing_from_other_sites(client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in content
    assert not re.search(r"""(src|href)=["']https?://""", content)


# Stats -----------------------------------------------------------------------------------------------------------


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
