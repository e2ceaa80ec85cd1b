"""Logs: JSON lines with the request id on every line of a request and the task id on every line of a job; the id
in a response header and on the 500 page; no secrets in what is logged."""

import json
import os
import subprocess
import uuid

import pytest
from django.conf import settings

from regencies.views import RegencyListView
from smartcity.tasks import ping
from tests.smartcity.helpers import PROJECT_ROOT, run_django, worker_command

REQUEST_WITH_A_FOREIGN_LINE = (
    "from django.test.utils import setup_test_environment\n"
    "setup_test_environment()\n"
    "from django.test import Client\n"
    "response = Client(HTTP_HOST='evil.example').get('/accounts/reset/MQ/abc-123/?token=s3cret&page=2')\n"
    "print(response.status_code, response['X-Request-ID'])"
)


def json_lines(text):
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_every_line_of_a_request_is_json_with_its_request_id_and_no_secret():
    result = run_django(REQUEST_WITH_A_FOREIGN_LINE, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "400"
    uuid.UUID(request_id)
    lines = json_lines(result.stderr)
    of_the_request = [line for line in lines if line.get("request_id") == request_id]
    events = {line["event"] for line in of_the_request}
    assert "request_started" in events and "request_finished" in events
    # Django's own line about the refused host is one of the request's lines too.
    assert any(line["logger"] == "django.security.DisallowedHost" for line in of_the_request)
    finished = next(line for line in of_the_request if line["event"] == "request_finished")
    assert finished["code"] == 400 and finished["duration_ms"] >= 0 and finished["level"] == "warning"
    assert finished["request"] == "GET /accounts/reset/<uidb64>/<token>/?token=[redacted]&page=2"
    assert "s3cret" not in result.stderr and "abc-123" not in result.stderr
    assert "ip" not in finished


def test_development_logs_are_plain_lines():
    result = run_django(REQUEST_WITH_A_FOREIGN_LINE, LOG_FORMAT="plain")
    assert result.returncode == 0, result.stderr
    assert not json_lines(result.stderr)
    assert "request_finished" in result.stderr


@pytest.mark.django_db
def test_a_signed_in_request_logs_the_user_id_and_answers_with_its_request_id(client, ministry_admin, caplog):
    client.force_login(ministry_admin)
    response = client.get("/regencies/")
    assert response.status_code == 200
    (finished,) = [
        record.msg
        for record in caplog.records
        if getattr(record, "msg", None) and "request_finished" in str(record.msg)
    ]
    assert finished["user_id"] == ministry_admin.pk
    assert finished["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_the_500_page_shows_the_request_id_the_logs_have(client, monkeypatch, caplog):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("planted")

    monkeypatch.setattr(RegencyListView, "get", broken)
    client.raise_request_exception = False
    response = client.get("/regencies/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert f"<code>{request_id}</code>" in response.content.decode()
    failed = [
        record.msg
        for record in caplog.records
        if isinstance(record.msg, dict) and record.msg.get("event") == "request_failed"
    ]
    assert failed and failed[0]["request_id"] == request_id


@pytest.mark.services
def test_every_line_of_a_job_carries_its_task_id():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: this test needs Redis and a worker")
    name = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        worker_command(name, name),
        cwd=PROJECT_ROOT,
        env={**os.environ, "LOG_FORMAT": "json"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        result = ping.apply_async(queue=name)
        assert result.get(timeout=60)["pong"] is True
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    lines = json_lines(output)
    of_the_job = [line for line in lines if line.get("task_id") == result.id]
    events = [line["event"] for line in of_the_job]
    assert "task_started" in events and "task_succeeded" in events, output
    # Celery's own line for the job is among them, with the same id.
    assert any(line["logger"].startswith("celery") for line in of_the_job), output
