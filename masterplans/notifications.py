"""Emails about master plans, written in Bahasa Indonesia first and English second, whoever's session caused them.

Each function takes ids and reloads rows, so it can run in a Celery worker after the transaction has committed.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent, ProgressReminder, ProgressUpdate
from masterplans.progress import owing
from masterplans.schedule import REMIND_DAYS_BEFORE, Quarter
from regencies.models import RegencyMembership

REVIEWER_ACTIONS = {PlanAction.SUBMITTED}
OFFICER_ACTIONS = {PlanAction.APPROVED, PlanAction.REVISION_REQUESTED}


def portal_url(path):
    return settings.PORTAL_URL.rstrip("/") + path


def bilingual(template, context):
    """Subject line and body: each in Indonesian, then English. ``context`` may be a function, called once in each
    language, for content that a template cannot translate itself."""
    parts = {}
    for language in ("id", "en"):
        with translation.override(language):
            text = render_to_string(template, context() if callable(context) else context).strip()
        subject, _, body = text.partition("\n")
        parts[language] = (subject.strip(), body.strip())
    subject = f"{parts['id'][0]} / {parts['en'][0]}"
    return subject, f"{parts['id'][1]}\n\n-----\n\n{parts['en'][1]}\n"


def reviewers():
    permission = Permission.objects.get(content_type__app_label="masterplans", codename="review_masterplan")
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True)
        .exclude(email="")
        .distinct()
    )


def officer_emails(regency_ids):
    """Email addresses of the active officers of each regency, by regency id."""
    emails = {}
    memberships = RegencyMembership.objects.filter(regency_id__in=regency_ids, user__is_active=True).exclude(
        user__email=""
    )
    for regency_id, email in memberships.values_list("regency_id", "user__email"):
        emails.setdefault(regency_id, []).append(email)
    return emails


def plan_event(event_id):
    """Send the email a workflow step calls for; returns how many addresses it went to."""
    event = PlanEvent.objects.select_related("plan__regency", "actor").get(pk=event_id)
    if event.action in REVIEWER_ACTIONS:
        recipients = list(reviewers().values_list("email", flat=True))
    elif event.action in OFFICER_ACTIONS:
        recipients = officer_emails([event.plan.regency_id]).get(event.plan.regency_id, [])
    else:
        return 0
    if not recipients:
        return 0
    context = {"event": event, "plan": event.plan, "url": portal_url(event.plan.get_absolute_url())}
    subject, body = bilingual("masterplans/email/plan_event.txt", context)
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients])


def quarter_to_remind(today):
    """The quarter whose update falls due within ``REMIND_DAYS_BEFORE`` days of ``today``, if any."""
    quarter = Quarter.containing(today).previous()
    due = quarter.due()
    if due.date - datetime.timedelta(days=REMIND_DAYS_BEFORE) <= today <= due.date:
        return quarter, due
    return None, None


def progress_reminders(today=None):
    """Remind the officers of every approved plan that still lacks updates for the quarter falling due, if it owes
    them (approved before the due day: ``progress.owes_update``).

    A ``ProgressReminder`` row is claimed before each email, so a second run (or a second worker) sends nothing
    again. Returns the number of plans reminded.
    """
    today = today or timezone.localdate()
    quarter, due = quarter_to_remind(today)
    if quarter is None:
        return 0
    reported = ProgressUpdate.objects.filter(
        programme=OuterRef("programmes"), year=quarter.year, quarter=quarter.quarter
    )
    plans = list(
        MasterPlan.objects.filter(
            owing(quarter), status=PlanStatus.APPROVED, start_year__lte=quarter.year, end_year__gte=quarter.year
        )
        .exclude(
            Exists(ProgressReminder.objects.filter(plan=OuterRef("pk"), year=quarter.year, quarter=quarter.quarter))
        )
        .annotate(
            missing=Count(
                "programmes",
                filter=~Exists(reported)
                & Q(programmes__start_year__lte=quarter.year, programmes__end_year__gte=quarter.year),
            )
        )
        .filter(missing__gt=0)
        .select_related("regency")
    )
    emails = officer_emails([plan.regency_id for plan in plans])
    sent = 0
    for plan in plans:
        try:
            with transaction.atomic():  # the claim is undone if the email fails, so a later run tries again
                ProgressReminder.objects.create(plan=plan, year=quarter.year, quarter=quarter.quarter)
                sent += remind(plan, quarter, due, emails.get(plan.regency_id, []))
        except IntegrityError:
            continue  # another run took this one
    return sent


def remind(plan, quarter, due, recipients):
    if not recipients:
        return 0
    context = {
        "plan": plan,
        "quarter": quarter,
        "due": due,
        "missing": plan.missing,
        "url": portal_url(reverse("masterplans:plan-progress", kwargs={"pk": plan.pk})),
    }
    subject, body = bilingual("masterplans/email/progress_due.txt", context)
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients])
    return 1
