"""Who may read and request progress reports, who edits the schedules, and the schedules themselves.

The schedules are rows of django-celery-beat, made here once, so admins can change them in the admin site
without a deployment undoing it.
"""

from importlib import import_module

from django.db import migrations

role_permissions = import_module("smartcity.migrations.0002_role_permissions")

REPORT_STAFF = ["smartcity.view_progressreport", "smartcity.request_progressreport"]
SCHEDULE_EDITING = [
    f"django_celery_beat.{action}_{model}"
    for model in ("periodictask", "crontabschedule", "intervalschedule")
    for action in ("view", "add", "change")
]
GRANTS = {"Ministry admin": REPORT_STAFF + SCHEDULE_EDITING, "Ministry reviewer": REPORT_STAFF}

TIME_ZONE = "Asia/Jakarta"
SCHEDULES = [
    # name, task, crontab (minute, hour, day of month) or interval in minutes, description
    (
        "Monthly progress reports",
        "smartcity.tasks.run_monthly_reports",
        ("0", "7", "1"),
        "Last month's national report on the 1st at 07:00 WIB, then each province's.",
    ),
    (
        "Progress update reminders",
        "masterplans.tasks.send_progress_reminders",
        ("0", "7", "*"),
        "Every day at 07:00 WIB: remind officers of progress updates due within a week.",
    ),
    (
        "Sweep stuck reports",
        "smartcity.tasks.sweep_stuck_reports",
        10,
        "Every 10 minutes: reports running longer than any worker could are marked failed.",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when, description in SCHEDULES:
        if isinstance(when, int):
            schedule = {"interval": IntervalSchedule.objects.get_or_create(every=when, period="minutes")[0]}
        else:
            minute, hour, day = when
            schedule = {
                "crontab": CrontabSchedule.objects.get_or_create(
                    minute=minute,
                    hour=hour,
                    day_of_month=day,
                    month_of_year="*",
                    day_of_week="*",
                    timezone=TIME_ZONE,
                )[0]
            }
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "description": description, **schedule})


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


def grant(apps, schema_editor):
    role_permissions.grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    role_permissions.revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("smartcity", "0006_progress_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant, revoke), migrations.RunPython(create_schedules, delete_schedules)]
