"""Bearer tokens: issued in the admin, shown once, stored hashed, and what they let their holder do."""

import datetime
import hashlib
import re

import pytest
from django.utils import timezone

from smartcity.accounts.choices import TokenScope
from smartcity.accounts.models import ApiToken
from tests.api import (
    assert_json_error,
    issue_token,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


def test_admin_issues_a_token_that_is_shown_once_and_stored_only_as_a_hash(client, ministry_admin, partner):
    client.force_login(ministry_admin)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 200
    expires = timezone.localdate() + datetime.timedelta(days=90)
    response = client.post(
        "/admin/accounts/apitoken/add/",
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

    change_page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert secret not in change_page
    assert secret not in client.get("/admin/accounts/apitoken/").content.decode()


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
        "/admin/accounts/apitoken/add/",
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
