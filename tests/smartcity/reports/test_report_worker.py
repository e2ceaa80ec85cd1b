"""Progress reports through a real Celery worker on Redis and PostgreSQL: a report requested in a page's
transaction is computed by a worker, and a worker killed mid-report (SIGKILL) loses nothing: Redis hands the
unacknowledged job to the next worker once the visibility timeout has passed, and the report is done on the
second attempt."""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from smartcity.celery import app
from smartcity.reports import services
from smartcity.reports.choices import ReportStatus
from smartcity.reports.models import ProgressReport, ReportFile
from smartcity.reports.periods import Period
from smartcity.reports.tasks import generate_report
from tests.smartcity.helpers import PROJECT_ROOT, worker_command

# Short enough for a test; the worker's settings insist that the report's time limit stays below it.
VISIBILITY_TIMEOUT = 5
FILES = 6  # csv, xlsx and pdf, in Indonesian and English


def real_services(test):
    """Both marks: the worker reads what the test committed, and data made by migrations outlives the test."""
    return pytest.mark.services(pytest.mark.django_db(transaction=True, serialized_rollback=True)(test))


def last_month():
    return Period.month_before(timezone.localdate())


def national_reports(period):
    return ProgressReport.objects.filter(province=None, period_kind=period.kind, year=period.year, number=period.number)


def needs_real_services():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker shares the test database, and the test holds a table lock")
    if not django_settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: this test needs Redis and a worker")


def worker_database_url():
    """The URL of the database this test uses (pytest's test database), for a worker in another process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}{port}/{quote(db['NAME'], safe='')}"


class Workers:
    """Starts real ``celery worker`` processes (solo pool: the task runs in the main process) on the test's queue;
    every one still running is stopped at teardown, and each one's log is printed."""

    def __init__(self, queue, media_root, log_dir):
        self.queue, self.media_root, self.log_dir = queue, media_root, log_dir
        self.started = []

    def start(self, **env):
        number = len(self.started) + 1
        log = self.log_dir / f"worker-{number}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(self.media_root),
            **env,
        }
        with open(log, "w") as output:
            process = subprocess.Popen(
                worker_command(self.queue, f"{self.queue}-{number}"),
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.started.append((process, log))
        return process

    def stop_all(self):
        for process, log in self.started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            print(f"\n===== {log.name} (exit {process.returncode})\n{log.read_text()}")


@pytest.fixture
def report_queue():
    """A queue of this test's own: the report task is routed there (request() queues it without naming one)."""
    needs_real_services()
    name = f"test-reports-{uuid.uuid4().hex[:8]}"
    saved = {"task_routes": app.conf.task_routes, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(task_routes={generate_report.name: {"queue": name}}, task_always_eager=False)
    yield name
    app.conf.update(**saved)
    with app.connection_for_write() as broker:  # its messages and its binding go from Redis
        queue = app.amqp.queues[name](broker.default_channel)
        queue.declare()  # the channel deletes only the bindings it knows
        queue.delete()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def workers(report_queue, media_root, tmp_path):
    started = Workers(report_queue, media_root, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def programme_lock():
    """A second real connection to the test database, which can hold the programmes table locked."""
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    yield other
    other.rollback()
    other.close()


def wait_for(condition, timeout, what, workers):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for process, log in workers.started:
            if process.poll() is not None and process.returncode != -signal.SIGKILL:
                pytest.fail(f"{log.name} exited ({process.returncode}) while waiting for {what}")
        time.sleep(0.2)
    pytest.fail(f"waited {timeout} s for {what}")


def report_row(period, status):
    return national_reports(period).filter(status=status).first()


def backends_waiting_on_programmes():
    """The other sessions of the test database that wait for a lock in a query on the programmes table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            ["%masterplans_programme%"],
        )
        return [pid for (pid,) in cursor.fetchall()]


def backend_exists(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] > 0


def assert_done_with_files(period, attempts):
    reports = list(national_reports(period))
    assert len(reports) == 1
    report = reports[0]
    assert report.status == ReportStatus.DONE, report.error
    assert report.attempts == attempts
    assert report.progress == 100
    files = list(ReportFile.objects.filter(report=report))
    assert sorted((item.format, item.language) for item in files) == sorted(
        (format, language) for format in ("csv", "xlsx", "pdf") for language in ("id", "en")
    )
    assert len(files) == FILES
    for item in files:
        path = Path(django_settings.MEDIA_ROOT) / item.file.name
        assert path.is_file(), path
        assert path.stat().st_size == item.size > 0


@pytest.mark.usefixtures("programme")
@real_services
def test_a_requested_report_is_computed_by_a_real_worker(workers):
    period = last_month()
    workers.start()

    report = services.request("national", period.key)  # committed: the job is queued on commit

    assert report.status == ReportStatus.QUEUED
    wait_for(lambda: report_row(period, ReportStatus.DONE), 60, "the report to be done", workers)
    assert_done_with_files(period, attempts=1)


@pytest.mark.usefixtures("programme")
@real_services
def test_a_report_whose_worker_is_killed_is_done_by_the_next_worker(workers, programme_lock):
    period = last_month()
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "REPORT_TIME_LIMIT": str(VISIBILITY_TIMEOUT - 1)}
    # The report's figures read the programmes; while this lock is held, the worker waits in that query.
    programme_lock.execute("LOCK TABLE masterplans_programme IN ACCESS EXCLUSIVE MODE")
    first = workers.start(**env)

    services.request("national", period.key)

    running = wait_for(lambda: report_row(period, ReportStatus.RUNNING), 60, "the report to be running", workers)
    assert running.attempts == 1
    assert running.worker.startswith(f"{workers.queue}-") and "@" in running.worker  # the row says where it runs
    assert len(running.task_id) == 36
    (waiting,) = wait_for(backends_waiting_on_programmes, 30, "the worker to wait for the lock", workers)
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    programme_lock.rollback()
    # The killed worker's session finishes its query, finds nobody to answer, and ends.
    wait_for(lambda: not backend_exists(waiting), 30, "the killed worker's database session to end", workers)
    report = national_reports(period).get()
    assert (report.status, report.attempts) == (ReportStatus.RUNNING, 1)

    # A worker hands back the unacknowledged jobs older than the visibility timeout when it starts (kombu's
    # restore_visible as it joins the event loop) and after that only every 100 s (unacked_restore_interval 10 s
    # x unacked_restore_throttle 10), so the new worker starts once the job is that old. It was delivered before
    # the report was marked running.
    time.sleep(max(0, running.started_at.timestamp() + VISIBILITY_TIMEOUT + 1 - time.time()))
    workers.start(**env)

    wait_for(lambda: report_row(period, ReportStatus.DONE), 60, "the second worker to finish the report", workers)
    assert_done_with_files(period, attempts=2)
