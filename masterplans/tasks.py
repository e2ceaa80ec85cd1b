import logging

from celery import shared_task

from masterplans import notifications

logger = logging.getLogger(__name__)

# smtplib's errors and refused connections are all OSErrors.
MAIL_ERRORS = (OSError,)


@shared_task(bind=True, autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=5)
def send_plan_event_email(self, event_id):
    """Tell whoever must act next about a workflow step (queued after the step commits).

    A worker retries when the mail server fails. Run in-process (no broker), a failure is logged instead: the
    step itself has been saved, and the user must not see an error for it.
    """
    try:
        return notifications.plan_event(event_id)
    except MAIL_ERRORS:
        if not self.request.is_eager:
            raise
        logger.exception("Could not send the email for plan event %s", event_id)
        return 0


@shared_task
def send_progress_reminders():
    """Daily: remind officers of quarters whose update falls due within a week. Safe to run more than once."""
    return notifications.progress_reminders()
