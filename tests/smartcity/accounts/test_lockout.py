"""Sign-in protection (django-axes): failures lock out the account, from any address, and the address, for any
account; the lock-out page says when to try again; a success or a ministry admin lifts it."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartcity import roles
from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LIMIT = 5


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)


@pytest.fixture
def andi(db):
    return UserFactory(username="andi", role=roles.REGENCY_OFFICER)


def sign_in(username, password=PASSWORD, address="203.0.113.7", client=None, **headers):
    client = client or Client()
    client.cookies["django_language"] = "en"
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail(times, username="andi", address="203.0.113.7", **headers):
    return [sign_in(username, "wrong", address, **headers).status_code for _ in range(times)]


def test_failures_for_one_account_from_many_addresses_lock_it(andi):
    assert (
        fail(1, address="198.51.100.1") + fail(1, address="198.51.100.2") + fail(2, address="198.51.100.3") == [200] * 4
    )
    assert fail(1, address="198.51.100.4") == [429]
    response = sign_in("andi", address="198.51.100.99")  # the right password, from a new address
    assert response.status_code == 429
    assert SESSION_KEY not in response.wsgi_request.session
    assert sign_in("reviewer-elsewhere", "wrong", address="198.51.100.99").status_code == 200  # address not locked


def test_failures_from_one_address_lock_it_for_every_account(andi):
    UserFactory(username="budi", role=roles.PARTNER)
    assert [sign_in(f"guess-{n}", "wrong").status_code for n in range(LIMIT - 1)] == [200] * (LIMIT - 1)
    assert sign_in("guess-last", "wrong").status_code == 429
    assert sign_in("budi").status_code == 429  # another account, the right password, the same address
    assert sign_in("budi", address="198.51.100.50").status_code == 302  # from elsewhere it is not locked


def test_the_lockout_page_says_when_to_try_again_and_who_can_lift_it(andi):
    before = timezone.now()
    fail(LIMIT - 1)
    response = sign_in("andi", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert "Sign-in locked" in text and "5 failed sign-ins for this account or from this address" in text
    assert "A ministry admin can lift the lock-out" in text
    until = timezone.localtime(before + datetime.timedelta(minutes=30))
    assert until.strftime("%H:") in text and "You can try again after" in text
    assert 'style="' not in text and "<script>" not in text


def test_the_lockout_is_logged_once_and_each_refusal_as_a_failure(andi):
    fail(LIMIT + 2)
    actions = list(SecurityEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions.count(SecurityAction.LOCKED_OUT) == 1
    assert actions.count(SecurityAction.SIGN_IN_FAILED) == LIMIT + 2
    event = SecurityEvent.objects.get(action=SecurityAction.LOCKED_OUT)
    assert (event.target, event.target_email, event.details["address"]) == (andi, "andi", "203.0.113.7")


def test_the_lockout_ends_after_the_cool_off(andi, settings):
    fail(LIMIT)
    assert sign_in("andi").status_code == 429
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=0)
    assert sign_in("andi").status_code == 302


def test_a_success_resets_the_count(andi):
    fail(LIMIT - 1)
    assert sign_in("andi").status_code == 302
    assert fail(LIMIT - 1) == [200] * (LIMIT - 1)
    assert sign_in("andi").status_code == 302


def test_without_a_trusted_proxy_a_forwarded_address_does_not_escape_the_address_lock(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    codes = [sign_in(f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(LIMIT)]
    assert codes == [200] * (LIMIT - 1) + [429]
    assert sign_in("guess-new", "wrong", HTTP_X_FORWARDED_FOR="10.0.0.200").status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_address_is_counted_apart(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    codes = [
        sign_in(f"guess-{n}", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(8)
    ]
    assert codes == [200] * 8


def test_an_admin_lifts_a_lockout_from_the_person_page(andi, ministry_admin):
    fail(LIMIT)
    admin = Client()
    admin.force_login(ministry_admin)
    admin.cookies["django_language"] = "en"
    page = admin.get(reverse("accounts:person-detail", args=[andi.pk])).content.decode()
    assert "Lift the lock-out" in page and "Locked out after failed sign-ins until" in page
    response = admin.post(reverse("accounts:person-lift-lockout", args=[andi.pk]))
    assert response.status_code == 302
    assert sign_in("andi", address="198.51.100.9").status_code == 302
    event = SecurityEvent.objects.get(action=SecurityAction.LOCK_OUT_LIFTED)
    assert (event.actor, event.target) == (ministry_admin, andi)
    assert "Lift the lock-out" not in admin.get(reverse("accounts:person-detail", args=[andi.pk])).content.decode()


def test_lifting_an_account_that_is_not_locked_out_is_refused(andi, ministry_admin):
    admin = Client()
    admin.force_login(ministry_admin)
    admin.cookies["django_language"] = "en"
    response = admin.post(reverse("accounts:person-lift-lockout", args=[andi.pk]), follow=True)
    assert "is not locked out." in response.content.decode()
    assert not SecurityEvent.objects.filter(action=SecurityAction.LOCK_OUT_LIFTED).exists()


@pytest.mark.parametrize(
    "persona, expected",
    [("anonymous", 302), ("officer", 403), ("partner", 403), ("reviewer", 403), ("ministry_admin", 302)],
)
def test_who_may_lift_a_lockout(request, andi, persona, expected):
    fail(LIMIT)
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("accounts:person-lift-lockout", args=[andi.pk]))
    assert response.status_code == expected
    if persona == "anonymous":
        assert response.url.startswith(reverse("login"))
    assert sign_in("andi", address="198.51.100.9").status_code == (302 if persona == "ministry_admin" else 429)


def test_api_tokens_and_sessions_do_not_go_through_the_sign_in_lock(andi, ministry_admin):
    fail(LIMIT)
    client = Client()
    client.force_login(andi)
    assert client.get(reverse("home"), REMOTE_ADDR="203.0.113.7").status_code == 200
