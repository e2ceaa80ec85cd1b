import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regencies import data_version
from smartcity.bench import benchmarks

SCALES = ["0.1", "1"]
SEED = 100
TARGETS = {"queries": 12, "dashboard_median_ms": 150, "report_ratio": 3, "growth": 2, "api_ratio": 0.6}
API_PORT, API_CLIENTS, API_SECONDS = 8799, 16, 10
LOAD_USERS, LOAD_SECONDS = 50, 60
API_COLUMNS = ["cached", "baseline", "ratio", "uncached", "baseline", "ratio", "errors"]


class Command(BaseCommand):
    help = (
        "Benchmark the portal at national scale on PostgreSQL: builds a database per scale (0.1 and 1) with "
        "generate_scale_data, then measures with DEBUG off the staff pages (median and p95 server time, SQL "
        "queries), the national report job against its raw SQL, the API lists under gunicorn against a one-query "
        "baseline, and a locust load test of mixed traffic; prints a table and writes it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
        parser.add_argument("--output", default="bench.json", help="where the JSON goes")
        parser.add_argument("--rebuild", action="store_true", help="make the scale databases again")
        parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--actors", action="store_true", help=argparse.SUPPRESS)

    def handle(self, server, output, rebuild, measure, actors, **options):
        if measure:  # inside one scale's database: print the measurements as JSON
            data_version.bump()  # a shared cache (CACHE_URL) may hold another scale's figures
            self.stdout.write(json.dumps({"pages": benchmarks.measure_pages(), "report": benchmarks.measure_report()}))
            return
        if actors:  # inside the scale 1 database: who the load test plays, as JSON
            self.stdout.write(json.dumps(benchmarks.load_actors()))
            return
        results = {}
        # With DEBUG off, pages need the hashed static files' manifest.
        self.manage(f"{server.rstrip('/')}/postgres", "collectstatic", "--noinput", "--verbosity", "0")
        for scale in SCALES:
            database = f"smartcity_bench_{scale.replace('.', '_')}"
            url = f"{server.rstrip('/')}/{database}"
            if rebuild or not self.exists(server, database):
                self.build(server, database, url, scale)
            self.stderr.write(f"Measuring scale {scale} …")
            results[scale] = json.loads(self.manage(url, "bench", "--measure").stdout)
        largest = f"{server.rstrip('/')}/smartcity_bench_{SCALES[-1].replace('.', '_')}"
        self.stderr.write("Measuring the API under gunicorn …")
        api = self.measure_api(largest)
        self.stderr.write(f"Load test: {LOAD_USERS} users for {LOAD_SECONDS} s …")
        load = self.measure_load(largest)
        summary = dict(self.summarise(results), api=api, load=load)
        Path(output).write_text(json.dumps(summary, indent=2))
        self.print_table(summary)
        self.stdout.write(f"\nWritten to {output}.")

    def exists(self, server, database):
        with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as admin:
            return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is not None

    def build(self, server, database, url, scale):
        with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
            admin.execute(f'CREATE DATABASE "{database}"')
        started = time.perf_counter()
        for step in (["migrate", "--noinput"], ["load_regions"], ["load_programme"]):
            self.manage(url, *step)
        made = self.manage(url, "generate_scale_data", "--scale", scale, "--seed", str(SEED)).stdout.strip()
        self.stderr.write(f"{made} (database ready in {time.perf_counter() - started:.0f} s)")

    @contextlib.contextmanager
    def gunicorn(self, url, workers=None, **variables):
        """The portal under gunicorn (as many workers as cores unless told) on loopback, with the baselines'
        addresses."""
        environment = {**self.environment(url), "DJANGO_SETTINGS_MODULE": "smartcity.bench.settings", **variables}
        # Measure the portal, not its throttles' refusals (every client here comes from one address).
        environment["API_RATE_ANONYMOUS"] = environment["API_RATE_TOKEN"] = "100000000/hour"
        workers = str(workers or os.cpu_count() or 2)
        data_version.bump()  # a shared cache (CACHE_URL) may hold another scale's answers
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "smartcity.wsgi",
                "--preload",
                "--bind",
                f"127.0.0.1:{API_PORT}",
                "-w",
                workers,
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    benchmarks.requests_per_second(API_PORT, "/healthz", 0.1, 1)
                    break
                except OSError:
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{API_PORT}"
        finally:
            server.terminate()
            server.wait(timeout=30)

    def measure_api(self, url):
        """Each API list and its baseline at scale 1: as served (published lists from the shared cache after the
        first request that follows a change), and with no cache, every answer computed afresh."""
        results = {path: {} for path in benchmarks.API_LISTS}
        for kind, variables in (("cached", {}), ("uncached", {"BENCH_UNCACHED": "true"})):
            with self.gunicorn(url, **variables):
                for path, baseline in benchmarks.API_LISTS.items():
                    benchmarks.requests_per_second(API_PORT, path, 1, API_CLIENTS)  # warm-up
                    api, api_failed = benchmarks.requests_per_second(API_PORT, path, API_SECONDS, API_CLIENTS)
                    floor, floor_failed = benchmarks.requests_per_second(API_PORT, baseline, API_SECONDS, API_CLIENTS)
                    results[path][kind] = {
                        "rps": round(api, 1),
                        "baseline_rps": round(floor, 1),
                        "ratio": round(api / floor, 2) if floor else None,
                        "errors": api_failed + floor_failed,
                    }
        return results

    def measure_load(self, url):
        """Mixed traffic (``smartcity/bench/locustfile.py``) of LOAD_USERS users for LOAD_SECONDS on gunicorn (2 x cores
        + 1 workers, as gunicorn advises) at scale 1: requests, error ratio, p50, p95 and p99, overall and per
        address."""
        actors = self.manage(url, "bench", "--actors").stdout
        workers = 2 * (os.cpu_count() or 2) + 1
        with self.gunicorn(url, workers=workers) as address:
            results = benchmarks.load_test(address, actors, LOAD_USERS, LOAD_SECONDS)
        return {"users": LOAD_USERS, "seconds": LOAD_SECONDS, "workers": workers, **results}

    def environment(self, url):
        return {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-000000"),
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-media-"),
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",  # gunicorn serves plain HTTP on loopback here
        }

    def manage(self, url, *arguments):
        environment = self.environment(url)
        environment.pop("CELERY_BROKER_URL", None)  # the report job runs in-process, to be timed
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise CommandError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
        return result

    def summarise(self, results):
        small, large = (results[scale] for scale in SCALES)
        growth = {
            name: round(large["pages"][name]["median_ms"] / small["pages"][name]["median_ms"], 2)
            for name in large["pages"]
        }
        growth["national report job"] = round(large["report"]["job_s"] / small["report"]["job_s"], 2)
        return {"scales": results, "growth": growth, "targets": TARGETS}

    def print_table(self, summary):
        scales = summary["scales"]
        self.stdout.write(
            f"\n{'page':<22}"
            + "".join(f"{'scale ' + s + ' median/p95 ms':>28}{'queries':>9}{'first look':>12}" for s in SCALES)
            + f"{'growth':>9}"
        )
        for name in scales[SCALES[0]]["pages"]:
            cells = ""
            for scale in SCALES:
                page = scales[scale]["pages"][name]
                cells += f"{page['median_ms']:>18.1f} / {page['p95_ms']:>7.1f}{page['queries']:>9}"
                cells += f"{page['first_look_median_ms']:>12.1f}"
            self.stdout.write(f"{name:<22}{cells}{summary['growth'][name]:>9.2f}x")
        self.stdout.write("(first look: median ms with the cache emptied before each request, as after a change)")
        self.stdout.write(f"\n{'national report job':<22}" + "".join(f"{'scale ' + s:>32}" for s in SCALES))
        for label, key in (("job (s)", "job_s"), ("raw SQL (s)", "raw_sql_s"), ("job / raw SQL", "ratio")):
            self.stdout.write(f"{label:<22}" + "".join(f"{scales[s]['report'][key]:>32}" for s in SCALES))
        self.stdout.write(f"{'growth (scale 1 / 0.1)':<22}{summary['growth']['national report job']:>32.2f}x")
        self.stdout.write(f"\n{'API at scale 1 (16 clients), req/s':<38}" + "".join(f"{h:>10}" for h in API_COLUMNS))
        for path, row in summary["api"].items():
            cells = [row[kind][key] for kind in ("cached", "uncached") for key in ("rps", "baseline_rps", "ratio")]
            errors = sum(row[kind]["errors"] for kind in ("cached", "uncached"))
            self.stdout.write(f"{path:<38}" + "".join(f"{cell:>10}" for cell in [*cells, errors]))
        self.stdout.write("(cached: as served, published lists from the shared cache; uncached: every answer computed)")
        load = summary["load"]
        self.stdout.write(
            f"\nLoad test at scale 1: {load['users']} users for {load['seconds']} s, mixed traffic, gunicorn with "
            f"{load['workers']} workers"
        )
        self.stdout.write(f"{'address':<46}{'requests':>10}{'errors':>8}{'error %':>9}{'p50':>7}{'p95':>7}{'p99':>7}")
        for name, row in [*sorted(load["addresses"].items()), ("all", load["all"])]:
            self.stdout.write(
                f"{name:<46}{row['requests']:>10}{row['failures']:>8}{100 * (row['error_ratio'] or 0):>9.2f}"
                f"{row['p50_ms']:>7}{row['p95_ms']:>7}{row['p99_ms']:>7}"
            )
        self.stdout.write(f"(milliseconds; {load['all']['rps']} requests/s in all)")
        self.stdout.write(
            f"\nTargets at scale 1: at most {TARGETS['queries']} queries per page, the same at both scales; "
            f"dashboard median under {TARGETS['dashboard_median_ms']} ms; report job at most "
            f"{TARGETS['report_ratio']}x its raw SQL; growth at most {TARGETS['growth']}x; API lists at least "
            f"{TARGETS['api_ratio']:.0%} of their baseline; load test error ratio 0."
        )
