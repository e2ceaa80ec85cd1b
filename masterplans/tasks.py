from celery import shared_task

from masterplans import notifications


@shared_task
def send_plan_event_email(event_id):
    """Tell whoever must act next about a workflow step (queued after the step commits)."""
    return notifications.plan_event(event_id)


@shared_task
def send_progress_reminders():
    """Daily: remind officers of quarters whose update falls due within a week. Safe to run more than once."""
    return notifications.progress_reminders()
