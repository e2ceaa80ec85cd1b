"""``/healthz``, for load balancers and CI: the database and the job queue's broker, which the portal cannot work
without, and the shared cache, without which it works more slowly; each is named in the answer."""

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_redis import get_redis_connection

from smartcity.celery import app as celery_app


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


def _check_cache():
    """The shared cache answers ``PING``. The cache itself ignores a Redis that is down (pages compute instead), so
    its connection is asked directly."""
    if settings.CACHE_URL is None:
        return "not configured"
    get_redis_connection("default").ping()
    return "ok"


REQUIRED = (("database", _check_databases), ("broker", _check_broker))
OPTIONAL = (("cache", _check_cache),)


def run_checks(checks):
    """Each check's answer by name, and whether all of them passed; a failure is reported, never raised."""
    answers, passed = {}, True
    for name, check in checks:
        try:
            answers[name] = check()
        except Exception as exc:
            answers[name] = str(exc) if isinstance(exc, NotReady) else f"error: {exc.__class__.__name__}"
            passed = False
    return answers, passed


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and CI: 200 when the database and the broker (if configured) answer, else 503.
    A cache that does not answer makes the status ``degraded`` but keeps 200: pages still work without it."""
    required, healthy = run_checks(REQUIRED)
    optional, complete = run_checks(OPTIONAL)
    status = "error" if not healthy else "ok" if complete else "degraded"
    return JsonResponse({"status": status, "checks": {**required, **optional}}, status=200 if healthy else 503)


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
    required, ready = run_checks((*REQUIRED, ("migrations", _check_migrations)))
    optional, complete = run_checks(OPTIONAL)
    status = "error" if not ready else "ok" if complete else "degraded"
    return JsonResponse({"status": status, "checks": {**required, **optional}}, status=200 if ready else 503)


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
