"""Cached dashboard figures that are never stale after a change.

Every key carries a data version. Saving or deleting any record the figures read bumps the version once the
transaction commits (model signals, connected in ``SmartCityConfig.ready``); bulk writes that send no model signals
bump it themselves (``seed_demo``, ``generate_scale_data``, and the register's ``register_synced``). Figures cached
under an older version are then never read again and expire. With several web processes the cache must be shared
(``CACHE_URL``, Redis), or a process would keep its own version.
"""

import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

VERSION_KEY = "figures:version"
TIMEOUT = 24 * 60 * 60
# What the figures read: a change to any of these makes every cached figure old.
SOURCES = [
    "regencies.Province",
    "regencies.Regency",
    "mou.Cohort",
    "mou.SigningEvent",
    "mou.MoU",
    "mou.Goal",
    "masterplans.Dimension",
    "masterplans.MasterPlan",
    "masterplans.PlanEvent",
    "masterplans.Programme",
    "masterplans.ProgressUpdate",
]


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


def cached(name, parts, compute):
    """``compute()``'s result, cached per data version and language under ``name`` and ``parts``."""
    key = ":".join(["figures", name, str(version()), get_language() or "", *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def connect():
    for label in SOURCES:
        model = apps.get_model(label)
        post_save.connect(bump_after_commit, sender=model, dispatch_uid=f"figures-{label}-save")
        post_delete.connect(bump_after_commit, sender=model, dispatch_uid=f"figures-{label}-delete")
    m2m_changed.connect(bump_after_commit, sender=apps.get_model("masterplans.MasterPlan").not_applicable.through)

    from regencies.register import register_synced

    register_synced.connect(bump_after_commit, dispatch_uid="figures-register")
