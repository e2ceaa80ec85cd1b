"""Logs: JSON lines in production, plain lines in development, each carrying the request id (or the task id).

django-structlog binds a fresh ``request_id`` to every request (``task_id`` to every Celery job, with the
``request_id`` of the request that queued it) and logs ``request_started`` and ``request_finished``; Django's,
Celery's and our own ``logging`` calls go through the same structlog formatter, so every line of a request or job
carries its ids. Here: the configuration, the request id in a response header and on the 500 page, the duration
of each request, and no secrets in what is logged (the user's id, never a password, token or IP address).
"""

import re
import time
from urllib.parse import parse_qsl, urlencode

import structlog
from django.dispatch import receiver
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware

REQUEST_ID_HEADER = "X-Request-ID"

# Password-reset and invitation links carry their one-time token in the path; query parameters of these names are
# secrets.
_RESET_PATH = re.compile(r"/reset/[^/]+/[^/]+/")
_INVITATION_PATH = re.compile(r"/accounts/invitation/[^/]+/")
_SECRET_PARAMETER = re.compile(r"token|password|secret|key|signature", re.IGNORECASE)


def _shared_processors():
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
    ]


def configure(*, json, level):
    """Configure structlog and return Django's ``LOGGING`` for it: one console handler, JSON or plain."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if json
        else [structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)]
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structlog": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
                "foreign_pre_chain": _shared_processors(),
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structlog"}},
        "root": {"handlers": ["console"], "level": level},
        # django-structlog logs each request once it is answered; Django's own line for a 4xx/5xx would repeat it.
        "loggers": {"django.request": {"level": "ERROR"}},
    }


def current_request_id():
    return structlog.contextvars.get_contextvars().get("request_id")


def _redacted(path, query):
    path = _RESET_PATH.sub("/reset/<uidb64>/<token>/", path)
    path = _INVITATION_PATH.sub("/accounts/invitation/<token>/", path)
    if not query:
        return path
    pairs = [(name, "[redacted]" if _SECRET_PARAMETER.search(name) else value) for name, value in parse_qsl(query, 1)]
    return f"{path}?{urlencode(pairs, safe='[]')}"


class RequestLogMiddleware(RequestMiddleware):
    """django-structlog's request logging, with secrets left out of the logged address."""

    @staticmethod
    def format_request(request):
        return f"{request.method} {_redacted(request.path, request.META.get('QUERY_STRING', ''))}"


@receiver(signals.bind_extra_request_metadata)
def _start_clock(request, **kwargs):
    request.log_started = time.monotonic()


def _duration_ms(request):
    started = getattr(request, "log_started", None)
    return None if started is None else round((time.monotonic() - started) * 1000, 1)


@receiver(signals.bind_extra_request_finished_metadata)
def _finished(request, response, log_kwargs, **kwargs):
    log_kwargs["duration_ms"] = _duration_ms(request)
    response[REQUEST_ID_HEADER] = current_request_id()


@receiver(signals.bind_extra_request_failed_metadata)
def _failed(request, log_kwargs, **kwargs):
    log_kwargs["duration_ms"] = _duration_ms(request)


@receiver(signals.update_failure_response)
def _failure_response(response, **kwargs):
    response[REQUEST_ID_HEADER] = current_request_id()


@requires_csrf_token
def server_error(request):
    """The 500 page, with the request's id for the user to quote. Rendered without the context processors: the
    error may be the database's."""
    html = loader.get_template("500.html").render({"request_id": current_request_id()})
    return HttpResponseServerError(html)
