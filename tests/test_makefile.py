"""The Makefile's entry points, read with ``make -n`` (what each would run) in a copy of it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def commands(folder, *arguments, **environment):
    env = {key: value for key, value in os.environ.items() if key != "PORTAL_URL"} | environment
    result = subprocess.run(["make", "-n", *arguments], cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


@pytest.fixture
def project(tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_make_run_links_emails_to_the_address_it_serves_on(project):
    run = commands(project, "run", "PORT=8123")
    assert run[-1].endswith("manage.py runserver 127.0.0.1:8123")
    assert all(line.startswith("PORTAL_URL=http://127.0.0.1:8123 ") for line in run), run  # setup's jobs too


def test_make_run_keeps_a_portal_url_that_is_set(project):
    (project / ".env").write_text("DEBUG=true\nPORTAL_URL=https://portal.example.go.id\n")
    assert not any("PORTAL_URL=" in line for line in commands(project, "run", "PORT=8123"))
    (project / ".env").unlink()
    assert not any("PORTAL_URL=" in line for line in commands(project, "run", PORTAL_URL="https://x.example"))
