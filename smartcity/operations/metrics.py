"""Prometheus metrics at ``/metrics``, for the operations team's scraper only.

django-prometheus counts requests and their latency by view (its middleware, in the settings). Here: database
connections, queries, their time and errors, into django-prometheus's own ``django_db_*`` metrics (its engine
wrappers count nothing on psycopg 3, whose cursor factory Django replaces; an execute wrapper sees every query);
Celery job counts, failures and last successes (from the worker's task signals); and what is read at each scrape:
the broker's queue length and the report jobs' states and last finished report (in SQL). With
``PROMETHEUS_MULTIPROC_DIR`` set, every process (each gunicorn worker, the Celery worker's children) writes its
counts there and a scrape adds them up.
"""

import hmac
import logging
import os
import time

from celery import signals as celery_signals
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models import Count, Max
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django_prometheus.db.metrics import connections_total, errors_total, execute_total, query_duration_seconds
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from smartcity.celery import app as celery_app
from smartcity.reports.choices import ReportStatus
from smartcity.reports.models import ProgressReport

logger = logging.getLogger(__name__)

TASKS = Counter("smartcity_celery_tasks", "Celery jobs ended, by task and outcome.", ["task", "outcome"])
LAST_SUCCESS = Gauge(
    "smartcity_celery_task_last_success_timestamp_seconds",
    "When each Celery task last succeeded (Unix time).",
    ["task"],
    multiprocess_mode="max",
)


def _count_query(execute, sql, params, many, context):
    database = context["connection"]
    labels = (database.alias, database.vendor)
    execute_total.labels(*labels).inc(len(params) if many and isinstance(params, list | tuple) else 1)
    with query_duration_seconds.labels(*labels).time():
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            errors_total.labels(*labels, type(error).__name__).inc()
            raise


@receiver(connection_created)
def _instrument(sender, connection, **kwargs):
    connections_total.labels(connection.alias, connection.vendor).inc()
    if _count_query not in connection.execute_wrappers:
        # First in the chain: ``connection.execute_wrapper()`` blocks append theirs and pop the last one.
        connection.execute_wrappers.insert(0, _count_query)


def _task_name(sender):
    return getattr(sender, "name", None) or str(sender)


@celery_signals.task_success.connect
def _succeeded(sender=None, **kwargs):
    TASKS.labels(_task_name(sender), "succeeded").inc()
    LAST_SUCCESS.labels(_task_name(sender)).set(time.time())


@celery_signals.task_failure.connect
def _failed(sender=None, **kwargs):
    TASKS.labels(_task_name(sender), "failed").inc()


@celery_signals.task_retry.connect
def _retried(sender=None, **kwargs):
    TASKS.labels(_task_name(getattr(kwargs.get("request"), "task", sender)), "retried").inc()


class ScrapeTimeCollector:
    """What is read when Prometheus asks: the report jobs' states, the last done report, the broker's queue."""

    def collect(self):
        reports = GaugeMetricFamily("smartcity_reports", "Progress reports by status.", labels=["status"])
        counts = dict(ProgressReport.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in ReportStatus.values:
            reports.add_metric([status], counts.get(status, 0))
        yield reports
        last_done = ProgressReport.objects.filter(status=ReportStatus.DONE).aggregate(at=Max("finished_at"))["at"]
        if last_done is not None:
            yield GaugeMetricFamily(
                "smartcity_reports_last_done_timestamp_seconds",
                "When the last report job finished well (Unix time).",
                value=last_done.timestamp(),
            )
        yield from self._queue()

    @staticmethod
    def _queue():
        if settings.CELERY_BROKER_URL is None:
            return
        up = GaugeMetricFamily("smartcity_broker_up", "Whether the job queue's broker answered this scrape.")
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0, timeout=settings.HEALTH_CHECK_TIMEOUT)
                queue = celery_app.conf.task_default_queue
                length = connection.default_channel.client.llen(queue)
        except Exception as exc:
            logger.warning("metrics: the broker did not answer (%s)", exc.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        waiting = GaugeMetricFamily("smartcity_celery_queue_length", "Jobs waiting in the queue.", labels=["queue"])
        waiting.add_metric([queue], length)
        yield waiting


def _exposition():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    scrape = CollectorRegistry()
    scrape.register(ScrapeTimeCollector())
    return generate_latest(processes) + generate_latest(scrape)


def metrics(request):
    """The metrics, for a request bearing ``METRICS_TOKEN``; without the setting the address does not exist."""
    if not settings.METRICS_TOKEN:
        return HttpResponseNotFound()
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credentials.strip(), settings.METRICS_TOKEN):
        response = JsonResponse({"detail": "Authorization: Bearer <METRICS_TOKEN> is required."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(_exposition(), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Answers ``/metrics`` before the host is checked or HTTPS required: a scraper asks by internal address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/metrics" and request.method in ("GET", "HEAD"):
            return metrics(request)
        return self.get_response(request)
