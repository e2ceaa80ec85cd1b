"""The register through the API: ``/api/v1/provinces/`` and ``/api/v1/regencies/`` (the latter served by the MoU
app, since a regency as the programme sees it includes its MoUs)."""

import pytest
from rest_framework.test import APIClient

from mou.models import Cohort
from regencies.models import Province, Regency
from tests.api import (
    PERSONAS,
    assert_conditional_get,
    assert_json_error,
    assert_writes_refused,
    client_for,
    csv_rows,
)
from tests.factories import mous_for

pytestmark = pytest.mark.django_db

PROVINCES, REGENCIES = "/api/v1/provinces/", "/api/v1/regencies/"
QUERIES_PER_REGENCY_PAGE = 3  # count, regencies with their province, their MoUs with cohorts


@pytest.fixture(autouse=True)
def fresh_throttles():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


# Provinces -------------------------------------------------------------------------------------------------------


def test_provinces_list_the_register_with_their_regency_counts(api, register):
    body = api.get(PROVINCES).json()
    assert body["count"] == 38
    sumsel = next(row for row in body["results"] if row["code"] == "16")
    assert sumsel == {
        "code": "16",
        "name": "Sumatera Selatan",
        "is_active": True,
        "regency_count": Regency.objects.filter(province__code="16", is_active=True).count(),
    }


def test_a_province_by_its_code(api, register):
    response = api.get(f"{PROVINCES}16/")
    assert response.status_code == 200
    assert response.json()["name"] == "Sumatera Selatan"
    assert_json_error(api.get(f"{PROVINCES}99/"), 404, "not_found")


def test_provinces_filter_by_being_in_the_register(api, register):
    Province.objects.filter(code="11").update(is_active=False)
    assert codes(api.get(PROVINCES, {"is_active": "false"})) == ["11"]
    assert len(codes(api.get(PROVINCES, {"is_active": "true", "page_size": 100}))) == 37


@pytest.mark.parametrize(
    "params, field",
    [
        ({"is_active": "yes please"}, "is_active"),
        ({"ordering": "regency_count"}, "ordering"),
        ({"provnce": "16"}, "provnce"),
    ],
)
def test_provinces_refuse_bad_parameters_naming_them(api, register, params, field):
    body = assert_json_error(api.get(PROVINCES, params), 400)
    assert list(body["fields"]) == [field]


def test_provinces_order_by_name_or_code(api, register):
    assert codes(api.get(PROVINCES, {"ordering": "-code", "page_size": 2})) == ["96", "95"]
    names = [row["name"] for row in api.get(PROVINCES, {"ordering": "name", "page_size": 100}).json()["results"]]
    assert names == list(Province.objects.order_by("name").values_list("name", flat=True))


# Regencies -------------------------------------------------------------------------------------------------------


def test_regencies_list_the_register(api, register):
    body = api.get(REGENCIES).json()
    assert body["count"] == 514
    assert len(body["results"]) == 50
    assert body["results"][0]["code"] == "11.01"
    assert set(body["results"][0]) == {"code", "name", "kind", "slug", "is_active", "province", "mous"}


def test_a_regency_by_its_code_with_its_mou(api, programme):
    body = api.get(f"{REGENCIES}16.03/").json()
    assert (body["code"], body["name"], body["kind"]) == ("16.03", "Kabupaten Muara Enim", "kabupaten")
    assert body["province"] == {"code": "16", "name": "Sumatera Selatan"}
    [mou] = body["mous"]
    assert (mou["cohort"], mou["signed_on"], mou["status"], mou["is_demo"]) == (2018, "2018-05-08", "active", False)
    assert_json_error(api.get(f"{REGENCIES}16.99/"), 404, "not_found")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"province": "16"}, lambda found: "16.03" in found and all(code.startswith("16.") for code in found)),
        ({"kind": "kota"}, lambda found: found and all(code[3] == "7" for code in found)),
        ({"q": "muara enim"}, lambda found: found == ["16.03"]),
        ({"q": "16.0"}, lambda found: found[:2] == ["16.01", "16.02"] and "16.71" not in found),
        ({"province": "16", "kind": "kota"}, lambda found: found == ["16.71", "16.72", "16.73", "16.74"]),
    ],
)
def test_regencies_filter(api, register, params, expected):
    found = codes(api.get(REGENCIES, {**params, "page_size": 100}))
    assert expected(found), found


