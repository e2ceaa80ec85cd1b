"""Emails to the people concerned, in Bahasa Indonesia first and English second: the invitation with its link,
and word that someone changed their role or regencies. Each takes an id and reloads rows (it runs in a Celery
worker after the change committed), and sends at most once per request for it."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masterplans.notifications import bilingual, portal_url
from smartcity.accounts.choices import Role
from smartcity.accounts.models import Invitation, SecurityEvent
from smartcity.accounts.people import describe, name_of


def invitation(invitation_id):
    """Email the invitation with a new secret, unless it was sent since it was (re)requested or has closed. The
    secret exists only here and in the email; the row keeps its hash. Returns the number of emails sent."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("invited_by").get(pk=invitation_id)
        )
        if not invitation.is_open or invitation.sent_at is not None or invitation.expires_at <= timezone.now():
            return 0
        raw = invitation.issue()
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["key_hash", "sent_at"])  # undone if the email fails, so a retry sends anew
        context = {
            "invitation": invitation,
            "role": Role(invitation.role).label,
            "regencies": ", ".join(regency.name for regency in invitation.regencies.order_by("code")),
            "inviter": name_of(invitation.invited_by) if invitation.invited_by else "",
            "url": portal_url(reverse("accounts:invitation", kwargs={"token": raw})),
        }
        subject, body = bilingual("accounts/email/invitation.txt", context)
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def access_changed(event_id):
    """Tell the person of a role or regency change what they may do now; once per log entry (``emailed_at``)."""
    with transaction.atomic():
        event = SecurityEvent.objects.select_for_update(of=("self",)).select_related("actor", "target").get(pk=event_id)
        person = event.target
        if event.emailed_at is not None or person is None or not person.is_active or not person.email:
            return 0
        event.emailed_at = timezone.now()
        event.save(update_fields=["emailed_at"])
        describe(person)

        def context():
            return {
                "event": event,
                "change": event.summary(),
                "actor": name_of(event.actor) if event.actor else "",
                "person": person,
                "url": portal_url(reverse("home")),
            }

        subject, body = bilingual("accounts/email/access_changed.txt", context)
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
