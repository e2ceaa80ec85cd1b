"""The Celery app. Configuration comes from Django settings (``CELERY_*``); tasks are found in each app's tasks.py."""

import os

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings")

app = Celery("smartcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every log line of a job carries its task id (and the id of the request that queued it): see smartcity.logs.
app.steps["worker"].add(DjangoStructLogInitStep)
