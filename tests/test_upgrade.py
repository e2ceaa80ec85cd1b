"""An upgrade keeps every row: a database built and filled by the previous release (``make run``'s data: the
register, the programme, the demo dataset, a report with its files, a token and a subscription) migrates forward
with this release, every table keeps its row count (only the new models' content types and permissions, and their
grants, are added), what moved between apps still works (the reports and their files, the tokens, and the roles'
permissions on them), and the previous release's code can still write to it.

``PREVIOUS_RELEASE`` is the last commit of ``main`` before a change to the models; move it on when a later change
moves or alters models again. The test runs on the suite's database engine (PostgreSQL in CI), in a database of its
own."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS_RELEASE = "9f1d4e4d1a5be92ec4582395e7d294d88bf42e2b"  # before the programme layer's split into apps

COUNT_ROWS = """
import json
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""

# The previous release's data that make run does not make: a subscription, so every moved table holds a row.
SUBSCRIBE = """
from django.contrib.auth import get_user_model
from smartcity.models import ReportSubscription
ReportSubscription.objects.create(user=get_user_model().objects.get(username="demo-reviewer"))
"""

OLD_CODE_WRITES = """
from django.contrib.auth import get_user_model
from regencies.models import Regency, RegencyMembership
from smartcity.models import ProgressReport
ProgressReport.objects.create(period_kind="month", year=2026, number=9)
reviewer = get_user_model().objects.get(username="demo-reviewer")
RegencyMembership.objects.create(user=reviewer, regency=Regency.objects.get(code="73.71")).delete()
"""

# Rows the upgrade adds to tables that were there: the content types and permissions of the new models (invitations,
# profiles, the security log, the memberships' history), the two permissions granted to ministry admins, and
# django-axes' four models (sign-in attempts, their log, failures, expirations) with four permissions each, and
# two-factor sign-in's three (django-otp's TOTP devices, the recovery codes and each code), four permissions each, and
# the evaluation's fourteen (weightings, parts, criteria, and rounds, assessments, answers, evidence and bimtek
# sessions with their histories, and scores) with four each and two of its own, twelve of them granted to the
# ministry's roles, and the permission to check progress evidence, granted to both.
ADDED = {
    "django_content_type": 4 + 4 + 3 + 14,
    "auth_permission": 17 + 16 + 12 + 58 + 1,
    "auth_group_permissions": 2 + 12 + 2,
}

CHECK_MOVED = """
import json
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from smartcity.accounts.models import ApiToken
from smartcity.reports.models import ProgressReport, ReportSubscription
users = get_user_model().objects
reviewer, admin = users.get(username="demo-reviewer"), users.get(username="demo-admin")
report = ProgressReport.objects.get()
print(json.dumps({
    "content_types": sorted(ContentType.objects.filter(model__in=["apitoken", "progressreport", "reportfile",
        "reportsubscription"]).values_list("app_label", "model")),
    "report": [report.status, report.period.key, sorted(item.format for item in report.files.all())],
    "files_readable": all(item.file.open("rb").read(4) for item in report.files.all()),
    "tokens_usable": ApiToken.objects.usable().count(),
    "subscribers": list(ReportSubscription.objects.values_list("user__username", flat=True)),
    "reviewer": sorted(p for p in ["reports.view_progressreport", "reports.request_progressreport",
        "reports.view_dashboard"] if reviewer.has_perm(p)),
    "admin_tokens": sorted(p for p in ["accounts.view_apitoken", "accounts.add_apitoken", "accounts.change_apitoken"]
        if admin.has_perm(p)),
}))
"""


@pytest.fixture
def database_url(tmp_path):
    """A database of the upgrade's own on the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    assert connection.vendor == "postgresql", connection.vendor
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"upgrade_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def previous_release(tmp_path):
    """The previous release's tree, from git."""
    known = subprocess.run(["git", "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"], cwd=ROOT, capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"needs the git history with {PREVIOUS_RELEASE}")
    folder = tmp_path / "previous"
    folder.mkdir()
    archive = subprocess.run(["git", "archive", PREVIOUS_RELEASE], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def run(tree, environment, *arguments, code=None):
    """``manage.py`` of ``tree`` (or ``code`` in its Django shell), with ``environment``; its output."""
    command = [sys.executable, "manage.py", *arguments] if code is None else [sys.executable, "manage.py", "shell"]
    result = subprocess.run(command, cwd=tree, env=environment, input=code, capture_output=True, text=True, timeout=600)
    what = " ".join(arguments) or "shell"
    assert result.returncode == 0, f"{what} failed in {tree}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_database_of_the_previous_release_migrates_forward_keeping_every_row(
    previous_release, database_url, tmp_path
):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DEBUG="true", DATABASE_URL=database_url, MEDIA_ROOT=str(tmp_path / "media"))
    for arguments in (["migrate", "--noinput"], ["load_regions"], ["load_programme"], ["seed_demo"]):
        run(previous_release, environment, *arguments)
    run(previous_release, environment, "generate_report", "--period", "2026-10")
    run(previous_release, environment, code=SUBSCRIBE)
    before = json.loads(run(ROOT, environment, code=COUNT_ROWS).splitlines()[-1])

    run(ROOT, environment, "migrate", "--noinput")

    after = json.loads(run(ROOT, environment, code=COUNT_ROWS).splitlines()[-1])
    changed = {
        table: (count, after.get(table))
        for table, count in before.items()
        if after.get(table) != count + ADDED.get(table, 0) and table != "django_migrations"
    }
    assert changed == {}, f"rows lost or added by the upgrade (before, after): {changed}"
    assert after["django_migrations"] > before["django_migrations"]
    moved = ["smartcity_apitoken", "smartcity_progressreport", "smartcity_reportfile", "smartcity_reportsubscription"]
    assert all(before[table] > 0 for table in moved), {table: before[table] for table in moved}
    # Each membership begins its history as made when it was, so who acted for a regency since when is complete.
    assert after["regencies_historicalregencymembership"] == after["regencies_regencymembership"] > 0

    state = json.loads(run(ROOT, environment, code=CHECK_MOVED).splitlines()[-1])
    assert state["content_types"] == [
        ["accounts", "apitoken"],
        ["reports", "progressreport"],
        ["reports", "reportfile"],
        ["reports", "reportsubscription"],
    ]
    assert state["report"] == ["done", "2026-10", ["csv", "csv", "pdf", "pdf", "xlsx", "xlsx"]]
    assert state["files_readable"] and state["tokens_usable"] > 0
    assert state["subscribers"] == ["demo-reviewer"]
    assert state["reviewer"] == sorted(
        ["reports.view_progressreport", "reports.request_progressreport", "reports.view_dashboard"]
    )
    assert state["admin_tokens"] == ["accounts.add_apitoken", "accounts.change_apitoken", "accounts.view_apitoken"]
    run(ROOT, environment, "makemigrations", "--check", "--dry-run")

    # The old code still running while the new release starts can write what it wrote before.
    run(previous_release, environment, code=OLD_CODE_WRITES)
