import json
import os
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.smartcity.helpers import run_django

GET_HEALTHZ = (
    "from django.test.utils import setup_test_environment\n"
    "setup_test_environment()\n"
    "from django.test import Client\n"
    "response = Client().get('/healthz')\n"
    "print(response.status_code, response.content.decode())"
)


def health_in_subprocess(**env):
    result = run_django(GET_HEALTHZ, **env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    return int(status), json.loads(body)


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_a_broken_database_as_503():
    status, body = health_in_subprocess(DATABASE_URL="sqlite:////nonexistent-directory/db.sqlite3")
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == "down"


UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize(
    ("environment", "down"),
    [
        # Only the broker: the results on a Redis that answers.
        pytest.param(
            {"CELERY_BROKER_URL": UNREACHABLE, "CELERY_RESULT_BACKEND": os.environ.get("CELERY_BROKER_URL")},
            {"broker"},
            marks=pytest.mark.services,
            id="broker",
        ),
        # The result backend defaults to the broker's address: both are down.
        pytest.param(
            {"CELERY_BROKER_URL": UNREACHABLE, "CELERY_RESULT_BACKEND": None}, {"broker", "results"}, id="both"
        ),
        pytest.param({"CELERY_BROKER_URL": None, "CACHE_URL": UNREACHABLE}, {"cache"}, id="cache"),
    ],
)
def test_healthz_names_a_dependency_that_is_down_and_stays_200_while_pages_work(environment, down):
    """Pages are served without the broker, the result backend or the cache: a load balancer must keep every
    node in service, and the operator reads what is down."""
    if down == {"broker"} and not environment["CELERY_RESULT_BACKEND"]:
        pytest.skip("CELERY_BROKER_URL is not set: this case needs a Redis that answers for the results")
    status, body = health_in_subprocess(**{"DATABASE_URL": "sqlite:///:memory:", "CACHE_URL": None, **environment})
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert {name for name, answer in body["checks"].items() if answer == "down"} == down


def test_healthz_without_a_broker_says_so():
    status, body = health_in_subprocess(DATABASE_URL="sqlite:///:memory:", CELERY_BROKER_URL=None)
    assert status == 200
    assert body["checks"]["broker"] == body["checks"]["results"] == "not configured"


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_checks_the_configured_broker(client):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: this test needs Redis")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == response.json()["checks"]["results"] == "ok"


def test_healthz_refuses_other_methods(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["10.20.0.7", "portal-web-1.internal", "10.20.0.7:8000"])
def test_healthz_answers_a_load_balancer_probing_by_address_or_internal_name(client, host):
    assert client.get("/healthz", HTTP_HOST=host).status_code == 200
    assert client.get("/programme/", HTTP_HOST=host).status_code == 400  # every other address still checks it


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_checks_the_configured_cache(client):
    if not settings.CACHE_URL:
        pytest.skip("CACHE_URL is not set: this test needs Redis")
    body = client.get(reverse("healthz")).json()
    assert body["checks"]["cache"] == "ok" and body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_never_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/programme/").status_code == 301


@pytest.mark.django_db
def test_readyz_is_ready_on_a_migrated_database_and_answers_any_host(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json()["checks"]["migrations"] == "ok"
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_is_not_ready_while_migrations_are_pending(tmp_path):
    result = run_django(
        GET_HEALTHZ.replace("/healthz", "/readyz"), DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    answer = json.loads(body)
    assert status == "503" and answer["status"] == "error"
    assert answer["checks"]["database"] == "ok"
    assert re.fullmatch(r"pending: \d+ migrations", answer["checks"]["migrations"])
