import os
import subprocess
import uuid

import pytest
from django.conf import settings

from smartcity.tasks import ping
from tests.smartcity.helpers import PROJECT_ROOT, worker_command

pytestmark = pytest.mark.services


@pytest.fixture
def worker():
    """A real Celery worker process on Redis, consuming a queue of its own so no other worker takes our task."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: this test needs Redis and a worker")
    name = f"test-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        worker_command(name, name),
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield name
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


def test_a_real_worker_runs_the_ping_task_through_redis(worker):
    result = ping.apply_async(queue=worker)
    answer = result.get(timeout=60)
    assert answer["pong"] is True
    assert answer["worker"].startswith(f"{worker}@")
