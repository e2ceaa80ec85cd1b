"""Two-factor sign-in: required for ministry admins and reviewers (TWO_FACTOR_ROLES), offered to everyone, with an
authenticator app's code or a one-time recovery code after the password. A session with the password alone reaches
nothing but its second step: no page, no API list, no admin site."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartcity import roles
from smartcity.accounts import two_factor
from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import RecoveryCode, RecoveryCodes, SecurityEvent
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.TWO_FACTOR_ROLES = ["admin", "reviewer"]


def code_of(device, steps_ahead=0):
    """The code the person's app shows now (or ``steps_ahead`` 30-second steps later, within the tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def not_the_code(device):
    """Six digits the app does not show in this step or the ones beside it."""
    shown = {code_of(device, step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in shown)


def signed_in(username, password=PASSWORD, next_url=""):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post(reverse("login"), {"username": username, "password": password, "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response


def set_up_app(client):
    """Set up an app through the pages, as a person does; returns the device and the recovery codes."""
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": code_of(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    return device, response.context["codes"]


def with_app(user):
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def test_a_reviewer_with_the_password_alone_reaches_only_the_set_up_page(reviewer):
    client, response = signed_in("reviewer", next_url="/plans/")
    assert response["Location"] == "/plans/"
    page = client.get("/plans/")
    assert page.status_code == 302
    assert page["Location"] == reverse("accounts:two-factor-setup") + "?next=%2Fplans%2F"
    api = client.get("/api/v1/plans/")
    assert api.status_code == 403 and "set up two-factor sign-in" in api.json()["detail"]
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get(reverse("accounts:two-factor-verify")).status_code == 302
    setup = client.get(reverse("accounts:two-factor-setup"))
    assert setup.status_code == 200
    html = setup.content.decode()
    assert "Your role requires two-factor sign-in" in html and "<svg" in html and 'class="main-nav"' not in html
    assert client.post(reverse("logout")).status_code == 302


def test_setting_up_an_app_confirms_it_gives_ten_hashed_recovery_codes_and_opens_the_portal(reviewer):
    client, _response = signed_in("reviewer")
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    secret = client.get(reverse("accounts:two-factor-setup")).context["secret"]
    assert secret.replace(" ", "") in device.config_url  # the key to type is the one in the QR code

    wrong = client.post(reverse("accounts:two-factor-setup"), {"code": not_the_code(device)})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    time.sleep(1.1)  # the throttle's wait after one wrong code
    response = client.post(reverse("accounts:two-factor-setup"), {"code": code_of(device), "next": "/plans/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == 10 and all(len(code) == 11 and code[5] == "-" for code in codes)
    html = response.content.decode()
    assert all(code in html for code in codes) and 'href="/plans/"' in html
    stored = set(RecoveryCode.objects.filter(device__user=reviewer).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & {code.replace("-", "") for code in codes}
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/plans/").status_code == 200
    assert SecurityEvent.objects.filter(action=SecurityAction.TWO_FACTOR_ENABLED, target=reviewer).count() == 1


def test_the_next_sign_in_asks_for_the_code_and_counts_wrong_ones(reviewer):
    device = with_app(reviewer)
    client, response = signed_in("reviewer", next_url="/dashboard/")
    assert client.get("/plans/")["Location"].startswith(reverse("accounts:two-factor-verify"))
    assert client.get(reverse("accounts:two-factor-setup")).status_code == 302  # no new app without the code
    verify = reverse("accounts:two-factor-verify")

    wrong = client.post(verify, {"code": not_the_code(device), "next": "/dashboard/"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    too_soon = client.post(verify, {"code": code_of(device), "next": "/dashboard/"})
    assert too_soon.status_code == 400 and "Too many wrong codes: wait 1 second" in too_soon.content.decode()
    assert client.get("/plans/").status_code == 302

    time.sleep(1.1)
    before = client.session.session_key
    passed = client.post(verify, {"code": code_of(device), "next": "/dashboard/"})
    assert passed.status_code == 302 and passed["Location"] == "/dashboard/"
    assert client.session.session_key != before  # the session that passed both steps is a new one
    assert client.get("/plans/").status_code == 200
    actions = list(SecurityEvent.objects.filter(target=reviewer).values_list("action", flat=True))
    assert actions.count(SecurityAction.TWO_FACTOR_FAILED) == 1 and SecurityAction.TWO_FACTOR_PASSED in actions

    # The same code cannot open a second session.
    other, _response = signed_in("reviewer")
    assert other.post(verify, {"code": code_of(device)}).status_code == 400


def test_a_recovery_code_signs_in_once(reviewer):
    client, _response = signed_in("reviewer")
    device, codes = set_up_app(client)
    client.post(reverse("logout"))

    client, _response = signed_in("reviewer")
    passed = client.post(reverse("accounts:two-factor-verify"), {"code": codes[3].upper()}, follow=True)
    assert passed.status_code == 200 and "9 are left" in passed.content.decode()
    assert two_factor.codes_left(reviewer) == 9

    again, _response = signed_in("reviewer")
    assert again.post(reverse("accounts:two-factor-verify"), {"code": codes[3]}).status_code == 400


def test_new_recovery_codes_replace_the_old_ones(reviewer):
    client, _response = signed_in("reviewer")
    _device, old = set_up_app(client)
    response = client.post(reverse("accounts:two-factor"), {"action": "renew"})
    new = response.context["codes"]
    assert set(new).isdisjoint(old) and two_factor.codes_left(reviewer) == 10
    client.post(reverse("logout"))
    client, _response = signed_in("reviewer")
    assert client.post(reverse("accounts:two-factor-verify"), {"code": old[0]}).status_code == 400
    time.sleep(1.1)
    assert client.post(reverse("accounts:two-factor-verify"), {"code": new[0]}).status_code == 302


def test_an_officer_signs_in_with_the_password_and_may_turn_two_factor_on_and_off(officer):
    client, _response = signed_in("officer")
    assert client.get("/plans/my-regency/").status_code in (200, 302)
    assert client.get(reverse("accounts:profile")).status_code == 200
    set_up_app(client)
    page = client.get(reverse("accounts:two-factor")).content.decode()
    assert "Turn two-factor sign-in off" in page

    wrong = client.post(reverse("accounts:two-factor"), {"action": "turn-off", "password": "not-it"})
    assert wrong.status_code == 400 and "That is not your password" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=officer).exists()
    client.post(reverse("accounts:two-factor"), {"action": "turn-off", "password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not RecoveryCodes.objects.filter(user=officer).exists()
    assert SecurityEvent.objects.filter(action=SecurityAction.TWO_FACTOR_DISABLED, target=officer).exists()


def test_a_reviewer_cannot_turn_it_off(reviewer):
    client, _response = signed_in("reviewer")
    set_up_app(client)
    assert "Turn two-factor sign-in off" not in client.get(reverse("accounts:two-factor")).content.decode()
    client.post(reverse("accounts:two-factor"), {"action": "turn-off", "password": PASSWORD})
    assert TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()


def test_an_admin_resets_a_lost_phone_and_the_person_is_signed_out(reviewer):
    admin = UserFactory(username="admin2", role=roles.MINISTRY_ADMIN)
    with_app(admin)
    person, _response = signed_in("reviewer")
    set_up_app(person)
    assert Session.objects.count() == 1

    manager, _response = signed_in("admin2")
    manager.post(reverse("accounts:two-factor-verify"), {"code": code_of(TOTPDevice.objects.get(user=admin))})
    detail = manager.get(reverse("accounts:person-detail", args=[reviewer.pk])).content.decode()
    assert "Reset two-factor sign-in" in detail
    response = manager.post(reverse("accounts:person-two-factor-reset", args=[reviewer.pk]), follow=True)
    assert "is reset and they are signed out" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert person.get(reverse("accounts:profile")).status_code == 302 and "_auth_user_id" not in person.session
    event = SecurityEvent.objects.get(action=SecurityAction.TWO_FACTOR_RESET)
    assert event.actor == admin and event.target == reviewer and event.details["sessions"] == 1

    own = manager.post(reverse("accounts:person-two-factor-reset", args=[admin.pk]), follow=True)
    assert "You cannot change your own" in own.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_only_ministry_admins_reset_it(reviewer, officer):
    with_app(officer)
    client, _response = signed_in("reviewer")
    set_up_app(client)
    assert client.post(reverse("accounts:person-two-factor-reset", args=[officer.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()


@pytest.mark.parametrize(("debug", "needed"), [(True, False), (False, True)])
def test_demo_accounts_are_exempt_only_while_debug_is_on(settings, debug, needed):
    settings.DEBUG = debug
    demo_admin = UserFactory(username="demo-admin", role=roles.MINISTRY_ADMIN)
    demo_admin.groups.add(roles_group(roles.DEMO_ACCOUNTS))
    assert two_factor.required_for(demo_admin) is needed


def roles_group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=name)[0]


def test_superusers_need_it_and_the_setting_can_turn_the_requirement_off(settings, officer):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert two_factor.required_for(root) and not two_factor.required_for(officer)
    settings.TWO_FACTOR_ROLES = []
    assert not two_factor.required_for(root)


def test_a_session_from_before_the_upgrade_is_asked_too(reviewer):
    """Sessions that began before two-factor sign-in existed carry no step: the first request decides it."""
    client = Client()
    client.force_login(reviewer)
    session = client.session
    del session[two_factor.STATE_KEY]
    session.save()
    assert client.get("/plans/")["Location"].startswith(reverse("accounts:two-factor-setup"))
