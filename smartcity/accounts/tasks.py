import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from masterplans.tasks import MAIL_ERRORS
from smartcity.accounts import notifications

logger = logging.getLogger(__name__)


def _send(task, email, object_id):
    """A worker retries when the mail server fails. Run in-process (no broker), a failure is logged instead: the
    change itself has been saved, and an invitation not sent shows as such on its page, to send again."""
    try:
        return email(object_id)
    except MAIL_ERRORS:
        if not task.request.is_eager:
            raise
        logger.exception("Could not send the email %s for %s", email.__name__, object_id)
        return 0


@shared_task(bind=True, autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=5)
def send_invitation_email(self, invitation_id):
    """The invitation's email with its link, queued after the invitation (or a resend) commits."""
    return _send(self, notifications.invitation, invitation_id)


@shared_task(bind=True, autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=5)
def send_access_email(self, event_id):
    """Word to a person that their role or regencies changed, queued after the change commits."""
    return _send(self, notifications.access_changed, event_id)


@shared_task(bind=True, autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=5)
def send_reset_email(self, subject, body, recipient):
    """A password reset link, written in the request (Django's token is made there) and sent after it commits."""
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except MAIL_ERRORS:
        if not self.request.is_eager:
            raise
        logger.exception("Could not send the password reset email to %s", recipient)
        return 0
