import pytest
from django.conf import settings
from django.urls import reverse

from regencies.choices import RegencyKind
from tests.factories import ProvinceFactory, RegencyFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("regencies:regency-list")


@pytest.fixture(params=["id", "en"])
def language(request, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    return request.param


def codes(response):
    return [regency.code for regency in response.context["regencies"]]


def test_register_list_speaks_indonesian_by_default(client, register):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="id">' in content
    assert "Kabupaten dan kota" in content
    assert "514 kabupaten dan kota ditemukan." in content


def test_register_list_speaks_english_when_chosen(client, register):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(LIST_URL).content.decode()
    assert '<html lang="en">' in content
    assert "Regencies and cities" in content
    assert "514 regencies and cities found." in content


def test_filter_by_province_code(client, register, language):
    response = client.get(LIST_URL, {"province": "16"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 17
    assert all(code.startswith("16.") for code in codes(response))


def test_filter_by_kind(client, register, language):
    response = client.get(LIST_URL, {"kind": RegencyKind.KOTA, "province": "16"})
    assert codes(response) == ["16.71", "16.72", "16.73", "16.74"]


def test_search_by_name_is_case_insensitive(client, register, language):
    response = client.get(LIST_URL, {"q": "muara enim"})
    assert codes(response) == ["16.03"]


def test_search_by_code(client, register, language):
    response = client.get(LIST_URL, {"q": "16.0"})
    assert codes(response) == [f"16.{n:02d}" for n in range(1, 10)]


def test_kind_is_shown_in_the_chosen_language(client, register, language):
    content = client.get(LIST_URL, {"q": "16.03"}).content.decode()
    assert ("Kabupaten</td>" if language == "id" else "Regency (kabupaten)</td>") in content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"province": "99"}, {"id": "Kode provinsi tidak dikenal: 99.", "en": "Unknown province code: 99."}),
        ({"kind": "desa"}, {"id": "Jenis tidak dikenal: desa.", "en": "Unknown kind: desa."}),
        (
            {"provnce": "16"},
            {"id": "Parameter filter tidak dikenal: provnce.", "en": "Unknown filter parameter: provnce."},
        ),
    ],
)
def test_bad_filter_input_answers_400_with_a_message(client, register, language, params, message):
    response = client.get(LIST_URL, params)
    assert response.status_code == 400
    assert message[language] in response.content.decode()
    assert list(response.context["regencies"]) == []


def test_pagination_keeps_the_filter(client, register):
    response = client.get(LIST_URL, {"kind": "kabupaten", "page": 2})
    assert response.context["page_obj"].number == 2
    assert len(codes(response)) == 50
    assert "kind=kabupaten&amp;page=3" in response.content.decode()


def test_a_page_past_the_end_is_not_found(client, register):
    assert client.get(LIST_URL, {"page": 99}).status_code == 404


def test_regency_detail_page(client, register):
    response = client.get(reverse("regencies:regency-detail", kwargs={"slug": "kabupaten-muara-enim"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kabupaten Muara Enim" in content
    assert "16.03" in content
    assert "Sumatera Selatan" in content


def test_unknown_regency_is_not_found(client, register):
    assert client.get(reverse("regencies:regency-detail", kwargs={"slug": "atlantis"})).status_code == 404


def test_inactive_regency_detail_says_it_left_the_register(client):
    regency = RegencyFactory(is_active=False)
    content = client.get(regency.get_absolute_url()).content.decode()
    assert "tidak lagi tercantum" in content


def test_inactive_regencies_are_not_listed(client):
    active, inactive = RegencyFactory(), RegencyFactory(is_active=False)
    assert codes(client.get(LIST_URL)) == [active.code]
    assert inactive.code not in codes(client.get(LIST_URL))


def test_province_list_counts_regencies_in_sql(client, register):
    response = client.get(reverse("regencies:province-list"))
    assert response.status_code == 200
    sumsel = next(p for p in response.context["provinces"] if p.code == "16")
    assert (sumsel.kabupaten_count, sumsel.kota_count, sumsel.regency_count) == (13, 4, 17)
    assert response.context["totals"] == {"regencies": 514, "kabupaten": 416, "kota": 98}
    assert len(response.context["provinces"]) == 38


@pytest.fixture(params=[10, 514])
def regencies_of_size(request):
    if request.param == 10:
        for code in ("00", "01"):
            RegencyFactory.create_batch(5, province=ProvinceFactory(code=code), kind=RegencyKind.KOTA)
    else:
        request.getfixturevalue("register")
    return request.param


@pytest.mark.parametrize(
    ("params", "queries"),
    [({}, 4), ({"province": "16", "kind": "kota"}, 5), ({"q": "kota"}, 4)],
)
def test_register_list_query_count_does_not_grow_with_data(
    client, regencies_of_size, django_assert_num_queries, params, queries
):
    if regencies_of_size == 10 and "province" in params:
        params = {**params, "province": "00"}
    with django_assert_num_queries(queries):
        assert client.get(LIST_URL, params).status_code == 200


def test_province_list_query_count_does_not_grow_with_data(client, regencies_of_size, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert client.get(reverse("regencies:province-list")).status_code == 200
