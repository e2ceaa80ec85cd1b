"""Schemathesis over the whole OpenAPI schema, in-process through the WSGI app, with real tokens: no operation
answers with a server error, and every response matches what the schema says of it."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from smartcity.accounts.choices import TokenScope
from tests.api import issue_token

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance]
# Deterministic, so that CI fails or passes for the code, not for the draw; `database=None` writes no .hypothesis/.
EXAMPLES = settings(
    max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())


@pytest.fixture(autouse=True)
def inside_the_test_transaction():
    """Like Django's test client, keep the database connection open across requests, so that the app sees the
    test's data and the test's transaction survives."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    cache.clear()  # no throttle counts from earlier tests
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def partner_token(partner):
    return issue_token(partner)


@schema.include(method="GET").parametrize()
@EXAMPLES
def test_every_read_answers_within_the_schema(case, programme, partner_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {partner_token}"}, checks=CHECKS)


@pytest.fixture
def officer_token(officer):
    return issue_token(officer, TokenScope.READ_WRITE)


@schema.exclude(method="GET").parametrize()
@EXAMPLES
def test_every_write_answers_within_the_schema(case, programme, officer_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"}, checks=CHECKS)


def test_the_schema_describes_errors_and_anonymous_reading_on_every_operation(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    bearer = schema["components"]["securitySchemes"]["bearerToken"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    error = {"$ref": "#/components/schemas/Error"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), (method, path)
            assert all(responses[code]["content"]["application/json"]["schema"] == error for code in ("401", "429"))
            assert "Retry-After" in responses["429"]["headers"]
            if method == "get":
                assert {} in operation["security"], path
                assert "400" in responses, path
            if "{" in path:
                assert "404" in responses, (method, path)
            for response in responses.values():
                if "text/csv" in response.get("content", {}):
                    assert response["content"]["text/csv"]["schema"]["type"] == "string"
    demo = next(p for p in schema["paths"]["/api/v1/mous/"]["get"]["parameters"] if p["name"] == "demo")
    assert demo["schema"] == {"type": "string", "enum": ["demo", "real"]}
