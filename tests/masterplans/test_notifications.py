import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from masterplans import services
from masterplans.models import MasterPlan, ProgressReminder, ProgressUpdate
from masterplans.notifications import progress_reminders, quarter_to_remind
from masterplans.schedule import Quarter

# The email tasks run here, so their mail lands in Django's test outbox (a worker would send it elsewhere).
pytestmark = pytest.mark.usefixtures("tasks_in_process")


def test_reviewers_hear_of_a_submission(complete_draft, officer, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(complete_draft.pk, officer)
    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert "Muara Enim" in message.subject
    assert "diajukan" in message.subject  # Indonesian first, then English
    assert message.body.index("mengajukan") < message.body.index("submitted")
    assert f"/plans/{complete_draft.pk}/" in message.body


def test_officers_hear_of_a_decision_with_the_comment(
    complete_draft, officer, reviewer, django_capture_on_commit_callbacks
):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_revision(complete_draft.pk, reviewer, "Lengkapi anggaran 2021.")
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert "Lengkapi anggaran 2021." in message.body


def test_nothing_is_sent_before_the_transaction_commits(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)  # the test's transaction never commits
    assert mail.outbox == []


def test_the_reminder_window_opens_a_week_before_the_due_date():
    assert quarter_to_remind(datetime.date(2026, 10, 7)) == (None, None)
    quarter, due = quarter_to_remind(datetime.date(2026, 10, 8))
    assert (quarter, due.date) == (Quarter(2026, 3), datetime.date(2026, 10, 15))
    assert quarter_to_remind(datetime.date(2026, 10, 16)) == (None, None)


def approved_at(plan, *moment):
    MasterPlan.objects.filter(pk=plan.pk).update(decided_at=timezone.make_aware(datetime.datetime(*moment)))
    return plan


@pytest.fixture
def approved_in_2023(approved):
    """``approved``, as if approved on 1 June 2023: it owes the updates of 2023 Q3 on time."""
    return approved_at(approved, 2023, 6, 1, 10)


def test_officers_are_reminded_once_of_missing_updates(approved_in_2023, officer):
    today = datetime.date(2023, 10, 10)  # Q3 2023 is due on 16 October 2023 (15 October is a Sunday)
    assert progress_reminders(today) == 1
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert "6" in message.body and "2023 Q3" in message.body
    assert progress_reminders(today) == 0  # safe to run twice
    assert len(mail.outbox) == 1
    assert ProgressReminder.objects.get().quarter == 3


def test_programmes_not_running_that_year_need_no_reminder(approved_in_2023, officer):
    approved_in_2023.programmes.update(start_year=2019, end_year=2022)
    assert progress_reminders(datetime.date(2023, 10, 10)) == 0


def test_no_reminder_when_every_programme_has_reported(approved_in_2023, officer):
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(programme=p, year=2023, quarter=3, physical_percent=50, spent=0, status="on_track")
        for p in approved_in_2023.programmes.all()
    )
    assert progress_reminders(datetime.date(2023, 10, 10)) == 0
    assert mail.outbox == []


def test_reminders_of_earlier_quarters_do_not_stop_later_ones(approved_in_2023, officer):
    ProgressReminder.objects.create(plan=approved_in_2023, year=2022, quarter=3)
    ProgressReminder.objects.create(plan=approved_in_2023, year=2023, quarter=1)
    assert progress_reminders(datetime.date(2023, 10, 10)) == 1


def test_a_plan_approved_on_the_due_day_is_not_reminded(approved, officer):
    """Q3 2023 fell due on Monday 16 October 2023: a plan approved that day is not late without its updates, so it
    is not reminded of them; one approved the evening before is."""
    approved_at(approved, 2023, 10, 16, 9)
    assert progress_reminders(datetime.date(2023, 10, 16)) == 0
    approved_at(approved, 2023, 10, 15, 23, 30)
    assert progress_reminders(datetime.date(2023, 10, 16)) == 1


def test_a_mail_server_failure_does_not_undo_or_break_the_step(
    client, complete_draft, officer, reviewer, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("masterplans:plan-step", args=[complete_draft.pk, "submit"]))
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == "submitted"
    assert "Could not send the email for plan event" in caplog.text
