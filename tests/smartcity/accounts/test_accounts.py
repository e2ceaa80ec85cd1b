import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from regencies.models import RegencyMembership
from smartcity import roles

pytestmark = pytest.mark.django_db


def test_the_four_role_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_seed_demo_creates_one_marked_demo_account_per_role(programme, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    users = get_user_model().objects.filter(groups__name=roles.DEMO_ACCOUNTS)
    assert {group for user in users for group in user.groups.values_list("name", flat=True)} == {
        *roles.ROLES,
        roles.DEMO_ACCOUNTS,
    }
    officer = users.get(username="demo-officer")
    assert list(RegencyMembership.objects.filter(user=officer).values_list("regency__code", flat=True)) == ["16.03"]
    password = next(line.split()[-1] for line in out.splitlines() if " demo-officer " in line)
    assert officer.check_password(password)
    assert "DEMO ACCOUNTS" in out


def test_seed_demo_twice_keeps_one_account_each_with_a_new_password(programme, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert get_user_model().objects.filter(username="demo-reviewer").count() == 1
    password = next(line.split()[-1] for line in reversed(out.splitlines()) if " demo-reviewer " in line)
    assert get_user_model().objects.get(username="demo-reviewer").check_password(password)


def test_seed_demo_refuses_to_run_in_production(programme, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


def test_sign_in_and_out(client, officer):
    login_page = client.get(reverse("login"))
    assert login_page.status_code == 200
    response = client.post(reverse("login"), {"username": "officer", "password": "a-long-test-password"}, follow=True)
    content = response.content.decode()
    assert "officer" in content
    assert "Petugas kabupaten/kota" in content
    response = client.post(reverse("logout"), follow=True)
    assert "Masuk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_shows_an_error_on_the_form(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="error-summary" role="alert"' in response.content.decode()


def test_a_demo_account_is_marked_in_the_header(client, demo):
    client.force_login(get_user_model().objects.get(username="demo-partner"))
    content = client.get(reverse("home")).content.decode()
    assert "Akun demo" in content
    assert "Mitra" in content


def test_the_language_switcher_changes_the_language(client, register):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/provinces/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    content = client.get("/provinces/").content.decode()
    assert "38 provinces with 514 regencies and cities (416 kabupaten, 98 kota)." in content
    client.post(reverse("set_language"), {"language": "id", "next": "/provinces/"})
    content = client.get("/provinces/").content.decode()
    assert "38 provinsi dengan 514 kabupaten dan kota (416 kabupaten, 98 kota)." in content


def test_the_header_offers_both_languages(client, db):
    content = client.get(reverse("home")).content.decode()
    assert 'name="language" value="id"' in content
    assert 'name="language" value="en"' in content


@pytest.mark.parametrize(
    "url",
    [
        "admin:regencies_province_changelist",
        "admin:regencies_regency_changelist",
        "admin:regencies_regencymembership_changelist",
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
    ],
)
def test_admin_lists_every_model_with_search_and_filters(client, ministry_admin, officer, url):
    client.force_login(ministry_admin)
    response = client.get(reverse(url), {"q": "muara"})
    assert response.status_code == 200


def test_admin_user_page_edits_regency_memberships(client, ministry_admin, officer):
    client.force_login(ministry_admin)
    response = client.get(reverse("admin:auth_user_change", args=[officer.pk]))
    assert response.status_code == 200
    assert "regency_memberships-TOTAL_FORMS" in response.content.decode()


def test_admin_is_closed_to_non_staff(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:regencies_regency_changelist"))
    assert response.status_code == 302
