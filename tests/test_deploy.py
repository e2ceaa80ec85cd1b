"""The shipped production files (``deploy/``) as the processes use them: gunicorn with its config file serves the
portal with ``DEBUG`` off, and refuses several workers without a shared cache."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]


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


@pytest.mark.services
def test_gunicorn_from_its_config_file_serves_the_portal_with_debug_off(tmp_path):
    if not os.environ.get("CACHE_URL"):
        pytest.skip("CACHE_URL is not set: several workers need the shared Redis cache")
    environment = production_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(tmp_path / "static")
    )
    for command in (["migrate", "--noinput"], ["load_regions"], ["collectstatic", "--noinput", "-v0"]):
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
