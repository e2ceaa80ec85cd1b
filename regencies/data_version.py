"""A data version that moves after every committed change to the programme's data, so that what is cached under it
is never stale: the dashboards' figures and the API's published lists carry it in their keys.

Saving or deleting any record they read bumps it once the transaction commits (model signals, connected by
``smartcity.dashboards.figures_cache.connect``); bulk writes that send no model signals bump it themselves
(``seed_demo``, ``generate_scale_data``, and the register's ``register_synced``). Entries cached under an older
version are never read again and expire. With several web processes the cache must be shared (``CACHE_URL``,
Redis), or a process would keep its own version. It lives in the first app so that every app's API may use it."""

import logging
import time

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "figures:version"
TIMEOUT = 24 * 60 * 60


def fresh_version():
    """A version no earlier key can carry, should the counter be evicted and start again."""
    return time.time_ns()


# A bump this process could not write (the cache ignores a Redis that is down): it is written again before the next
# read, so that entries cached before the change are not served once Redis is back.
_pending = False


def version():
    if _pending:
        bump()
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, fresh_version(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def bump():
    global _pending
    try:
        moved = cache.incr(VERSION_KEY) is not None  # None: the cache ignored an error
    except ValueError:  # no version (evicted): start again past every version used before
        cache.set(VERSION_KEY, fresh_version(), timeout=None)
        moved = cache.get(VERSION_KEY) is not None
    if not moved and not _pending:
        logger.error("The data version could not be moved (is the cache down?); trying again before the next read")
    _pending = not moved


def bump_after_commit(**kwargs):
    transaction.on_commit(bump)
