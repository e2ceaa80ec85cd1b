"""The people pages: who may open them, what they list and in how many queries, and each change an admin makes to
an account (role, regencies, deactivation) with its log entry and email, without ever granting more than a role."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from regencies.models import Regency, RegencyMembership
from smartcity import roles
from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.models import ApiToken, Profile, SecurityEvent
from tests.factories import RegencyMembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def target(register):
    """An officer of Kota Makassar, whom the admin manages."""
    user = UserFactory(username="andi", first_name="Andi", last_name="Pratama", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=user, regency=Regency.objects.get(code="73.71"))
    return user


@pytest.fixture
def admin_client(client, ministry_admin):
    client.force_login(ministry_admin)
    client.cookies["django_language"] = "en"
    return client


def membership_of(user):
    return user.regency_memberships.get()


PAGES = ["person-list", "invite", "invitation-list", "security-log"]
PERSON_PAGES = ["person-detail", "person-role", "person-regencies", "person-deactivate"]
ACTIONS = ["person-reactivate", "person-regency-add"]


def urls(target):
    membership = membership_of(target)
    gets = [reverse(f"accounts:{name}") for name in PAGES]
    gets += [reverse(f"accounts:{name}", args=[target.pk]) for name in PERSON_PAGES]
    posts = [reverse(f"accounts:{name}", args=[target.pk]) for name in ACTIONS]
    posts += [
        reverse(f"accounts:person-regency-{action}", args=[target.pk, membership.pk]) for action in ("move", "end")
    ]
    posts += [reverse(f"accounts:invitation-{action}", args=[1]) for action in ("resend", "revoke")]
    return gets, posts


def test_anonymous_visitors_are_sent_to_sign_in(client, target):
    gets, posts = urls(target)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url in posts:
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["partner", "officer", "reviewer"])
def test_other_roles_are_refused_every_page(client, target, persona, request):
    client.force_login(request.getfixturevalue(persona))
    gets, posts = urls(target)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
    assert RegencyMembership.objects.filter(user=target).count() == 1 and not SecurityEvent.objects.exists()


@pytest.mark.parametrize("persona", ["ministry_admin", "superuser"])
def test_admins_and_superusers_open_every_page(client, target, persona, request):
    client.force_login(request.getfixturevalue(persona))
    gets, _ = urls(target)
    for url in gets:
        assert client.get(url).status_code == 200, url


def test_the_header_links_the_people_pages_for_admins_only(client, ministry_admin, reviewer):
    client.force_login(ministry_admin)
    assert f'href="{reverse("accounts:person-list")}"' in client.get(reverse("home")).content.decode()
    client.force_login(reviewer)
    assert f'href="{reverse("accounts:person-list")}"' not in client.get(reverse("home")).content.decode()


def test_the_list_shows_role_regencies_last_sign_in_and_status(admin_client, target, partner):
    Profile.objects.create(user=partner, organisation="BAPPENAS")
    UserFactory(username="gone", first_name="Budi", is_active=False, role=roles.MINISTRY_REVIEWER)
    get_user_model().objects.filter(pk=target.pk).update(last_login=timezone.now())
    response = admin_client.get(reverse("accounts:person-list"))
    content = response.content.decode()
    rows = {person.username: person for person in response.context["people"]}
    assert rows["andi"].role == "officer" and [r.code for r in rows["andi"].regencies] == ["73.71"]
    assert "Kota Makassar" in content and "BAPPENAS" in content and "Deactivated" in content
    assert rows["gone"].role == "reviewer" and not rows["gone"].is_active


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "pratama"}, ["andi"]),
        ({"q": "ANDI@EXAMPLE"}, ["andi"]),
        ({"role": "officer"}, ["andi", "officer"]),
        ({"regency": "16.03"}, ["officer"]),
        ({"status": "inactive"}, ["gone"]),
        ({"role": "partner", "status": "active"}, ["partner"]),
    ],
)
def test_the_list_is_searched_and_filtered(admin_client, target, officer, partner, query, found):
    UserFactory(username="gone", is_active=False)
    response = admin_client.get(reverse("accounts:person-list"), query)
    assert response.status_code == 200
    assert sorted(person.username for person in response.context["people"]) == found


@pytest.mark.parametrize("query", [{"regency": "99.99"}, {"role": "superuser"}, {"rol": "officer"}])
def test_bad_filters_are_a_400_with_the_reason(admin_client, target, query):
    response = admin_client.get(reverse("accounts:person-list"), query)
    assert response.status_code == 400 and response.context["filter_errors"]


@pytest.fixture(params=[3, 120])
def many_people(request, register):
    """Officers of two regencies each, with a profile, and as many partners: more than a page at the larger size.
    Made in bulk (no password hashing), so the larger size costs no more than a second."""
    User = get_user_model()
    regencies = list(Regency.objects.order_by("code")[:2])
    groups = {name: Group.objects.get(name=name) for name in (roles.REGENCY_OFFICER, roles.PARTNER)}
    users = User.objects.bulk_create(
        User(username=f"{kind}{number}", email=f"{kind}{number}@example.invalid")
        for number in range(request.param)
        for kind in ("officer", "partner")
    )
    Member = User.groups.through
    Member.objects.bulk_create(
        Member(user=user, group=groups[roles.REGENCY_OFFICER if user.username.startswith("officer") else roles.PARTNER])
        for user in users
    )
    officers = [user for user in users if user.username.startswith("officer")]
    RegencyMembership.objects.bulk_create(
        RegencyMembership(user=user, regency=regency) for user in officers for regency in regencies
    )
    Profile.objects.bulk_create(Profile(user=user, organisation="Diskominfo") for user in officers)
    return request.param


def test_the_list_runs_a_fixed_number_of_queries_whatever_the_people(
    admin_client, many_people, django_assert_num_queries
):
    with django_assert_num_queries(11):
        response = admin_client.get(reverse("accounts:person-list"))
    assert response.status_code == 200
    assert len(response.context["people"]) == min(50, 2 * many_people + 1)
    with django_assert_num_queries(11):
        assert admin_client.get(reverse("accounts:person-list"), {"role": "officer", "q": "officer"}).status_code == 200


def post_role(client, person, callbacks=None, **data):
    url = reverse("accounts:person-role", args=[person.pk])
    if callbacks is None:
        return client.post(url, data)
    with callbacks(execute=True):
        return client.post(url, data)


def test_an_officer_made_reviewer_stops_acting_for_their_regency_with_history_and_email(
    admin_client, target, ministry_admin, django_capture_on_commit_callbacks
):
    response = post_role(admin_client, target, django_capture_on_commit_callbacks, role="reviewer")
    assert response.status_code == 302
    assert list(target.groups.values_list("name", flat=True)) == [roles.MINISTRY_REVIEWER]
    assert not RegencyMembership.objects.filter(user=target).exists()
    ended = RegencyMembership.history.filter(user_id=target.pk, history_type="-").get()
    assert ended.history_user == ministry_admin and ended.regency.code == "73.71"
    event = SecurityEvent.objects.get()
    assert (event.action, event.actor, event.target) == (SecurityAction.ROLE_CHANGED, ministry_admin, target)
    assert event.details["from_role"] == "officer" and event.details["to_role"] == "reviewer"
    assert event.details["regencies_ended"] == ["73.71 Kota Makassar"]
    assert event.request_id  # the request's id, from smartcity.logs
    (message,) = mail.outbox
    assert message.to == [target.email] and " / " in message.subject
    assert "Ministry reviewer" in message.body and "-----" in message.body


def test_a_reviewer_made_officer_needs_a_regency(admin_client, reviewer, register):
    assert post_role(admin_client, reviewer, role="officer").context["form"].errors["regencies"]
    assert post_role(admin_client, reviewer, role="officer", regencies="16.03").status_code == 302
    assert list(reviewer.regency_memberships.values_list("regency__code", flat=True)) == ["16.03"]


def test_an_admin_is_made_only_with_the_confirmation(admin_client, reviewer):
    response = post_role(admin_client, reviewer, role="admin")
    assert response.context["form"].errors["confirm_admin"]
    assert list(reviewer.groups.values_list("name", flat=True)) == [roles.MINISTRY_REVIEWER]
    assert post_role(admin_client, reviewer, role="admin", confirm_admin="on").status_code == 302
    reviewer = get_user_model().objects.get(pk=reviewer.pk)
    assert reviewer.has_perm("accounts.manage_people") and not reviewer.is_staff and not reviewer.is_superuser


def test_the_same_role_again_is_a_form_error(admin_client, reviewer):
    response = post_role(admin_client, reviewer, role="reviewer")
    assert response.status_code == 200 and response.context["form"].errors["role"]
    assert not SecurityEvent.objects.exists()


def test_an_admin_cannot_change_their_own_role_or_deactivate_themselves(admin_client, ministry_admin):
    page = admin_client.get(reverse("accounts:person-role", args=[ministry_admin.pk]))
    assert "cannot change your own role" in page.content.decode()
    response = post_role(admin_client, ministry_admin, role="reviewer")
    assert response.status_code == 403 and "cannot change your own role" in response.content.decode()
    response = admin_client.post(reverse("accounts:person-deactivate", args=[ministry_admin.pk]))
    assert response.status_code == 403
    ministry_admin.refresh_from_db()
    assert ministry_admin.is_active
    assert list(ministry_admin.groups.values_list("name", flat=True)) == [roles.MINISTRY_ADMIN]
    assert not SecurityEvent.objects.exists()


def test_only_a_superuser_changes_a_superuser(admin_client, client, superuser, ministry_admin):
    response = post_role(admin_client, superuser, role="reviewer")
    assert response.status_code == 403
    assert admin_client.post(reverse("accounts:person-deactivate", args=[superuser.pk])).status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active and not superuser.groups.exists()
    root = Client()
    root.force_login(superuser)
    assert post_role(root, ministry_admin, role="reviewer").status_code == 302


EXTRA = {"is_superuser": "on", "is_staff": "on", "is_active": "", "username": "root", "email": "x@example.invalid"}


def test_no_form_grants_superuser_staff_groups_or_permissions(admin_client, reviewer, target, ministry_admin):
    extra = {
        **EXTRA,
        "groups": [group.pk for group in Group.objects.all()],
        "user_permissions": [Permission.objects.get(codename="manage_people").pk],
    }
    membership = membership_of(target)
    posts = [
        (reverse("accounts:person-role", args=[reviewer.pk]), {"role": "partner", "organisation": "UNHAS"}),
        (reverse("accounts:person-regency-add", args=[target.pk]), {"regencies": "16.03"}),
        (
            reverse("accounts:person-regency-move", args=[target.pk, membership.pk]),
            {f"move-{membership.pk}-regency": "73.72"},
        ),
        (reverse("accounts:person-deactivate", args=[target.pk]), {"reason": "moved"}),
        (reverse("accounts:person-reactivate", args=[target.pk]), {}),
        (reverse("accounts:person-role", args=[ministry_admin.pk]), {"role": "admin", "confirm_admin": "on"}),
    ]
    for url, data in posts:
        assert admin_client.post(url, {**data, **extra}).status_code in (302, 403), url
    for user in get_user_model().objects.all():
        assert not user.is_superuser and user.user_permissions.count() == 0, user
        names = set(user.groups.values_list("name", flat=True))
        assert len(names & set(roles.ROLES)) <= 1, user
    assert get_user_model().objects.get(pk=ministry_admin.pk).is_staff  # as the fixture made it, untouched
    assert not get_user_model().objects.filter(is_staff=True).exclude(pk=ministry_admin.pk).exists()
    assert get_user_model().objects.get(pk=reviewer.pk).username == "reviewer"
    assert list(get_user_model().objects.get(pk=reviewer.pk).groups.values_list("name", flat=True)) == [roles.PARTNER]


def test_an_officer_is_moved_to_another_regency_with_history(
    admin_client, target, ministry_admin, django_capture_on_commit_callbacks
):
    membership = membership_of(target)
    url = reverse("accounts:person-regency-move", args=[target.pk, membership.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {f"move-{membership.pk}-regency": "16.03"})
    assert response.status_code == 302
    assert list(target.regency_memberships.values_list("regency__code", flat=True)) == ["16.03"]
    detail = admin_client.get(reverse("accounts:person-detail", args=[target.pk]))
    periods = detail.context["periods"]
    assert [(p["regency"].code, p["ended"] is None) for p in periods] == [("16.03", True), ("73.71", False)]
    assert periods[1]["ended_by"] == ministry_admin and periods[0]["started_by"] == ministry_admin
    event = SecurityEvent.objects.get()
    assert event.details == {"from_regency": "73.71 Kota Makassar", "to_regency": "16.03 Kabupaten Muara Enim"}
    assert "Muara Enim" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("code", "problem"), [("99.99", "No regency/city in the register"), ("73.71", "acts for Kota Makassar already")]
)
def test_a_bad_move_is_a_form_error(admin_client, target, code, problem):
    membership = membership_of(target)
    url = reverse("accounts:person-regency-move", args=[target.pk, membership.pk])
    response = admin_client.post(url, {f"move-{membership.pk}-regency": code})
    assert response.status_code == 200 and problem in response.content.decode()
    assert membership_of(target) == membership and not SecurityEvent.objects.exists()


def test_an_officer_acts_for_more_regencies_and_ends_one(admin_client, target):
    admin_client.post(reverse("accounts:person-regency-add", args=[target.pk]), {"regencies": "16.03, 73.72"})
    assert sorted(target.regency_memberships.values_list("regency__code", flat=True)) == ["16.03", "73.71", "73.72"]
    again = admin_client.post(reverse("accounts:person-regency-add", args=[target.pk]), {"regencies": "16.03"})
    assert again.status_code == 200 and "already" in again.content.decode()
    membership = target.regency_memberships.get(regency__code="73.71")
    response = admin_client.post(reverse("accounts:person-regency-end", args=[target.pk, membership.pk]))
    assert response.status_code == 302
    assert sorted(target.regency_memberships.values_list("regency__code", flat=True)) == ["16.03", "73.72"]
    assert list(SecurityEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        SecurityAction.MEMBERSHIP_ADDED,
        SecurityAction.MEMBERSHIP_ENDED,
    ]
    ended_again = admin_client.post(reverse("accounts:person-regency-end", args=[target.pk, membership.pk]))
    assert ended_again.status_code == 302 and SecurityEvent.objects.count() == 2


def test_deactivation_ends_sessions_and_tokens_at_once(admin_client, target, ministry_admin):
    officer_browser, other_browser = Client(), Client()
    officer_browser.force_login(target)
    other_browser.force_login(target)
    assert officer_browser.get(reverse("masterplans:my-regency")).status_code == 200
    token = ApiToken(
        user=target, name="Dasbor", organisation="Diskominfo", expires_at=timezone.now() + datetime.timedelta(days=9)
    )
    raw = token.issue()
    token.save()
    assert Client().get("/api/v1/regencies/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    response = admin_client.post(reverse("accounts:person-deactivate", args=[target.pk]), {"reason": "Pindah tugas"})
    assert response.status_code == 302

    target.refresh_from_db()
    assert not target.is_active
    assert officer_browser.get(reverse("masterplans:my-regency")).status_code == 302  # signed out: to sign-in
    assert all(session.get_decoded().get("_auth_user_id") != str(target.pk) for session in Session.objects.all())
    assert "_auth_user_id" in admin_client.session  # the admin's own session stays
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client()
    assert api.get("/api/v1/regencies/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    event = SecurityEvent.objects.get()
    assert event.details == {"sessions": 2, "tokens": 1, "reason": "Pindah tugas"}
    assert not Client().login(request=HttpRequest(), username="andi", password="a-long-test-password")


def test_a_deactivated_account_is_reactivated_with_its_role(admin_client, target):
    admin_client.post(reverse("accounts:person-deactivate", args=[target.pk]))
    assert admin_client.post(reverse("accounts:person-reactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert target.is_active and target.regency_memberships.count() == 1
    assert Client().login(request=HttpRequest(), username="andi", password="a-long-test-password")
    assert list(SecurityEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        SecurityAction.DEACTIVATED,
        SecurityAction.REACTIVATED,
    ]


def test_the_security_log_is_filtered(admin_client, target, reviewer):
    post_role(admin_client, reviewer, role="partner", organisation="UNHAS")
    admin_client.post(reverse("accounts:person-deactivate", args=[target.pk]))
    log = reverse("accounts:security-log")
    actions = lambda query: [event.action for event in admin_client.get(log, query).context["events"]]  # noqa: E731
    assert actions({}) == [SecurityAction.DEACTIVATED, SecurityAction.ROLE_CHANGED]
    assert actions({"action": "role_changed"}) == [SecurityAction.ROLE_CHANGED]
    assert actions({"q": "pratama"}) == [SecurityAction.DEACTIVATED]
    assert actions({"since": timezone.localdate().isoformat()}) == [
        SecurityAction.DEACTIVATED,
        SecurityAction.ROLE_CHANGED,
    ]
    assert actions({"until": "2020-01-01"}) == []
    assert admin_client.get(log, {"action": "sign_in_as_root"}).status_code == 400
    content = admin_client.get(log).content.decode()
    assert "from Ministry reviewer to Partner" in content


@pytest.mark.parametrize("entries", [2, 80])
def test_the_security_log_query_count_is_fixed(
    admin_client, reviewer, ministry_admin, entries, django_assert_num_queries
):
    SecurityEvent.objects.bulk_create(
        SecurityEvent(action=SecurityAction.REACTIVATED, actor=ministry_admin, target=reviewer) for _ in range(entries)
    )
    with django_assert_num_queries(8):
        assert admin_client.get(reverse("accounts:security-log")).status_code == 200
