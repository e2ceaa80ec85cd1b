"""``/healthz``, for load balancers and CI: the database and the job queue's broker, each named in the answer."""

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and CI: 200 when the database (and the broker, if configured) answer, else 503."""
    checks, healthy = {}, True
    for name, check in (("database", _check_databases), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency is reported, never raised as a 500
            checks[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
