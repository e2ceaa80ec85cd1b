"""Invitations: from the admin's form through the real email to the person's first sign-in, and every way a link
or the form can be wrong."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from masterplans.models import MasterPlan
from regencies.models import Regency, RegencyMembership
from smartcity import roles
from smartcity.accounts import services
from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import Invitation, SecurityEvent, hash_token
from smartcity.logs import _redacted
from tests.factories import MasterPlanFactory, MoUFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)")
PASSWORD = "Merah-Putih-Makassar-2026"
NEW = "andi.makassar@makassarkota.go.id"


@pytest.fixture
def admin_client(client, ministry_admin):
    client.force_login(ministry_admin)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def makassar(register):
    return Regency.objects.get(code="73.71")


def invite(admin_client, callbacks, **data):
    data = {"email": NEW, "role": "officer", "regencies": "73.71", **data}
    with callbacks(execute=True):
        return admin_client.post(reverse("accounts:invite"), data)


def link_in(message):
    links = LINK.findall(message.body)
    assert len(links) == 2 and links[0] == links[1]  # the same link in the Indonesian part and the English one
    return links[0]


def in_english(client):
    """The invited person's browser, reading the pages in English (``logout()`` drops every cookie of a client)."""
    client.cookies["django_language"] = "en"
    return client


def accept(client, link, **data):
    data = {"first_name": "Andi", "last_name": "Pratama", "password1": PASSWORD, "password2": PASSWORD, **data}
    opened = in_english(client).get(link)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], data)


