"""API tokens on the profile and the people pages: partners create and revoke their own read-only tokens (shown
once), ministry admins see and revoke every token; and who may open or post each page."""

import re

import pytest
from django.urls import reverse

from smartcity.accounts.choices import SecurityAction, TokenScope
from smartcity.accounts.models import ApiToken, SecurityEvent
from tests.api import issue_token
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

PERSONAS = ["anonymous", "partner", "officer", "reviewer", "ministry_admin", "superuser"]
# The page of tokens with their holders, whatever their number.
TOKEN_LIST_QUERIES = 8
SECRET = re.compile(r"sc100_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def as_persona(client, request):
    def sign_in(persona):
        client.cookies["django_language"] = "en"
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


def create(client, **data):
    return client.post(reverse("accounts:profile"), {"name": "Dasbor BAPPENAS", "scope": "read", "days": 90, **data})


def test_a_partner_creates_a_read_only_token_shown_once_that_reads_the_api(as_persona, partner, client):
    response = create(as_persona("partner"))
    assert response.status_code == 200
    (raw,) = set(SECRET.findall(response.content.decode()))
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.created_by, token.name) == (
        partner,
        TokenScope.READ,
        partner,
        "Dasbor BAPPENAS",
    )
    assert raw.split("_", 1)[1].startswith(token.prefix) and raw not in str(ApiToken.objects.values().get())
    assert SECRET.search(client.get(reverse("accounts:profile")).content.decode()) is None  # shown once only
    event = SecurityEvent.objects.get()
    assert (event.action, event.actor, event.target) == (SecurityAction.TOKEN_CREATED, partner, partner)

    client.logout()
    api = client.get("/api/v1/provinces/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200
    write = client.post("/api/v1/reports/", {}, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json")
    assert write.status_code == 403


def test_a_partner_asking_for_a_read_write_token_gets_a_message_and_nothing_is_saved(as_persona):
    response = create(as_persona("partner"), scope=TokenScope.READ_WRITE)
    assert response.status_code == 400
    assert "Partners create read-only tokens" in response.content.decode()
    assert not ApiToken.objects.exists() and not SecurityEvent.objects.exists()


@pytest.mark.parametrize("data", [{"days": 3650}, {"name": ""}, {"scope": "admin"}])
def test_bad_token_input_saves_nothing(as_persona, data):
    assert create(as_persona("partner"), **data).status_code == 400
    assert not ApiToken.objects.exists()


def test_a_partner_revokes_their_own_token_and_it_stops_working(as_persona, partner, client):
    raw = issue_token(partner)
    token = ApiToken.objects.get()
    as_persona("partner")
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    again = client.post(reverse("accounts:token-revoke", args=[token.pk]), follow=True)
    assert "revoked already" in again.content.decode()
    assert list(SecurityEvent.objects.values_list("action", flat=True)) == [SecurityAction.TOKEN_REVOKED]
    client.logout()
    assert client.get("/api/v1/provinces/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("partner", 200), ("officer", 200), ("reviewer", 200), ("ministry_admin", 200)],
)
def test_who_opens_the_profile(as_persona, persona, expected):
    assert as_persona(persona).get(reverse("accounts:profile")).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("partner", 200), ("officer", 403), ("reviewer", 403), ("ministry_admin", 403)],
)
def test_only_partners_create_their_own_tokens(as_persona, persona, expected):
    assert create(as_persona(persona)).status_code == expected
    assert ApiToken.objects.count() == (1 if persona == "partner" else 0)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("partner", 403),
        ("officer", 403),
        ("reviewer", 403),
        ("ministry_admin", 200),
        ("superuser", 200),
    ],
)
def test_only_admins_open_the_token_list(as_persona, partner, persona, expected):
    issue_token(partner)
    response = as_persona(persona).get(reverse("accounts:token-list"))
    assert response.status_code == expected
    if expected == 200:
        assert "Token of partner" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("officer", 404), ("reviewer", 404), ("ministry_admin", 302), ("superuser", 302)],
)
def test_who_revokes_someone_elses_token(as_persona, partner, persona, expected):
    issue_token(partner)
    token = ApiToken.objects.get()
    response = as_persona(persona).post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == expected
    token.refresh_from_db()
    revoked = persona in ("ministry_admin", "superuser")
    assert (token.revoked_at is not None) == revoked
    if revoked:
        event = SecurityEvent.objects.get()
        assert (event.action, event.target) == (SecurityAction.TOKEN_REVOKED, partner)


def test_a_partner_cannot_revoke_another_partners_token(as_persona):
    other = UserFactory(username="other-partner")
    issue_token(other)
    token = ApiToken.objects.get()
    assert as_persona("partner").post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_ministry_admin_cannot_revoke_a_superusers_token(as_persona, superuser):
    issue_token(superuser)
    token = ApiToken.objects.get()
    assert as_persona("ministry_admin").post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_revokes_from_the_list_and_returns_to_it(as_persona, partner, client):
    issue_token(partner)
    token = ApiToken.objects.get()
    as_persona("ministry_admin")
    back = reverse("accounts:token-list") + "?state=usable"
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    outside = client.post(reverse("accounts:token-revoke", args=[token.pk]), {"next": "https://evil.example/"})
    assert outside["Location"] == reverse("accounts:profile")


@pytest.mark.parametrize("query", [{"state": "lost"}, {"holder": "x"}])
def test_the_token_list_refuses_unknown_filters(as_persona, query):
    assert as_persona("ministry_admin").get(reverse("accounts:token-list"), query).status_code == 400


def test_the_token_list_filters_by_state_and_holder(as_persona, partner, officer):
    issue_token(partner)
    issue_token(officer)
    ApiToken.objects.filter(user=officer).update(revoked_at="2026-01-01T00:00:00Z")
    client = as_persona("ministry_admin")
    usable = client.get(reverse("accounts:token-list"), {"state": "usable"}).content.decode()
    assert "Token of partner" in usable and "Token of officer" not in usable
    by_holder = client.get(reverse("accounts:token-list"), {"q": "officer"}).content.decode()
    assert "Token of officer" in by_holder and "Token of partner" not in by_holder


@pytest.mark.parametrize("tokens", [3, 30])
def test_the_token_list_runs_the_same_queries_for_more_tokens(as_persona, tokens, django_assert_num_queries):
    client = as_persona("ministry_admin")
    for n in range(tokens):
        issue_token(UserFactory(username=f"p{n}"))
    with django_assert_num_queries(TOKEN_LIST_QUERIES):
        assert client.get(reverse("accounts:token-list")).status_code == 200
