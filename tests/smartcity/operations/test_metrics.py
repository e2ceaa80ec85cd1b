"""Metrics at /metrics: for the scraper's token only, counting the requests and jobs that just ran."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartcity.reports.choices import ReportStatus
from smartcity.tasks import ping
from tests.factories import UserFactory

TOKEN = "metrics-test-token"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def scrape():
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="10.1.2.3")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return scrape


def value(text, name, **labels):
    """The sample ``name{labels}``'s value in the exposition text, 0 when absent."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if match and all(f'{key}="{wanted}"' in (match.group(1) or "") for key, wanted in labels.items()):
            return float(match.group(2))
    return 0.0


@pytest.mark.django_db
def test_metrics_count_a_request_by_view_and_its_queries(client, scrape, register):
    executed = "django_db_execute_total"
    first, before = scrape(), scrape()
    scrape_queries = value(before, executed, alias="default") - value(
        first, executed, alias="default"
    )  # what one scrape itself runs
    with CaptureQueriesContext(connection) as request_queries:
        assert client.get("/regencies/?q=16.03").status_code == 200
    request_queries = len(request_queries)  # read now: the next request empties the connection's query log
    after = scrape()
    by_view, view = "django_http_requests_total_by_view_transport_method_total", "regencies:regency-list"
    assert value(after, by_view, view=view) == value(before, by_view, view=view) + 1
    assert value(after, "django_http_requests_latency_seconds_by_view_method_count", view=view) >= 1
    assert request_queries > 0
    assert (
        value(after, executed, alias="default") - value(before, executed, alias="default")
        == request_queries + scrape_queries
    )
    timed = "django_db_query_duration_seconds_count"
    assert (
        value(after, timed, alias="default") - value(before, timed, alias="default") == request_queries + scrape_queries
    )


@pytest.mark.django_db
def test_metrics_count_a_job_and_its_last_success(scrape, tasks_in_process):
    before = scrape()
    ping.delay()
    after = scrape()
    counted = value(after, "smartcity_celery_tasks_total", task="smartcity.tasks.ping", outcome="succeeded")
    assert (
        counted == value(before, "smartcity_celery_tasks_total", task="smartcity.tasks.ping", outcome="succeeded") + 1
    )
    assert value(after, "smartcity_celery_task_last_success_timestamp_seconds", task="smartcity.tasks.ping") > 0


@pytest.mark.django_db
def test_metrics_read_the_reports_states_in_sql(scrape, django_assert_max_num_queries):
    from smartcity.reports.models import ProgressReport

    ProgressReport.objects.create(period_kind="month", year=2026, number=10, status=ReportStatus.FAILED)
    text = scrape()
    assert value(text, "smartcity_reports", status="failed") == 1
    assert value(text, "smartcity_reports", status="done") == 0
    with django_assert_max_num_queries(2):  # the counts and the last done report, whatever their number
        scrape()


@pytest.mark.django_db
def test_metrics_refuse_a_missing_or_wrong_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 401 and wrong.json()["detail"]
    # A signed-in member of staff is no scraper either.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/metrics").status_code == 401


def test_metrics_do_not_exist_without_a_token(client, settings):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404
