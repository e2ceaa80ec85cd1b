"""Published API lists answered from the shared cache (``regencies.api.base.shared_answer``): never stale after a
committed change, never shared with callers who see drafts, kept apart by format and address. Throttling runs
before the cache; ``test_api.py`` tests it on a cached list."""

import pytest
from rest_framework.test import APIClient

from masterplans.choices import PlanStatus
from mou.models import Cohort, MoU
from regencies import data_version
from regencies.models import Regency
from smartcity import config
from tests.api import issue_token
from tests.factories import MasterPlanFactory, MoUFactory

REGENCIES = "/api/v1/regencies/"
PLANS = "/api/v1/plans/"
PROGRAMMES = "/api/v1/programmes/"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_published_list_comes_from_the_cache_until_a_change_commits(programme, django_assert_num_queries):
    api = APIClient()
    first = api.get(REGENCIES, {"province": "16"})
    with django_assert_num_queries(0):
        again = api.get(REGENCIES, {"province": "16"})
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == "application/json"

    palembang = Regency.objects.get(code="16.71")
    MoUFactory(regency=palembang, cohort=Cohort.objects.get(year=2019))  # committed: the data version moves
    changed = api.get(REGENCIES, {"province": "16", "q": "16.71"}).json()["results"]
    assert [mou["cohort"] for mou in changed[0]["mous"]] == [2019]
    assert api.get(REGENCIES, {"province": "16"})["ETag"] != first["ETag"]

    MoU.objects.filter(regency=palembang).delete()
    assert api.get(REGENCIES, {"province": "16", "q": "16.71"}).json()["results"][0]["mous"] == []


@pytest.fixture
def plans(programme):
    """Muara Enim's draft (its officers and staff see it) and Palembang's approved plan (everyone sees it)."""
    draft = MasterPlanFactory(mou=MoU.objects.get(regency__code="16.03"))
    approved = MasterPlanFactory(
        mou=MoUFactory(regency=Regency.objects.get(code="16.71"), cohort=Cohort.objects.get(year=2019)),
        status=PlanStatus.APPROVED,
    )
    return draft, approved


def plan_ids(response):
    assert response.status_code == 200, response.content
    return {plan["id"] for plan in response.json()["results"]}


def test_callers_who_see_drafts_never_get_or_leave_shared_answers(plans, officer, reviewer, partner):
    draft, approved = plans
    anonymous = APIClient()
    assert plan_ids(anonymous.get(PLANS)) == {approved.pk}

    as_officer = APIClient()
    as_officer.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(officer)}")
    assert plan_ids(as_officer.get(PLANS)) == {draft.pk, approved.pk}
    as_reviewer = APIClient()
    as_reviewer.force_login(reviewer)
    assert plan_ids(as_reviewer.get(PLANS)) == {draft.pk, approved.pk}

    assert plan_ids(anonymous.get(PLANS)) == {approved.pk}  # neither of them left their list for others
    as_partner = APIClient()
    as_partner.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(partner)}")
    assert plan_ids(as_partner.get(PLANS)) == {approved.pk}


def test_a_partner_shares_the_public_answer_without_reading_the_list(plans, partner, django_assert_num_queries):
    APIClient().get(PROGRAMMES)
    as_partner = APIClient()
    as_partner.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(partner)}")
    as_partner.get("/api/v1/cohorts/")  # the token's last use is written once a minute: not in the count below
    with django_assert_num_queries(4):  # the token, the partner's permissions (2) and regencies
        assert as_partner.get(PROGRAMMES).status_code == 200


def test_each_format_and_address_keeps_its_own_answer(programme):
    api = APIClient()
    as_json = api.get(REGENCIES, {"province": "16"})
    as_csv = api.get(REGENCIES, {"province": "16", "format": "csv"})
    assert as_json["Content-Type"] == "application/json"
    assert as_csv["Content-Type"].startswith("text/csv")
    assert api.get(REGENCIES, {"province": "16", "format": "csv"}).content == as_csv.content
    assert len(api.get(REGENCIES, {"province": "16", "page_size": 2}).json()["results"]) == 2
    assert len(api.get(REGENCIES, {"province": "16"}).json()["results"]) == 17


def test_errors_are_never_kept(plans):
    draft, approved = plans
    api = APIClient()
    assert api.get(PLANS, {"status": "nonsense"}).status_code == 400
    assert api.get(PLANS, {"page": "2", "page_size": "1"}).status_code == 404
    draft.status = PlanStatus.APPROVED
    draft.save()  # the test's transaction never commits, so the data version stays where it was
    assert api.get(PLANS, {"page": "2", "page_size": "1"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/programme/", "/", REGENCIES, "/api/v1/stats/", "/api/v1/mous/?regency=16.03"])
def test_with_the_cache_down_pages_and_lists_are_computed_instead(programme, client, settings, monkeypatch, address):
    expected = client.get(address)
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    settings.CACHES = {"default": config.cache("CACHE_URL")}
    response = client.get(address)
    assert response.status_code == 200
    if address.startswith("/api/"):
        assert response.json() == expected.json()
    else:  # pages carry a new CSRF token each time
        assert "Gerakan Menuju 100 Smart City" in response.content.decode()


@pytest.mark.django_db
def test_a_change_made_while_the_cache_is_down_is_not_hidden_once_it_is_back(settings, monkeypatch):
    before = data_version.version()
    working = settings.CACHES
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:1/0")
    settings.CACHES = {"default": config.cache("CACHE_URL")}
    data_version.bump()  # the change's bump is lost with the cache
    settings.CACHES = working
    assert data_version.version() != before  # written again before the first read
