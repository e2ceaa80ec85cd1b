"""The shipped production files (``deploy/``) as the processes use them: gunicorn with its config file serves the
portal with ``DEBUG`` off, and refuses several workers without a shared cache; the systemd units' own command lines
and environment file start gunicorn, the Celery worker and beat against PostgreSQL and Redis, and they serve pages,
run a report job and send the scheduled tasks."""

import configparser
import http.client
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")]
# Where the README installs the checkout, its virtualenv and the environment file; the tests run this checkout.
INSTALL = "/opt/smartcity"
UNITS = ("smartcity-web.service", "smartcity-worker.service", "smartcity-beat.service")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(**changes):
    environment = {**os.environ, "DEBUG": "false", "SECRET_KEY": "deploy-test-secret-key-" + "x" * 40}
    environment.update(SECURE_SSL_REDIRECT="false", ALLOWED_HOSTS="localhost,127.0.0.1")
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def test_several_workers_without_a_shared_cache_are_refused():
    result = subprocess.run(
        [*GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=production_environment(CACHE_URL=None),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "2 workers need a shared cache: set CACHE_URL" in result.stderr + result.stdout


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """Returns a STATIC_ROOT that ``collectstatic`` filled, run once for the module's servers when a test first asks
    (after its skips: whitenoise compresses every file, which takes half a minute)."""
    path = tmp_path_factory.mktemp("static")

    def collect():
        if not (path / "staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=production_environment(DATABASE_URL="sqlite:///:memory:", STATIC_ROOT=str(path)),
                check=True,
                timeout=300,
            )
        return path

    return collect


@pytest.mark.services
def test_gunicorn_from_its_config_file_serves_the_portal_with_debug_off(tmp_path, collected_static):
    if not os.environ.get("CACHE_URL"):
        pytest.skip("CACHE_URL is not set: several workers need the shared Redis cache")
    environment = production_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(collected_static())
    )
    for command in (["migrate", "--noinput"], ["load_regions"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True, timeout=300)
    port = free_port()
    server = subprocess.Popen(
        [*GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    answer = response.status
            except OSError:
                time.sleep(0.5)
        assert answer == 200, server.stdout.read1().decode() if server.poll() is not None else "no answer"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/provinces/", timeout=10) as response:
            assert response.status == 200 and b'"count":38' in response.read()
        through_the_proxy = urllib.request.Request(
            f"http://127.0.0.1:{port}/regencies/?q=16.03", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(through_the_proxy, timeout=10) as response:
            page = response.read().decode()
            assert response.status == 200 and "Kabupaten Muara Enim" in page
            assert response.headers["Strict-Transport-Security"].startswith("max-age=3600")
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)[1]  # hashed by the manifest, by whitenoise
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=10) as response:
            assert response.status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# The systemd units of deploy/, started from their own command lines.


def unit(name):
    """A unit file of ``deploy/`` as systemd reads its keys (a repeated key keeps its last value)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    assert parser.read(DEPLOY / name), f"deploy/{name} is missing"
    return parser


def command_line(name):
    """The unit's ``ExecStart`` as this checkout runs it: ``/opt/smartcity/.venv/bin/X`` is this virtualenv's X and
    any other path under ``/opt/smartcity`` is the checkout's; nothing else changes."""
    words = shlex.split(unit(name)["Service"]["ExecStart"])
    # Without specifiers (%h), variables ($X) or prefixes (-, @, +), the words are exactly what systemd executes.
    assert not any(char in word for word in words for char in "%$\\") and words[0].startswith("/"), words
    bin_directory = f"{INSTALL}/.venv/bin/"
    return [
        str(Path(sys.executable).parent / word.removeprefix(bin_directory))
        if word.startswith(bin_directory)
        else word.replace(INSTALL, str(ROOT), 1)
        if word == INSTALL or word.startswith(f"{INSTALL}/")
        else word
        for word in words
    ]


def environment_file():
    """``deploy/smartcity.env`` (installed as ``/etc/smartcity/env``) as systemd reads it: ``NAME=value`` lines,
    comments skipped, a value's double quotes removed."""
    values = {}
    for line in (DEPLOY / "smartcity.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            value = value.strip()
            values[name.strip()] = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
    return values


def test_the_units_run_the_checkout_as_the_portal_user_with_its_environment_file():
    for name in UNITS:
        service = unit(name)["Service"]
        assert service["User"] == service["Group"] == "smartcity", name
        assert service["WorkingDirectory"] == INSTALL, name
        assert service["EnvironmentFile"] == "/etc/smartcity/env", name
        assert service["ExecStart"].startswith(f"{INSTALL}/.venv/bin/"), name
        assert service["Restart"] == "on-failure", name
        # systemd stops the main process only (TERM); gunicorn and Celery end their own children gracefully.
        assert service["KillMode"] == "mixed", name
        assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "yes", name
        assert unit(name)["Install"]["WantedBy"] == "smartcity.target", name
    # The web and the worker write uploads and report files under MEDIA_ROOT, in their state directory.
    media_root = Path(environment_file()["MEDIA_ROOT"])
    for name in ("smartcity-web.service", "smartcity-worker.service"):
        assert media_root.parent == Path("/var/lib") / unit(name)["Service"]["StateDirectory"], name
    # A worker's warm shutdown waits for the running report job, which may last REPORT_TIME_LIMIT (600 s).
    assert unit("smartcity-worker.service")["Service"]["TimeoutStopSec"] == "11min"
    assert environment_file()["DEBUG"] == "false"


def test_the_backup_runs_nightly_as_the_portal_user_into_its_state_directory():
    service, timer = unit("smartcity-backup.service")["Service"], unit("smartcity-backup.timer")
    assert service["User"] == "smartcity" and service["EnvironmentFile"] == "/etc/smartcity/env"
    assert service["Type"] == "oneshot" and command_line("smartcity-backup.service")[-1] == "backup"
    assert Path(environment_file()["BACKUP_DIR"]).parent == Path("/var/lib") / service["StateDirectory"]
    assert timer["Timer"]["OnCalendar"] == "*-*-* 01:30:00" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_nginx_site_takes_a_20_mb_upload_and_serves_no_media():
    from mou.validators import MAX_DOCUMENT_SIZE

    site = (DEPLOY / "nginx-smartcity.conf").read_text()
    limit = re.search(r"^\s*client_max_body_size (\d+)m;", site, re.MULTILINE)
    assert limit and int(limit[1]) * 1024 * 1024 > MAX_DOCUMENT_SIZE
    assert re.search(r"location /media/ \{\s*return 404;\s*\}", site)
    assert "alias" not in site and "X-Accel" not in site  # no file of MEDIA_ROOT is reachable from nginx
    # Overwritten, never appended to what a client sent ($proxy_add_x_forwarded_for would keep a forged value).
    for header in ("Host $host", "X-Forwarded-Proto $scheme", "X-Forwarded-For $remote_addr"):
        assert site.count(f"proxy_set_header {header};") == 2, header  # in the HTTP and the HTTPS server
    assert environment_file()["TRUSTED_PROXIES"] == "1", "the throttle must believe nginx's X-Forwarded-For"
    gunicorn_bind = environment_file()["GUNICORN_BIND"]
    assert f"server {gunicorn_bind} " in site


class Visitor:
    """A browser behind the nginx site: each request carries what nginx sets (``Host``, ``X-Forwarded-Proto``,
    ``X-Forwarded-For``), and the visitor keeps its cookies."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None, proto="https", headers=()):
        headers = {"Host": "localhost", "X-Forwarded-For": "203.0.113.7", **dict(headers)}
        if proto:
            headers["X-Forwarded-Proto"] = proto
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://localhost"})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, form):
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})


# The deploy admin's authenticator app: ministry admins sign in with two factors in production.
APP_KEY = "5b7e0a3c19d24f6e8a1c2d3e4f5a6b7c8d9e0f1a"


def app_code():
    return f"{TOTP(bytes.fromhex(APP_KEY)).token():06d}"


def live_members(group):
    """The processes of a process group that are still running (a zombie has ended)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _, pgrp = (entry / "stat").read_text().rpartition(")")[2].split()[:3]
        except OSError:  # it ended meanwhile
            continue
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members


def stop(process, timeout=30):
    """Stop a service as systemd does with ``KillMode=mixed``: TERM to the main process, which must then end its
    own children; returns its exit code. Anything still running after that fails the test."""
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{process.args[:4]} did not stop within {timeout} s of TERM") from None
    deadline = time.monotonic() + 5
    while live_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not live_members(process.pid), f"{process.args[:4]} left processes behind: {live_members(process.pid)}"
    return code


def wait_for(what, check, timeout, processes):
    """Poll ``check`` until it returns something true; fail when a service has died or time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            assert process.poll() is None, f"{name} exited with {process.returncode} while waiting for {what}"
        answer = check()
        if answer:
            return answer
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def manage(environment, *arguments):
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


# After migrate (which makes the roles and the schedules): the register and the programme's records, as the
# README's production steps load them; a ministry admin; and, for beat to prove itself, the migration's own sweeper
# schedule every second and a report left running by a worker that died long ago, which the sweeper must fail.
SETUP = """
import datetime, json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_otp.plugins.otp_totp.models import TOTPDevice
from smartcity import roles
from smartcity.reports.models import ProgressReport

call_command("load_regions", verbosity=0)
call_command("load_programme", verbosity=0)
admin = get_user_model().objects.create_user("deploy-admin", password={password!r})
admin.groups.add(Group.objects.get(name=roles.MINISTRY_ADMIN))
TOTPDevice.objects.create(user=admin, name="Authenticator app", key={APP_KEY!r}, confirmed=True)
sweeper = PeriodicTask.objects.get(task="smartcity.tasks.sweep_stuck_reports")
sweeper.interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
sweeper.save()
long_ago = timezone.now() - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER + 600)
stuck = ProgressReport.objects.create(
    period_kind="quarter", year=2025, number=1, status="running", requested_at=long_ago, started_at=long_ago
)
print(json.dumps({{"stuck": stuck.pk}}))
"""


@pytest.fixture
def fresh_database():
    """A PostgreSQL database of its own (named after DATABASE_URL's, so it stays beside it), dropped afterwards."""
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not PostgreSQL: the production services run on PostgreSQL")
    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/')}_units_{os.getpid()}"[-63:]
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.services
def test_the_units_serve_the_portal_run_jobs_and_send_the_schedule_on_postgresql_and_redis(
    tmp_path, collected_static, fresh_database
):
    import psycopg
    import redis

    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("CACHE_URL"):
        pytest.skip("CELERY_BROKER_URL and CACHE_URL are not both set: the services need Redis as broker and cache")
    static_root = collected_static()
    port = free_port()
    # As systemd starts them: a clean environment and the environment file, of which only what belongs to this
    # machine is replaced (the secret, host names, PostgreSQL and Redis, the directories, the mail).
    environment = {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "HOME": str(tmp_path),
        **environment_file(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "PORTAL_URL": "https://localhost",
        "DATABASE_URL": fresh_database,
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CACHE_URL": os.environ["CACHE_URL"],
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "consolemail://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": secrets.token_urlsafe(24),
    }
    (tmp_path / "metrics").mkdir()  # deploy/smartcity.tmpfiles makes it at boot
    if os.environ.get("CELERY_RESULT_BACKEND"):
        environment["CELERY_RESULT_BACKEND"] = os.environ["CELERY_RESULT_BACKEND"]
    manage(environment, "migrate", "--noinput")
    password = secrets.token_urlsafe(16)
    setup = SETUP.format(password=password, APP_KEY=APP_KEY)
    stuck = json.loads(manage(environment, "shell", "-c", setup).splitlines()[-1])["stuck"]

    processes, logs = {}, {}
    try:
        for name in UNITS:
            logs[name] = tmp_path / f"{name}.log"
            with logs[name].open("wb") as log:
                processes[name] = subprocess.Popen(
                    command_line(name),
                    cwd=unit(name)["Service"]["WorkingDirectory"].replace(INSTALL, str(ROOT), 1),
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a process group of its own, as systemd's cgroup
                )
        visitor = Visitor(port)

        def healthy():
            try:
                response, content = visitor.get("/healthz", proto=None)
            except OSError:
                return None
            return response.status == 200 and json.loads(content)

        health = wait_for("/healthz", healthy, 60, processes)
        assert health == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "results": "ok", "cache": "ok"}}

        # Plain HTTP is sent to HTTPS (nginx's port 80 says X-Forwarded-Proto: http); HTTPS pages are served.
        response, _ = visitor.get("/regencies/", proto="http")
        assert response.status == 301 and response.headers["Location"] == "https://localhost/regencies/"
        response, content = visitor.get("/")
        assert response.status == 200 and "Gerakan Menuju 100 Smart City" in content.decode()
        response, content = visitor.get("/regencies/?q=16.03")
        assert response.status == 200 and "Kabupaten Muara Enim" in content.decode()
        assert response.headers["Strict-Transport-Security"].startswith("max-age=3600")
        response, content = visitor.get("/api/v1/provinces/")
        assert response.status == 200 and json.loads(content)["count"] == 38
        # Static files come from whitenoise, cached for good under their hashed names; media never from a URL.
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', visitor.get("/")[1].decode())[1]
        response, _ = visitor.get(stylesheet)
        assert response.status == 200 and "immutable" in response.headers["Cache-Control"]
        assert visitor.get("/media/reports/anything.pdf")[0].status == 404

        # The worker: a ministry admin signs in and asks for a report, which the worker makes; the web then serves
        # the file the worker wrote under MEDIA_ROOT.
        visitor.get("/accounts/login/")
        response, _ = visitor.post("/accounts/login/", {"username": "deploy-admin", "password": password})
        assert response.status == 302, "the ministry admin could not sign in"
        response, _ = visitor.post("/accounts/two-factor/verify/", {"code": app_code()})
        assert response.status == 302, "the ministry admin's app code was refused"
        response, _ = visitor.post("/reports/generate/", {"scope": "national", "period": "2018-05"})
        assert response.status == 302, "the report was not queued"
        report = int(re.fullmatch(r"/reports/(\d+)/", response.headers["Location"])[1])

        def finished():
            status = json.loads(visitor.get(f"/reports/{report}/status/")[1])
            return status if status["finished"] else None

        status = wait_for("the report job", finished, 60, processes)
        assert status["status"] == "done", status
        pdf = next(item["url"] for item in status["files"] if item["format"] == "pdf" and item["language"] == "id")
        response, content = visitor.get(pdf)
        assert response.status == 200 and content.startswith(b"%PDF")
        assert list((tmp_path / "media").rglob("*.pdf")), "the worker wrote no file under MEDIA_ROOT"

        # Metrics: whichever gunicorn worker answers adds up every process's counts, the worker's job included.
        response, content = visitor.get(
            "/metrics", proto=None, headers={"Authorization": f"Bearer {environment['METRICS_TOKEN']}"}
        )
        assert response.status == 200
        scraped = content.decode()

        def sample(name, **labels):
            wanted = "".join(f'(?=[^}}]*{key}="{value}")' for key, value in labels.items())
            return sum(float(value) for value in re.findall(rf"^{name}\{{{wanted}[^}}]*\}} (\S+)$", scraped, re.M))

        assert sample("smartcity_celery_tasks_total", task="smartcity.tasks.generate_report", outcome="succeeded") >= 1
        assert sample("smartcity_reports", status="done") >= 1
        assert sample("django_http_requests_total_by_view_transport_method_total", view="regencies:regency-list") >= 1
        assert sample("django_db_execute_total", alias="default") > 0

        # The nightly backup's command, while the services run: an archive that holds the report's files.
        environment["BACKUP_DIR"] = str(tmp_path / "backups")
        backup = subprocess.run(
            command_line("smartcity-backup.service"), cwd=ROOT, env=environment, capture_output=True, text=True
        )
        assert backup.returncode == 0, backup.stderr
        (archive,) = (tmp_path / "backups").glob("smartcity-*.tar")
        assert "lengkap dan utuh" in manage(environment, "restore", "--check", str(archive))  # complete, undamaged
        with tarfile.open(archive) as tar:
            assert any(name.startswith("media/reports/") for name in tar.getnames()), "the report's files are missing"

        # Beat: it reads the schedules a migration made, and sends the sweeper, which the worker runs.
        with psycopg.connect(fresh_database, autocommit=True) as connection:
            schedules = {name for (name,) in connection.execute("SELECT name FROM django_celery_beat_periodictask")}
            assert {"Monthly progress reports", "Progress update reminders", "Sweep stuck reports"} <= schedules
            taken_by = connection.execute(
                "SELECT worker FROM smartcity_progressreport WHERE id = %s", [report]
            ).fetchone()[0]
            assert taken_by.startswith("celery@"), taken_by

            def swept():
                query = "SELECT status FROM smartcity_progressreport WHERE id = %s"
                return connection.execute(query, [stuck]).fetchone()[0] == "failed"

            wait_for("beat to send the sweeper", swept, 30, processes)

        # Stopped as systemd stops them: beat first, so that the worker can empty the queue of what beat sent.
        assert stop(processes.pop("smartcity-beat.service")) == 0
        broker = redis.Redis.from_url(environment["CELERY_BROKER_URL"])
        wait_for("the worker to empty the queue", lambda: broker.llen("celery") == 0, 30, processes)
        assert stop(processes.pop("smartcity-worker.service"), timeout=60) == 0
        assert stop(processes.pop("smartcity-web.service")) == 0
    except BaseException:
        for name, log in logs.items():
            print(f"---- {name} (last 60 lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-60:]))
        raise
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_a_restart_of_the_web_refuses_no_request_while_systemd_holds_its_socket(tmp_path, collected_static):
    """An upgrade restarts gunicorn (its code is preloaded). systemd holds the listening socket meanwhile
    (smartcity-web.socket), as emulated here: the socket on fd 3, ``LISTEN_FDS=1`` and ``LISTEN_PID``. Requests
    made while the old gunicorn stops and the new one starts all get their answer."""
    address = unit("smartcity-web.socket")["Socket"]["ListenStream"]
    assert address == environment_file()["GUNICORN_BIND"], "nginx, the socket and gunicorn must agree"
    assert "smartcity-web.socket" in unit("smartcity-web.service")["Unit"]["Requires"]
    assert "PartOf" not in unit("smartcity-web.socket")["Unit"], "restarting the web would close its socket"
    environment = production_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(collected_static()),
        WEB_CONCURRENCY="1",
        CACHE_URL=None,
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=environment, check=True)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1024)
        port = held.getsockname()[1]
        # What systemd does between fork and exec: the socket becomes fd 3, announced to the process itself.
        activated = (
            "import os, sys; os.dup2(int(sys.argv[1]), 3); "
            "os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid())); os.execv(sys.argv[2], sys.argv[2:])"
        )

        def start():
            return subprocess.Popen(
                [sys.executable, "-c", activated, str(held.fileno()), *command_line("smartcity-web.service")],
                cwd=ROOT,
                env=environment,
                pass_fds=[held.fileno()],
                start_new_session=True,
            )

        def get():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
                return response.status

        answers, sending = [], threading.Event()

        def keep_asking():
            while sending.is_set():
                try:
                    answers.append(get())
                except OSError as error:
                    answers.append(repr(error))

        old, new = start(), None
        senders = [threading.Thread(target=keep_asking) for _ in range(4)]
        try:
            assert get() == 200  # waits in the socket's queue until gunicorn has started
            sending.set()
            for sender in senders:
                sender.start()
            os.killpg(old.pid, signal.SIGTERM)  # systemctl restart: TERM to the master, wait for it, start again
            assert old.wait(timeout=30) == 0
            during_the_gap = len(answers)
            new = start()
            deadline = time.monotonic() + 60
            while len(answers) < during_the_gap + 20 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            sending.clear()
            for sender in senders:
                if sender.is_alive():
                    sender.join(timeout=60)
            for process in (old, new):
                if process is not None and process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
        assert len(answers) >= during_the_gap + 20, "the new gunicorn did not answer"
        assert set(answers) == {200}, [answer for answer in answers if answer != 200][:3]
