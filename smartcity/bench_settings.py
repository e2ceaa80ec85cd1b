"""Settings for ``manage.py bench``'s web server: the portal's own, with the baselines' addresses added."""

from smartcity.settings import *  # noqa: F403

ROOT_URLCONF = "smartcity.bench_urls"
