"""Membership through the API: cohorts, signing events, goals and MoUs under ``/api/v1/``."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from mou.choices import MoUStatus
from mou.models import Cohort, Goal, MoU, SigningEvent
from regencies import data_version
from regencies.models import Regency
from tests.api import (
    PERSONAS,
    assert_conditional_get,
    assert_json_error,
    assert_writes_refused,
    client_for,
    csv_rows,
)
from tests.factories import MoUFactory, mous_for

pytestmark = pytest.mark.django_db

COHORTS, EVENTS, GOALS, MOUS = "/api/v1/cohorts/", "/api/v1/signing-events/", "/api/v1/goals/", "/api/v1/mous/"
QUERIES_PER_MOU_PAGE = 2  # count, MoUs with regency, province, cohort and event


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def mous(programme):
    """Muara Enim's real 2018 MoU, a demo 2019 MoU of Kota Palembang, and a terminated 2017 MoU of Kota Makassar
    that was last changed long ago."""
    MoUFactory(
        regency=Regency.objects.get(code="16.71"),
        cohort=Cohort.objects.get(year=2019),
        signed_on=datetime.date(2019, 5, 15),
        ministry_number="=HYPERLINK(1)",
        is_demo=True,
    )
    makassar = MoUFactory(
        regency=Regency.objects.get(code="73.71"),
        cohort=Cohort.objects.get(year=2017),
        signed_on=datetime.date(2017, 5, 22),
        status=MoUStatus.TERMINATED,
        ended_on=datetime.date(2019, 1, 1),
    )
    MoU.objects.filter(pk=makassar.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))


def regency_codes(response):
    assert response.status_code == 200, response.content
    return [row["regency"]["code"] for row in response.json()["results"]]


# Cohorts, events, goals ------------------------------------------------------------------------------------------


def test_cohorts_list_and_detail_by_year(api, programme):
    body = api.get(COHORTS).json()
    assert [(row["year"], row["target"]) for row in body["results"]] == [(2017, 25), (2018, 50), (2019, 25)]
    cohort = api.get(f"{COHORTS}2018/").json()
    assert (cohort["label"], cohort["target"]) == ("Angkatan 2018", 50)
    assert "50 more signed in 2018" in cohort["source"]
    assert_json_error(api.get(f"{COHORTS}2030/"), 404, "not_found")
    assert [row["year"] for row in api.get(COHORTS, {"ordering": "-year"}).json()["results"]] == [2019, 2018, 2017]


@pytest.mark.parametrize(
    "url, params, field",
    [
        (COHORTS, {"year": "2018"}, "year"),
        (COHORTS, {"ordering": "target"}, "ordering"),
        (EVENTS, {"cohort": "2030"}, "cohort"),
        (EVENTS, {"date_from": "8 Mei 2018"}, "date_from"),
        (EVENTS, {"ordering": "title"}, "ordering"),
        (GOALS, {"is_active": "true"}, "is_active"),
        (GOALS, {"ordering": "name"}, "ordering"),
    ],
)
def test_short_lists_refuse_bad_parameters_naming_them(api, programme, url, params, field):
    body = assert_json_error(api.get(url, params), 400)
    assert list(body["fields"]) == [field]


def test_signing_events_filter_by_cohort_and_dates(api, programme):
    assert [row["date"] for row in api.get(EVENTS).json()["results"]] == ["2017-05-22", "2018-05-08", "2019-05-15"]
    [event] = api.get(EVENTS, {"cohort": "2018"}).json()["results"]
    assert (event["cohort"], event["venue"], event["city"]) == (2018, "Hotel Redtop Convention Center", "Jakarta Pusat")
    in_range = api.get(EVENTS, {"date_from": "2018-01-01", "date_to": "2019-05-15"}).json()["results"]
    assert [row["date"] for row in in_range] == ["2018-05-08", "2019-05-15"]
    detail = api.get(f"{EVENTS}{event['id']}/").json()
    assert detail == event
    assert_json_error(api.get(f"{EVENTS}999999/"), 404, "not_found")


def test_goals_list_and_detail(api, programme):
    [goal] = api.get(GOALS).json()["results"]
    assert (goal["name"], goal["target"], goal["deadline_year"], goal["is_active"]) == (
        "Gerakan Menuju 100 Smart City",
        100,
        2019,
        True,
    )
    assert api.get(f"{GOALS}{goal['id']}/").json() == goal
    Goal.objects.create(name="Gerakan Menuju 241 Smart City", target=241)
    assert [row["target"] for row in api.get(GOALS, {"ordering": "-target"}).json()["results"]] == [241, 100]


@pytest.mark.parametrize(
    "url, status",
    [
        (f"{MOUS}99999999999999999999/", 404),
        (f"{GOALS}99999999999999999999/", 404),
        (f"{COHORTS}99999999999999999999/", 404),
        (f"{EVENTS}?cohort=99999999999999999999", 400),
        (f"{MOUS}?cohort=99999999999999999999", 400),
        (f"{MOUS}?page=99999999999999999999", 404),
    ],
)
def test_numbers_out_of_the_databases_range_are_client_errors(api, programme, url, status):
    assert_json_error(api.get(url), status)


# MoUs ------------------------------------------------------------------------------------------------------------


def test_mous_list_newest_first_and_detail_without_the_scan(api, mous):
    assert regency_codes(api.get(MOUS)) == ["16.71", "16.03", "73.71"]
    mou = MoU.objects.get(regency__code="16.03")
    body = api.get(f"{MOUS}{mou.pk}/").json()
    assert body["regency"] == {"code": "16.03", "name": "Kabupaten Muara Enim", "kind": "kabupaten"}
    assert body["province"] == {"code": "16", "name": "Sumatera Selatan"}
    assert (body["cohort"], body["signed_on"], body["status"], body["is_demo"]) == (2018, "2018-05-08", "active", False)
    assert body["event"]["date"] == "2018-05-08"
    assert body["regency_signatory_name"] == "Ir. Muzakir Sai Sohar"
    assert "document" not in body
    assert_json_error(api.get(f"{MOUS}999999/"), 404, "not_found")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"province": "16"}, ["16.71", "16.03"]),
        ({"province": "73"}, ["73.71"]),
        ({"cohort": "2018"}, ["16.03"]),
        ({"status": "terminated"}, ["73.71"]),
        ({"status": "active"}, ["16.71", "16.03"]),
        ({"regency": "16.03"}, ["16.03"]),
        ({"q": "muara"}, ["16.03"]),
        ({"q": "Muzakir"}, ["16.03"]),
        ({"signed_from": "2018-01-01"}, ["16.71", "16.03"]),
        ({"signed_to": "2018-05-08"}, ["16.03", "73.71"]),
        ({"signed_from": "2018-05-08", "signed_to": "2018-05-08"}, ["16.03"]),
        ({"demo": "real"}, ["16.03", "73.71"]),
        ({"demo": "demo"}, ["16.71"]),
        ({"updated_since": "2024-01-01T00:00:00Z"}, ["16.71", "16.03"]),
        ({"updated_since": "2019-12-31T00:00:00+07:00"}, ["16.71", "16.03", "73.71"]),
        ({"updated_since": "2019-12-31T23:00:00-18:59"}, ["16.71", "16.03"]),  # past PostgreSQL's offsets
        ({"updated_since": "0001-01-01T00:00:00+05:00"}, ["16.71", "16.03", "73.71"]),  # before year 1 in UTC
        ({"updated_since": "9999-12-31T23:00:00-05:00"}, []),  # after 9999 in UTC
    ],
)
def test_mous_filter(api, mous, params, expected):
    assert regency_codes(api.get(MOUS, params)) == expected


@pytest.mark.parametrize(
    "params, field",
    [
        ({"province": "1"}, "province"),
        ({"cohort": "2030"}, "cohort"),
        ({"cohort": "dua ribu"}, "cohort"),
        ({"status": "signed"}, "status"),
        ({"signed_from": "2018-13-01"}, "signed_from"),
        ({"signed_from": "2019-01-01", "signed_to": "2018-01-01"}, "signed_to"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"demo": "yes"}, "demo"),
        ({"ordering": "regency"}, "ordering"),
        ({"regency_code": "16.03"}, "regency_code"),
    ],
)
def test_mous_refuse_bad_parameters_naming_them(api, mous, params, field):
    body = assert_json_error(api.get(MOUS, params), 400)
    assert list(body["fields"]) == [field]


def test_mous_order_by_signing_date_change_or_id(api, mous):
    assert regency_codes(api.get(MOUS, {"ordering": "signed_on"})) == ["73.71", "16.03", "16.71"]
    assert regency_codes(api.get(MOUS, {"ordering": "-updated_at,id"}))[-1] == "73.71"
    ids = [row["id"] for row in api.get(MOUS, {"ordering": "-id"}).json()["results"]]
    assert ids == sorted(ids, reverse=True)


def test_mous_are_paginated_with_a_cap_of_100(api, programme):
    mous_for(Regency.objects.exclude(code="16.03").order_by("code")[:120], Cohort.objects.get(year=2019))
    body = api.get(MOUS, {"page_size": 5}).json()
    assert body["count"] == 121 and len(body["results"]) == 5 and "page=2" in body["next"]
    assert len(api.get(MOUS, {"page_size": 500}).json()["results"]) == 100
    assert len(api.get(MOUS, {"page_size": 100, "page": 2}).json()["results"]) == 21
    assert_json_error(api.get(MOUS, {"page": 3, "page_size": 100}), 404, "not_found")


def test_mous_answer_conditional_gets(api, mous):
    assert_conditional_get(api, MOUS)
    assert_conditional_get(api, f"{MOUS}{MoU.objects.get(regency__code='16.03').pk}/")
    assert_conditional_get(api, f"{COHORTS}2018/")
    assert_conditional_get(api, EVENTS)
    assert_conditional_get(api, GOALS)


def test_a_changed_mou_gets_a_new_etag(api, mous):
    etag = api.get(MOUS)["ETag"]
    MoU.objects.filter(regency__code="16.03").update(note="Nomor dokumen menyusul.", updated_at=timezone.now())
    data_version.bump()  # as every bulk writer does: the test's transaction never commits to move it
    response = api.get(MOUS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_mous_as_csv_with_a_header_row_and_defused_formulas(api, mous):
    rows = csv_rows(api.get(MOUS, {"format": "csv"}))
    header = rows[0].split(",")
    assert {"id", "regency.code", "province.code", "cohort", "signed_on", "status", "is_demo"} <= set(header)
    assert len(rows) == 4
    palembang = next(row for row in rows[1:] if "16.71" in row)
    assert "'=HYPERLINK(1)" in palembang


def test_an_empty_csv_page_still_has_its_header_row(api, programme):
    rows = csv_rows(api.get(MOUS, {"format": "csv", "cohort": "2017"}))
    assert len(rows) == 1
    assert {"id", "regency.code", "province.code", "cohort", "event.date", "signed_on"} <= set(rows[0].split(","))


@pytest.mark.parametrize("url", [COHORTS, EVENTS, GOALS])
def test_short_lists_as_csv(api, programme, url):
    rows = csv_rows(api.get(url, {"format": "csv"}))
    assert len(rows) == 1 + {COHORTS: 3, EVENTS: 3, GOALS: 1}[url]


@pytest.mark.parametrize("url", [MOUS, COHORTS, EVENTS, GOALS])
def test_errors_stay_json_when_csv_is_asked_for(api, programme, url):
    body = assert_json_error(api.get(url, {"format": "csv", "bogus": "1"}), 400, "unknown_parameter")
    assert list(body["fields"]) == ["bogus"]


def test_mous_list_query_count_does_not_grow_with_the_page(api, programme, django_assert_num_queries):
    cohort, event = Cohort.objects.get(year=2019), SigningEvent.objects.get(date="2019-05-15")
    mous_for(Regency.objects.exclude(code="16.03").order_by("code")[:150], cohort, event=event, is_demo=True)
    for page_size in (5, 100):
        with django_assert_num_queries(QUERIES_PER_MOU_PAGE):
            body = api.get(MOUS, {"page_size": page_size}).json()
        assert len(body["results"]) == page_size and all(row["event"] for row in body["results"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_membership_and_nobody_writes_it(mous, persona, request):
    client = client_for(persona, request)
    mou = MoU.objects.get(regency__code="16.03")
    for url in (MOUS, f"{MOUS}{mou.pk}/", COHORTS, f"{COHORTS}2018/", EVENTS, GOALS):
        assert client.get(url).status_code == 200, url
    event, goal = SigningEvent.objects.first(), Goal.objects.get()
    for list_url, detail_url in (
        (MOUS, f"{MOUS}{mou.pk}/"),
        (COHORTS, f"{COHORTS}2018/"),
        (EVENTS, f"{EVENTS}{event.pk}/"),
        (GOALS, f"{GOALS}{goal.pk}/"),
    ):
        assert_writes_refused(client, persona, list_url, detail_url)
    assert MoU.objects.count() == 3 and Cohort.objects.count() == 3
