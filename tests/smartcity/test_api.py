"""The API's programme-wide layer: throttling and the docs pages."""

import re

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.api import (
    assert_json_error,
    issue_token,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


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


def test_a_client_cannot_escape_the_anonymous_limit_by_writing_x_forwarded_for(api, register, two_a_minute):
    """With no trusted proxy (the default) the peer's address counts, whatever X-Forwarded-For says."""
    statuses = [api.get("/api/v1/provinces/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(1, 5)]
    assert statuses == [200, 200, 429, 429]


def test_behind_one_trusted_proxy_the_address_it_appended_counts(api, register, two_a_minute, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def ask(forwarded_for):
        return api.get("/api/v1/provinces/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="127.0.0.1").status_code

    # What the client wrote before the proxy's own entry changes nothing: the limit follows 203.0.113.7.
    assert [ask(f"10.0.0.{n}, 203.0.113.7") for n in range(3)] == [200, 200, 429]
    assert ask("203.0.113.7") == 429
    assert ask("203.0.113.8") == 200  # another client behind the same proxy has its own allowance


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