def test_an_invited_officer_signs_in_and_sees_their_regencys_plan(
    admin_client, client, makassar, ministry_admin, django_capture_on_commit_callbacks
):
    plan = MasterPlanFactory(mou=MoUFactory(regency=makassar), title="Masterplan Makassar Sombere' & Smart City")
    response = invite(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:invitation-list")

    (message,) = mail.outbox
    assert message.to == [NEW]
    assert " / " in message.subject and "Smart City" in message.subject
    assert "Kota Makassar" in message.body
    assert message.body.index("-----") < message.body.rindex(NEW)  # each language says how to sign in
    link = link_in(message)

    admin_client.logout()
    visitor = client
    opened = visitor.get(link)
    assert opened.status_code == 302 and opened["Location"] == "/accounts/invitation/set-password/"
    form = visitor.get(opened["Location"])
    assert form.status_code == 200 and NEW in form.content.decode()
    accepted = visitor.post(
        opened["Location"], {"first_name": "Andi", "last_name": "Pratama", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert accepted.status_code == 302 and accepted["Location"] == reverse("login")

    signed_in = visitor.post(reverse("login"), {"username": NEW, "password": PASSWORD})
    assert signed_in.status_code == 302
    page = visitor.get(reverse("masterplans:my-regency"))
    assert page.status_code == 200
    assert plan.title in page.content.decode().replace("&#x27;", "'").replace("&amp;", "&")

    user = get_user_model().objects.get(username=NEW)
    assert (user.email, user.get_full_name(), user.is_staff, user.is_superuser) == (NEW, "Andi Pratama", False, False)
    assert list(user.groups.values_list("name", flat=True)) == [roles.REGENCY_OFFICER]
    membership = RegencyMembership.objects.get(user=user)
    assert membership.regency == makassar
    assert membership.history.get().history_user == ministry_admin  # who granted it
    invitation = Invitation.objects.get()
    assert invitation.user == user and invitation.accepted_at is not None
    assert list(SecurityEvent.objects.order_by("pk").values_list("action", "actor__username", "target_email")) == [
        (SecurityAction.INVITED, "admin", NEW),
        (SecurityAction.INVITATION_ACCEPTED, NEW, NEW),
        (SecurityAction.SIGNED_IN, NEW, NEW),
    ]
    assert MasterPlan.objects.visible_to(user).filter(pk=plan.pk).exists()


def test_a_used_link_cannot_be_used_again(admin_client, client, makassar, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    admin_client.logout()
    assert accept(client, link).status_code == 302
    again = accept(client, link)
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    assert get_user_model().objects.filter(username=NEW).count() == 1


def test_an_expired_link_says_so_and_makes_no_account(
    admin_client, client, makassar, django_capture_on_commit_callbacks
):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    admin_client.logout()
    opened = in_english(client).get(link)  # opened in time, submitted too late
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    late = client.post(opened["Location"], {"first_name": "Andi", "password1": PASSWORD, "password2": PASSWORD})
    assert late.status_code == 410 and "expired" in late.content.decode()
    assert client.get(link).status_code == 410
    assert not get_user_model().objects.filter(username=NEW).exists()


def test_the_link_expires_after_the_configured_days(
    admin_client, makassar, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_DAYS = 3
    before = timezone.now()
    invite(admin_client, django_capture_on_commit_callbacks)
    expires = Invitation.objects.get().expires_at
    assert before + datetime.timedelta(days=3) <= expires <= timezone.now() + datetime.timedelta(days=3)


def test_sending_again_kills_the_old_link_and_revoking_kills_the_new(
    admin_client, client, makassar, django_capture_on_commit_callbacks
):
    invite(admin_client, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    first = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("accounts:invitation-resend", args=[invitation.pk]))
    assert response.status_code == 302
    second = link_in(mail.outbox[1])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 302

    admin_client.post(reverse("accounts:invitation-revoke", args=[invitation.pk]))
    refused = client.get(second)
    assert refused.status_code == 410 and "withdrawn" in refused.content.decode()
    assert list(SecurityEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        SecurityAction.INVITED,
        SecurityAction.INVITATION_RESENT,
        SecurityAction.INVITATION_REVOKED,
    ]


def test_the_email_is_sent_only_after_the_invitation_commits(ministry_admin, makassar):
    services.invite(ministry_admin, NEW, "officer", regencies=[makassar])  # the test's transaction never commits
    assert mail.outbox == []


def test_a_second_delivery_of_the_email_task_sends_nothing(
    ministry_admin, makassar, django_capture_on_commit_callbacks
):
    from smartcity.accounts import tasks

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(ministry_admin, NEW, "officer", regencies=[makassar])
    assert tasks.send_invitation_email(invitation.pk) == 0
    assert len(mail.outbox) == 1


def test_only_the_hash_of_the_link_is_kept(admin_client, makassar, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    secret = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.key_hash == hash_token(secret) and secret not in str(vars(invitation))


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("password123", "too common"),
        ("12345678901", "entirely numeric"),
        ("short", "too short"),
        ("Pratama2026!", "too similar"),
    ],
)
def test_a_weak_password_is_refused_and_nothing_is_saved(
    admin_client, client, makassar, password, problem, django_capture_on_commit_callbacks
):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    admin_client.logout()
    client.cookies["django_language"] = "en"
    response = accept(client, link, password1=password, password2=password)
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not get_user_model().objects.filter(username=NEW).exists()
    assert Invitation.objects.get().accepted_at is None


def test_different_passwords_are_refused(admin_client, client, makassar, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    admin_client.logout()
    response = accept(client, link_in(mail.outbox[0]), password2=PASSWORD + "x")
    assert response.status_code == 200 and response.context["form"].errors["password2"]
    assert not get_user_model().objects.filter(username=NEW).exists()


def test_an_unknown_link_is_a_clear_404(client, db):
    response = in_english(client).get(reverse("accounts:invitation", args=["not-a-real-secret"]))
    assert response.status_code == 404 and "not valid" in response.content.decode()
    assert client.get(reverse("accounts:invitation", args=["set-password"])).status_code == 404
    assert client.post(reverse("accounts:invitation", args=["set-password"]), {"first_name": "X"}).status_code == 404


@pytest.mark.parametrize("address", [NEW, NEW.upper(), "demo-officer@example.invalid"])
def test_an_address_in_use_is_refused(admin_client, makassar, address, django_capture_on_commit_callbacks):
    UserFactory(username="demo-officer", email="demo-officer@example.invalid")
    if address != "demo-officer@example.invalid":
        invite(admin_client, django_capture_on_commit_callbacks)
    before = Invitation.objects.count()
    response = invite(admin_client, django_capture_on_commit_callbacks, email=address)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == before


def test_an_address_of_a_deactivated_account_points_to_reactivation(
    admin_client, makassar, django_capture_on_commit_callbacks
):
    UserFactory(username="gone", email=NEW, is_active=False)
    response = invite(admin_client, django_capture_on_commit_callbacks)
    assert "reactivate" in response.context["form"].errors["email"][0]
    assert not Invitation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        ({"regencies": "99.99"}, "regencies", "No regency/city in the register has the code 99.99."),
        ({"regencies": "73.71, makassar"}, "regencies", "two digits"),
        ({"regencies": ""}, "regencies", "at least one regency"),
        ({"role": "reviewer"}, "regencies", "Only regency officers"),
        ({"role": "partner", "regencies": ""}, "organisation", "organisation"),
        ({"role": "admin", "regencies": ""}, "confirm_admin", "Confirm"),
        ({"role": "superuser"}, "role", "not one of the available choices"),
        ({"email": "not-an-address"}, "email", "valid email"),
    ],
)
def test_bad_invitations_are_form_errors_and_save_nothing(
    admin_client, makassar, data, field, problem, django_capture_on_commit_callbacks
):
    response = invite(admin_client, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 200
    assert problem in " ".join(response.context["form"].errors[field])
    assert not Invitation.objects.exists() and not SecurityEvent.objects.exists() and mail.outbox == []


def test_an_admin_is_invited_only_with_the_confirmation(admin_client, client, db, django_capture_on_commit_callbacks):
    response = invite(admin_client, django_capture_on_commit_callbacks, role="admin", regencies="", confirm_admin="on")
    assert response.status_code == 302
    admin_client.logout()
    accept(client, link_in(mail.outbox[0]))
    user = get_user_model().objects.get(username=NEW)
    assert user.has_perm("accounts.manage_people") and not user.is_staff and not user.is_superuser


def test_a_partner_is_invited_with_their_organisation(admin_client, client, db, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks, role="partner", regencies="", organisation="BAPPENAS")
    admin_client.logout()
    accept(client, link_in(mail.outbox[0]))
    user = get_user_model().objects.get(username=NEW)
    assert user.profile.organisation == "BAPPENAS"
    assert list(user.groups.values_list("name", flat=True)) == [roles.PARTNER]


def test_fields_posted_beyond_the_forms_grant_nothing(
    admin_client, client, makassar, django_capture_on_commit_callbacks
):
    extra = {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=roles.MINISTRY_ADMIN).pk],
        "user_permissions": [Permission.objects.get(codename="manage_people").pk],
        "username": "root",
    }
    invite(admin_client, django_capture_on_commit_callbacks, **extra)
    admin_client.logout()
    accept(client, link_in(mail.outbox[0]), **extra)
    user = get_user_model().objects.get(email=NEW)
    assert user.username == NEW
    assert (user.is_superuser, user.is_staff, user.user_permissions.count()) == (False, False, 0)
    assert list(user.groups.values_list("name", flat=True)) == [roles.REGENCY_OFFICER]
    assert not user.has_perm("accounts.manage_people")


def test_whoever_was_signed_in_is_signed_out_by_accepting(admin_client, makassar, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    assert accept(admin_client, link_in(mail.outbox[0])).status_code == 302
    assert "_auth_user_id" not in admin_client.session


def test_the_link_is_not_written_to_the_log():
    assert _redacted("/accounts/invitation/abc123secret/", "") == "/accounts/invitation/<token>/"
    assert _redacted("/people/invitations/4/resend/", "") == "/people/invitations/4/resend/"
