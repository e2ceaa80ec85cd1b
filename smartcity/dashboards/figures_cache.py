"""Cached dashboard figures that are never stale after a change: keyed by the data version
(``regencies.data_version``), which the model signals connected here move after every committed change to what the
figures and the API's published lists read."""

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from regencies.data_version import TIMEOUT, bump_after_commit, version

# What the figures and the published API lists read: a change to any of these makes every cached entry old.
SOURCES = [
    "regencies.Province",
    "regencies.Regency",
    "mou.Cohort",
    "mou.SigningEvent",
    "mou.MoU",
    "mou.Goal",
    "masterplans.Dimension",
    "masterplans.SubDimension",
    "masterplans.MasterPlan",
    "masterplans.PlanEvent",
    "masterplans.Programme",
    "masterplans.ProgressUpdate",
    "evaluation.BimtekSession",
    "evaluation.Round",  # published: the overview's and the regency pages' results
    "evaluation.Assessment",  # finalised: the staff dashboards' evaluation figures
]


def cached(name, parts, compute, data_version=None):
    """``compute()``'s result, cached per data version and language under ``name`` and ``parts``. A caller that
    keys more on the version (a template fragment) passes the one it read, so that both name the same data."""
    current = version() if data_version is None else data_version
    key = ":".join(["figures", name, str(current), get_language() or "", *map(str, parts)])
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
