"""Sign-ins and refused sign-ins in the security log, with the caller's address by the API throttling's rule, and
sessions that end after ``SESSION_IDLE_MINUTES`` without a request."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import SecurityEvent
from smartcity.accounts.signals import LAST_SEEN_KEY
from tests.smartcity.helpers import run_django

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def sign_in(client, username, password=PASSWORD, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_a_sign_in_is_logged_with_the_peers_address(client, reviewer):
    response = sign_in(client, "reviewer", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 302
    event = SecurityEvent.objects.get()
    assert (event.action, event.actor, event.target) == (SecurityAction.SIGNED_IN, reviewer, reviewer)
    assert event.details["address"] == "203.0.113.7"  # no trusted proxy: what the client wrote is not believed
    assert event.request_id


def test_behind_a_trusted_proxy_the_forwarded_address_is_logged(client, reviewer, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    sign_in(client, "reviewer", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.23")
    assert SecurityEvent.objects.get().details["address"] == "198.51.100.23"


def test_a_wrong_password_is_logged_against_the_account(client, officer):
    client.cookies["django_language"] = "en"
    response = sign_in(client, "officer", "not-the-password", REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 200 and SESSION_KEY not in client.session
    event = SecurityEvent.objects.get()
    assert (event.action, event.actor, event.target) == (SecurityAction.SIGN_IN_FAILED, None, officer)
    assert event.details["address"] == "203.0.113.8"
    assert "203.0.113.8" in event.summary()


def test_an_unknown_user_name_is_logged_as_tried(client):
    sign_in(client, "nobody@example.invalid", "whatever")
    event = SecurityEvent.objects.get()
    assert (event.action, event.target, event.target_email) == (
        SecurityAction.SIGN_IN_FAILED,
        None,
        "nobody@example.invalid",
    )
    assert "whatever" not in str(event.details)


def test_admins_filter_the_log_by_sign_in_actions(client, ministry_admin, officer):
    sign_in(client, "officer", "wrong")
    client.force_login(ministry_admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:security-log"), {"action": SecurityAction.SIGN_IN_FAILED})
    assert page.status_code == 200 and "Sign-in failed" in page.content.decode()


def test_a_session_ends_after_the_idle_time(client, officer, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.cookies["django_language"] = "en"
    sign_in(client, "officer")
    assert client.get(reverse("accounts:profile")).status_code == 200

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("accounts:profile"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert SecurityEvent.objects.filter(action=SecurityAction.SESSION_EXPIRED, target=officer).exists()


def test_a_session_in_use_stays_and_notes_the_visit_at_most_once_a_minute(client, officer, settings):
    settings.SESSION_IDLE_MINUTES = 30
    sign_in(client, "officer")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200
    seen = client.session[LAST_SEEN_KEY]
    assert seen >= int(time.time()) - 5
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session[LAST_SEEN_KEY] == seen


def test_the_idle_time_and_the_reset_links_lifetime_come_from_the_environment():
    result = run_django(
        "from django.conf import settings\n"
        "print(settings.SESSION_IDLE_MINUTES, settings.SESSION_COOKIE_AGE, settings.PASSWORD_RESET_TIMEOUT)",
        SESSION_IDLE_MINUTES="15",
        PASSWORD_RESET_HOURS="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "15 900 7200"


@pytest.mark.parametrize(("name", "value"), [("SESSION_IDLE_MINUTES", "0"), ("PASSWORD_RESET_HOURS", "soon")])
def test_a_bad_idle_time_or_link_lifetime_stops_start_up_naming_it(name, value):
    result = run_django("import django.conf; django.conf.settings.DEBUG", **{name: value})
    assert result.returncode != 0 and f"Environment variable {name}:" in result.stderr
