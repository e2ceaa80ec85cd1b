"""Helpers shared by the API tests (``tests/*/test_api.py``): tokens, personas, and checks every resource gets."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from regencies.models import Regency
from smartcity import roles
from smartcity.accounts.choices import TokenScope
from smartcity.accounts.models import ApiToken
from tests.factories import RegencyMembershipFactory, UserFactory


def issue_token(user, scope=TokenScope.READ, **fields):
    """A token for ``user`` as the admin issues it; returns the raw token (the only time it is known)."""
    fields.setdefault("expires_at", timezone.now() + datetime.timedelta(days=30))
    token = ApiToken(user=user, name=f"Token of {user.username}", organisation="Test", scope=scope, **fields)
    raw = token.issue()
    token.save()
    return raw


def client_for(persona, request):
    """An API client acting as ``persona``: anonymous; partner (read-only token); officer of Muara Enim or of another
    regency (read-and-write tokens); reviewer and admin (browser sessions, as staff use the API)."""
    client = APIClient()
    if persona == "partner":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(request.getfixturevalue('partner'))}")
    elif persona in ("officer", "officer_b"):
        user = request.getfixturevalue("officer") if persona == "officer" else other_officer()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, TokenScope.READ_WRITE)}")
    elif persona in ("reviewer", "ministry_admin"):
        client.force_login(request.getfixturevalue(persona))
    return client


def other_officer():
    """An officer of Kota Palembang (16.71), not of Muara Enim."""
    user = UserFactory(username="officer-b", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=user, regency=Regency.objects.get(code="16.71"))
    return user


PERSONAS = ["anonymous", "partner", "officer", "officer_b", "reviewer", "ministry_admin"]
# Writes to a read-only resource: anonymous must sign in, a read-only token may not write, anyone else learns that
# the resource takes no writes.
WRITE_STATUS = {
    "anonymous": 401,
    "partner": 403,
    "officer": 405,
    "officer_b": 405,
    "reviewer": 405,
    "ministry_admin": 405,
}


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] and body["detail"]
    if code:
        assert body["code"] == code
    return body


def assert_writes_refused(client, persona, list_url, detail_url):
    """POST, PUT, PATCH and DELETE on a read-only resource: 401/403/405 with a JSON error, never a 500."""
    for method, url in (("post", list_url), ("put", detail_url), ("patch", detail_url), ("delete", detail_url)):
        response = getattr(client, method)(url, {"name": "x"}, format="json")
        assert_json_error(response, WRITE_STATUS[persona])


def assert_conditional_get(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode().splitlines()
