"""Measurements for ``manage.py bench``, taken in the process of one database (one scale): server time and SQL
queries of the staff pages, and the national report job against its own SQL run directly with psycopg (the
limit). The ``bench`` command runs this once per scale and compares them."""

import asyncio
import statistics
import time

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterplans.models import MasterPlan
from smartcity import figures_cache, roles
from smartcity.models import ProgressReport
from smartcity.reports import services
from smartcity.reports.figures import Scope, compute
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
            figures_cache.bump()  # as after a change: the figures are computed afresh
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
