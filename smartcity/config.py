"""Typed readers for the environment: every setting comes from here, and a bad value stops start-up.

django-environ parses the URLs; these helpers add what it does not check (it reads ``DEBUG=maybe`` as False and
accepts any database scheme) and make every error name the variable, in the spirit of Healthchecks' settings.
"""

import os
from email.utils import parseaddr

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DATABASE_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}
_BROKER_SCHEMES = ("redis://", "rediss://")


def _raw(name):
    value = os.environ.get(name)
    return value.strip() if value is not None and value.strip() else None


def _fail(name, problem):
    raise ImproperlyConfigured(f"Environment variable {name}: {problem}")


def read_env_file(path):
    """Load ``path`` (a ``.env`` file) into the environment if it exists; real variables win."""
    if os.path.isfile(path):
        environ.Env.read_env(path, overwrite=False)


def boolean(name, default):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    _fail(name, f"expected one of {sorted(_TRUE | _FALSE)}, got {value!r}")


def string(name, default=None):
    value = _raw(name)
    return default if value is None else value


def integer(name, default, minimum=1):
    value = _raw(name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < minimum:
        _fail(name, f"expected a whole number of at least {minimum}, got {value!r}")
    return int(value)


def rate(name, default):
    """A request rate such as ``1000/hour`` (per second, minute, hour or day)."""
    value = string(name, default)
    number, _, period = value.partition("/")
    if not (number.isdigit() and period in ("second", "minute", "hour", "day")):
        _fail(name, f"expected a rate such as 1000/hour (per second, minute, hour or day), got {value!r}")
    return value


def choice(name, choices, default):
    """One of ``choices``, case-insensitive."""
    value = _raw(name)
    if value is None:
        return default
    for option in choices:
        if value.lower() == option.lower():
            return option
    _fail(name, f"expected one of {list(choices)}, got {value!r}")


def string_list(name, default):
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        _fail(name, f"expected a comma-separated list without empty items, got {value!r}")
    return items


def database(name, default):
    value = _raw(name) or default
    try:
        config = _env.db_url_config(value)
    except Exception as exc:  # django-environ raises several types for malformed URLs
        _fail(name, f"cannot parse {value!r} ({exc})")
    if config.get("ENGINE") not in _DATABASE_ENGINES:
        _fail(name, f"unsupported database URL {value!r}; use sqlite:///path or postgres://user@host:port/name")
    if not config.get("NAME"):
        _fail(name, f"the URL {value!r} names no database")
    return config


def redis_url(name):
    """A Redis URL (the Celery broker, the cache), or None when unset."""
    value = _raw(name)
    if value is not None and not value.startswith(_BROKER_SCHEMES):
        _fail(name, f"expected a Redis URL such as redis://127.0.0.1:6379/0, got {value!r}")
    return value


def cache(name):
    """The cache at the Redis URL in ``name``, or one in each process when it is unset.

    django-redis, so that a Redis that is down costs speed, not pages: each call gives up within a second and
    answers as a miss (logged), and pages compute what they would have read."""
    url = redis_url(name)
    if url is None:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }


def addresses(name):
    """People to mail, comma-separated, each ``Name <address>`` or a bare address: Django's ``(name, address)``."""
    value = _raw(name)
    if value is None:
        return []
    people = []
    for item in value.split(","):
        person, address = parseaddr(item.strip())
        if "@" not in address:
            _fail(name, f"expected addresses such as Ops Team <ops@example.go.id>, got {item.strip()!r}")
        people.append((person or address, address))
    return people


def email(name, default):
    value = _raw(name) or default
    try:
        return _env.email_url_config(value)
    except Exception as exc:
        _fail(name, f"cannot parse {value!r} ({exc})")


def directory(name, default):
    value = _raw(name)
    path = os.path.abspath(value) if value is not None else str(default)
    if os.path.exists(path) and not os.path.isdir(path):
        _fail(name, f"{path!r} exists and is not a directory")
    return path
