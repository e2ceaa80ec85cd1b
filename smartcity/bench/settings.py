"""Settings for ``manage.py bench``'s web server: the portal's own, with the baselines' addresses added, and with
``BENCH_UNCACHED=true`` no cache at all, so that every API answer is computed afresh."""

from smartcity import config
from smartcity.settings import *  # noqa: F403

ROOT_URLCONF = "smartcity.bench.urls"

if config.boolean("BENCH_UNCACHED", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
