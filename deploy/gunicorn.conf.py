"""gunicorn's settings for the portal: ``gunicorn --config deploy/gunicorn.conf.py smartcity.wsgi``.

Everything comes from the environment, as for the portal itself: ``GUNICORN_BIND`` (default ``127.0.0.1:8000``,
behind the TLS proxy on the same host) and ``WEB_CONCURRENCY`` (gunicorn's own variable; default two workers per
core and one). Several workers need one shared cache (``CACHE_URL``): gunicorn refuses to start without it, since
each process would otherwise keep figures that another process has made old.
"""

import multiprocessing
import os

wsgi_app = "smartcity.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
preload_app = True  # the settings are checked once, before any worker starts
timeout = 60
graceful_timeout = 30  # a reload (HUP) lets running requests finish
max_requests = 2000
max_requests_jitter = 200
accesslog = None  # each request is logged by the portal, in JSON with its request id (smartcity/logs.py)
errorlog = "-"
# Uploads are at most 20 MB (the nginx site says so too); a request line or header beyond these is refused.
limit_request_line = 8190
limit_request_fields = 100


def on_starting(server):
    from django.conf import settings

    if server.cfg.workers > 1 and settings.CACHE_URL is None:
        raise SystemExit(
            f"gunicorn: {server.cfg.workers} workers need a shared cache: set CACHE_URL (redis://host:6379/1), "
            "or WEB_CONCURRENCY=1"
        )


def child_exit(server, worker):
    """A worker's live gauges leave the shared metrics (PROMETHEUS_MULTIPROC_DIR) with it; its counts stay."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
