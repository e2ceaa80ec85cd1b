"""A data version that moves after every committed change to the programme's data, so that what is cached under it
is never stale: the dashboards' figures and the API's published lists carry it in their keys.

Saving or deleting any record they read bumps it once the transaction commits (model signals, connected by
``smartcity.dashboards.figures_cache.connect``); bulk writes that send no model signals bump it themselves
(``seed_demo``, ``generate_scale_data``, and the register's ``register_synced``). Entries cached under an older
version are never read again and expire. With several web processes the cache must be shared (``CACHE_URL``,
Redis), or a process would keep its own version. It lives in the first app so that every app's API may use it."""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "figures:version"
TIMEOUT = 24 * 60 * 60


def fresh_version():
    """A version no earlier key can carry, should the counter be evicted and start again."""
    return time.time_ns()


def version():
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, fresh_version(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version (evicted): start again past every version used before
        cache.set(VERSION_KEY, fresh_version(), timeout=None)


def bump_after_commit(**kwargs):
    transaction.on_commit(bump)
