"""Self service: password reset by email (Django's views, the portal's bilingual email), changing one's password,
and the profile page with one's role, regencies and tokens."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import SecurityEvent
from tests.api import issue_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")
OLD = "a-long-test-password"
NEW = "Sulawesi-Selatan-Pantai-Losari-9"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def ask_for_reset(client, email):
    """The request, and its email sent once it commits (as a worker would, right after)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def test_the_reset_email_is_queued_after_the_request_commits(english, officer):
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        english.post(reverse("password_reset"), {"email": officer.email})
    assert mail.outbox == [] and len(queued) == 1
    queued[0]()
    (message,) = mail.outbox
    assert message.to == [officer.email] and LINK.search(message.body)


def link_in(message):
    links = LINK.findall(message.body)
    assert len(links) == 2 and links[0] == links[1]  # the same link in the Indonesian part and the English one
    return links[0]


def set_password(client, link, password1, password2=None):
    opened = client.get(link)
    assert opened.status_code == 302  # Django moves the token out of the address into the session
    return client.post(opened["Location"], {"new_password1": password1, "new_password2": password2 or password1})


def actions():
    return list(SecurityEvent.objects.order_by("pk").values_list("action", flat=True))


def test_the_reset_pages_are_in_the_portals_layout_and_both_languages(client):
    indonesian = client.get(reverse("password_reset"))
    assert indonesian.status_code == 200
    assert "site-header" in indonesian.content.decode() and 'lang="id"' in indonesian.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("password_reset")).content.decode()
    assert "Reset your password" in english and "site-header" in english
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_a_person_resets_their_password_by_email_and_signs_in_with_it(english, officer, settings):
    settings.PORTAL_URL = "https://smartcity.example.go.id"
    response = ask_for_reset(english, officer.email.upper())
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")

    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert " / " in message.subject and "Smart City" in message.subject
    assert message.body.index("-----") < message.body.rindex("choose a new password")  # Indonesian, then English
    assert message.body.count(": officer\n") == 2  # each language names the user name
    link = link_in(message)
    assert message.body.count("https://smartcity.example.go.id/accounts/reset/") == 2

    done = set_password(english, link, NEW)
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert "Your password is set" in english.get(done["Location"]).content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW) and not officer.check_password(OLD)

    signed_in = english.post(reverse("login"), {"username": officer.username, "password": NEW})
    assert signed_in.status_code == 302 and english.session[SESSION_KEY] == str(officer.pk)
    assert actions() == [
        SecurityAction.PASSWORD_RESET_REQUESTED,
        SecurityAction.PASSWORD_RESET,
        SecurityAction.SIGNED_IN,
    ]


def test_a_used_link_does_not_work_again(english, officer):
    ask_for_reset(english, officer.email)
    link = link_in(mail.outbox[0])
    set_password(english, link, NEW)

    again = english.get(link, follow=True)
    assert again.status_code == 200 and "This link is not valid" in again.content.decode()
    assert "new_password1" not in again.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW)


def test_a_forged_or_altered_link_is_refused(english, officer):
    ask_for_reset(english, officer.email)
    link = link_in(mail.outbox[0])
    forged = link[: -len("x/")] + ("a/" if not link.endswith("a/") else "b/")
    response = english.get(forged, follow=True)
    assert "This link is not valid" in response.content.decode()
    assert english.get(reverse("password_reset_confirm", args=["MQ", "bad-token"])).status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(OLD)


def test_an_unknown_or_deactivated_address_gets_the_same_answer_and_no_email(english, officer):
    officer.is_active = False
    officer.save()
    for email in ("nobody@example.invalid", officer.email):
        response = ask_for_reset(english, email)
        assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == [] and actions() == []


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("password123", "too common"),
        ("12345678901234", "entirely numeric"),
        ("short1!", "too short"),
        ("officer-example", "too similar"),
    ],
)
def test_a_weak_new_password_is_refused_and_the_link_still_works(english, officer, password, problem):
    ask_for_reset(english, officer.email)
    link = link_in(mail.outbox[0])
    refused = set_password(english, link, password)
    assert refused.status_code == 200 and problem in refused.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(OLD)
    retried = english.post(refused.request["PATH_INFO"], {"new_password1": NEW, "new_password2": NEW})
    assert retried.status_code == 302


def test_a_person_changes_their_password_and_stays_signed_in(english, partner):
    english.force_login(partner)
    assert english.get(reverse("password_change")).status_code == 200
    wrong = english.post(
        reverse("password_change"), {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW}
    )
    assert wrong.status_code == 200 and "incorrectly" in wrong.content.decode()
    weak = english.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    changed = english.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert changed.status_code == 302 and changed["Location"] == reverse("password_change_done")
    partner.refresh_from_db()
    assert partner.check_password(NEW)
    assert english.get(reverse("accounts:profile")).status_code == 200  # still signed in
    assert actions() == [SecurityAction.PASSWORD_CHANGED]


def test_changing_a_password_needs_signing_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_profile_shows_role_regencies_and_tokens(english, officer):
    raw = issue_token(officer)
    english.force_login(officer)
    page = english.get(reverse("accounts:profile")).content.decode()
    assert "Regency officer" in page and "Kabupaten Muara Enim" in page and "16.03" in page
    assert "Token of officer" in page and raw.split("_", 1)[1][:8] in page and raw not in page
    assert "Create a read-only token" not in page  # officers get theirs from an admin
    assert reverse("password_change") in page
    assert reverse("accounts:profile") in english.get(reverse("home")).content.decode()


def test_the_profile_needs_signing_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
