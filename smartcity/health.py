"""``/healthz`` and ``/readyz``, for load balancers, deployments and CI.

Only the database stops pages: without it the answer is 503, and a load balancer takes the node out. The job
queue's broker, the result backend and the shared cache are named in the answer too, as ``"down"`` with the status
``degraded`` and 200: pages are still served without them (only "generate now" needs the broker, and says so), and
since every web node shares them, failing on them would take every node out of service at once.
"""

import logging

import redis
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_redis import get_redis_connection

from smartcity.celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_databases():
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    return "ok"


def _check_broker():
    if settings.CELERY_BROKER_URL is None:
        return "not configured"
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=settings.HEALTH_CHECK_TIMEOUT)
    return "ok"


def _check_results():
    if settings.CELERY_RESULT_BACKEND is None:
        return "not configured"
    timeout = settings.HEALTH_CHECK_TIMEOUT
    client = redis.Redis.from_url(
        settings.CELERY_RESULT_BACKEND, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_cache():
    """The shared cache answers ``PING``. The cache itself ignores a Redis that is down (pages compute instead), so
    its connection is asked directly."""
    if settings.CACHE_URL is None:
        return "not configured"
    get_redis_connection("default").ping()
    return "ok"


REQUIRED = (("database", _check_databases),)
OPTIONAL = (("broker", _check_broker), ("results", _check_results), ("cache", _check_cache))


def run_checks(checks):
    """Each check's answer by name, and whether all of them passed; a failure is reported (and logged with its
    cause), never raised."""
    answers, passed = {}, True
    for name, check in checks:
        try:
            answers[name] = check()
        except NotReady as exc:
            answers[name], passed = str(exc), False
        except Exception as exc:
            logger.warning("Health check: %s is down (%s: %s)", name, exc.__class__.__name__, exc)
            answers[name], passed = "down", False
    return answers, passed


def _answer(required_checks):
    required, healthy = run_checks(required_checks)
    optional, complete = run_checks(OPTIONAL)
    status = "error" if not healthy else "ok" if complete else "degraded"
    return JsonResponse({"status": status, "checks": {**required, **optional}}, status=200 if healthy else 503)


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and CI: 200 while pages can be served (the database answers), else 503."""
    return _answer(REQUIRED)


def _check_migrations():
    """Every migration of this code applied: after an upgrade, the new release is ready once ``migrate`` ran."""
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise NotReady(f"pending: {len(pending)} migrations")
    return "ok"


class NotReady(Exception):
    """A check's failure that has its own answer."""


@never_cache
@require_GET
def readyz(request):
    """Readiness, for a deployment or an upgrade: what ``/healthz`` requires, and the database fully migrated."""
    return _answer((*REQUIRED, ("migrations", _check_migrations)))


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers ``/healthz`` before anything checks the request's host: load balancers probe by IP address or an
    internal name, which ``ALLOWED_HOSTS`` rightly refuses everywhere else (and no redirect to HTTPS applies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
