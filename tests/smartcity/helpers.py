import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def worker_command(queue, hostname):
    """A real Celery worker on Redis (solo pool: tasks run in its main process) that consumes ``queue`` only, so no
    other worker takes a test's tasks."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "smartcity",
        "worker",
        "--pool",
        "solo",
        "--queues",
        queue,
        "--hostname",
        f"{hostname}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]


def run_django(code, **env):
    """Run ``code`` in a fresh Python process with Django set up under the given environment (None unsets)."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartcity.settings"}
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    script = f"import django\ndjango.setup()\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
