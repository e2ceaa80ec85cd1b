"""Project-wide pytest hooks. In CI (``CI`` set, as ``.ci/run`` does), a skipped test is a failed test: CI has
PostgreSQL, Redis and a worker, so a test that skips there did not test what it claims."""

import os

import pytest

pytest_plugins = ["tests.browser"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where every service must be present: {reason}"


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without running collectstatic, so they use the storage that needs no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
