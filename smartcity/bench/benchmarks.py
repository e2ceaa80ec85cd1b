"""Measurements for ``manage.py bench``, taken in the process of one database (one scale): server time and SQL
queries of the staff pages, and the national report job against its own SQL run directly with psycopg (the
limit). The ``bench`` command runs this once per scale and compares them."""

import asyncio
import csv
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterplans.models import MasterPlan
from regencies import data_version
from regencies.models import RegencyMembership
from smartcity import roles
from smartcity.accounts.choices import TokenScope
from smartcity.accounts.models import ApiToken
from smartcity.reports import services
from smartcity.reports.figures import Scope, compute
from smartcity.reports.models import ProgressReport
from smartcity.reports.periods import Period

REQUESTS = 20
WARM_UP = 2
COLD_REQUESTS = 5


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function, repeat):
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return seconds


def pages():
    """The staff pages the issue names, each with a province and a regency that have data."""
    plan = MasterPlan.objects.filter(status="approved").select_related("regency__province").order_by("pk").first()
    province, regency = plan.regency.province.code, plan.regency.code
    return {
        "national dashboard": "/dashboard/",
        "province page": f"/dashboard/provinces/{province}/",
        "regency page": f"/dashboard/regencies/{regency}/",
        "reviewer queue": "/plans/review/",
    }


def measure_pages():
    user, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    user.groups.add(Group.objects.get(name=roles.MINISTRY_REVIEWER))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    results = {}
    for name, address in pages().items():
        for _ in range(WARM_UP):
            assert client.get(address).status_code == 200, address
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        # Counted now: every request starts by clearing the connection's query log.
        query_count = len(queries.captured_queries)
        seconds = timed(lambda address=address: client.get(address), REQUESTS)

        def first_look(address=address):
            data_version.bump()  # as after a change: the figures are computed afresh
            client.get(address)

        cold = timed(first_look, COLD_REQUESTS)
        results[name] = {
            "address": address,
            "median_ms": round(statistics.median(seconds) * 1000, 1),
            "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
            "queries": query_count,
            "first_look_median_ms": round(statistics.median(cold) * 1000, 1),
        }
    return results


def measure_report():
    """The national report of last month as the job makes it (figures and six files), against the same SQL
    aggregates sent straight to PostgreSQL with psycopg."""
    period = Period.month_before(timezone.localdate())
    with CaptureQueriesContext(connection) as captured:
        compute(Scope(), period)
    sql = [query["sql"] for query in captured.captured_queries]

    def job():
        ProgressReport.objects.filter(province=None, year=period.year, number=period.number).delete()
        services.request("national", period.key)

    job_seconds = statistics.median(timed(job, 3))
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    ) as raw:

        def run_sql():
            with raw.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
                    cursor.fetchall()

        raw_seconds = statistics.median(timed(run_sql, 3))
    return {
        "job_s": round(job_seconds, 3),
        "raw_sql_s": round(raw_seconds, 3),
        "ratio": round(job_seconds / raw_seconds, 2) if raw_seconds else None,
        "queries": len(sql),
    }


API_LISTS = {
    "/api/v1/regencies/": "/bench/baseline/regencies/",
    "/api/v1/programmes/?page_size=100": "/bench/baseline/programmes/",
    "/api/v1/stats/": "/bench/baseline/stats/",
}


def requests_per_second(port, path, seconds, clients):
    """Requests per second that ``clients`` concurrent clients get answered at ``path``, over loopback; and how
    many answers were not 200."""

    async def load():
        loop = asyncio.get_running_loop()
        stop = loop.time() + seconds
        answered, failed = 0, 0

        async def client():
            nonlocal answered, failed
            while loop.time() < stop:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                writer.write(f"{request}Connection: close\r\n\r\n".encode())
                await writer.drain()
                answer = await reader.read()
                writer.close()
                if answer[9:12] == b"200":
                    answered += 1
                else:
                    failed += 1

        started = loop.time()
        await asyncio.gather(*(client() for _ in range(clients)))
        return answered / (loop.time() - started), failed

    return asyncio.run(load())


def load_actors(officers=20, reviewers=5):
    """Who the load test plays (``smartcity/bench/locustfile.py``), made in the benchmark's database: a partner's token,
    officers of regencies with an approved plan and reviewers, each already signed in (a session cookie), so that
    the test measures the portal's pages rather than password hashing."""
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}

    def session(username, role):
        user, _ = User.objects.get_or_create(username=username)
        user.groups.add(groups[role])
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return user, client.cookies["sessionid"].value

    partner, _ = User.objects.get_or_create(username="bench-partner")
    partner.groups.add(groups[roles.PARTNER])
    token = ApiToken(
        user=partner,
        name="Load test",
        organisation="Benchmark (demo data)",
        scope=TokenScope.READ,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    raw = token.issue()
    token.save()
    plans = MasterPlan.objects.filter(status="approved").select_related("regency__province").order_by("pk")
    officer_sessions = []
    for number, plan in enumerate(plans[:officers]):
        user, cookie = session(f"bench-officer-{number}", roles.REGENCY_OFFICER)
        RegencyMembership.objects.get_or_create(user=user, regency=plan.regency)
        officer_sessions.append({"session": cookie, "plan": plan.pk})
    return {
        "token": raw,
        "officers": officer_sessions,
        "reviewers": [session(f"bench-reviewer-{n}", roles.MINISTRY_REVIEWER)[1] for n in range(reviewers)],
        "provinces": sorted({plan.regency.province.code for plan in plans}),
        "regencies": sorted({plan.regency.code for plan in plans}),
    }


def load_test(address, actors, users, seconds):
    """Mixed traffic (``smartcity/bench/locustfile.py``) of ``users`` locust users for ``seconds`` at ``address``,
    playing ``actors`` (the JSON of ``load_actors``): requests, error ratio, requests per second, p50, p95 and p99 in
    milliseconds, overall and per address."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                *(sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py"))),
                *("--headless", "--users", str(users), "--spawn-rate", "10", "--run-time", f"{seconds}s"),
                *("--host", address, "--only-summary", "--csv", f"{folder}/load", "--loglevel", "WARNING"),
            ],
            env={**os.environ, "LOAD_ACTORS": actors},
            capture_output=True,
        )  # locust exits 1 when a request failed: the failures are counted below
        with open(f"{folder}/load_stats.csv", newline="") as stats:
            rows = list(csv.DictReader(stats))

    def figures(row):
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        return {
            "requests": requests,
            "failures": failures,
            "error_ratio": round(failures / requests, 4) if requests else None,
            "rps": round(float(row["Requests/s"]), 1),
            **{f"p{share}_ms": int(float(row[f"{share}%"])) for share in (50, 95, 99)},
        }

    return {
        "all": figures(next(row for row in rows if row["Name"] == "Aggregated")),
        "addresses": {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated"},
    }