@pytest.mark.parametrize(
    "params, field",
    [
        ({"province": "99"}, "province"),
        ({"kind": "desa"}, "kind"),
        ({"q": "\x00"}, "q"),
        ({"ordering": "province"}, "ordering"),
        ({"provinsi": "16"}, "provinsi"),
        ({"province": "16", "cohort": "2018"}, "cohort"),
    ],
)
def test_regencies_refuse_bad_parameters_naming_them(api, register, params, field):
    body = assert_json_error(api.get(REGENCIES, params), 400)
    assert list(body["fields"]) == [field]


def test_regencies_order_by_name_or_code(api, register):
    assert codes(api.get(REGENCIES, {"ordering": "-code", "page_size": 1})) == [Regency.objects.latest("code").code]
    names = [row["name"] for row in api.get(REGENCIES, {"ordering": "name", "page_size": 100}).json()["results"]]
    assert names == list(Regency.objects.order_by("name").values_list("name", flat=True)[:100])


def test_regencies_are_paginated_with_a_cap_of_100(api, register):
    body = api.get(REGENCIES, {"page_size": 5, "page": 2}).json()
    assert [row["code"] for row in body["results"]] == ["11.06", "11.07", "11.08", "11.09", "11.10"]
    assert "page=3" in body["next"] and body["previous"]
    assert len(api.get(REGENCIES, {"page_size": 1000}).json()["results"]) == 100
    assert_json_error(api.get(REGENCIES, {"page": 99}), 404, "not_found")


def test_regencies_answer_conditional_gets(api, programme):
    assert_conditional_get(api, REGENCIES)
    assert_conditional_get(api, f"{REGENCIES}16.03/")
    assert_conditional_get(api, PROVINCES)
    assert_conditional_get(api, f"{PROVINCES}16/")


def test_regencies_as_csv_with_a_header_row(api, programme):
    rows = csv_rows(api.get(REGENCIES, {"format": "csv", "province": "16", "kind": "kabupaten"}))
    header = rows[0].split(",")
    assert {"code", "name", "kind", "province.code", "province.name"} <= set(header)
    assert len(rows) == 1 + Regency.objects.filter(province__code="16", kind="kabupaten").count()
    assert any(row.startswith("16.03,") for row in rows)


def test_a_single_regency_as_csv_is_one_row(api, programme):
    rows = csv_rows(api.get(f"{REGENCIES}16.03/", {"format": "csv"}))
    assert len(rows) == 2 and rows[1].startswith("16.03,")


def test_provinces_as_csv(api, register):
    rows = csv_rows(api.get(PROVINCES, {"format": "csv", "page_size": 100}))
    assert rows[0] == "code,is_active,name,regency_count"
    assert len(rows) == 39


@pytest.mark.parametrize("url", [REGENCIES, PROVINCES])
def test_errors_stay_json_when_csv_is_asked_for(api, register, url):
    body = assert_json_error(api.get(url, {"format": "csv", "bogus": "1"}), 400, "unknown_parameter")
    assert list(body["fields"]) == ["bogus"]


def test_regencies_list_query_count_does_not_grow_with_the_page(api, register, django_assert_num_queries):
    cohort = Cohort.objects.create(year=2018, target=50, label="Angkatan 2018")
    mous_for(Regency.objects.order_by("code")[:150], cohort, is_demo=True)
    for page_size in (5, 100):
        with django_assert_num_queries(QUERIES_PER_REGENCY_PAGE):
            body = api.get(REGENCIES, {"page_size": page_size}).json()
        assert len(body["results"]) == page_size and all(row["mous"] for row in body["results"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_the_register_and_nobody_writes_it(programme, persona, request):
    client = client_for(persona, request)
    assert client.get(REGENCIES).status_code == 200
    assert client.get(f"{REGENCIES}16.03/").json()["mous"]
    assert client.get(f"{PROVINCES}16/").status_code == 200
    assert_writes_refused(client, persona, REGENCIES, f"{REGENCIES}16.03/")
    assert_writes_refused(client, persona, PROVINCES, f"{PROVINCES}16/")
    assert Regency.objects.filter(code="16.03", name="Kabupaten Muara Enim").exists()
