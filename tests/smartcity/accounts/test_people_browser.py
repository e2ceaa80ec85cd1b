"""An invitation in headless Chromium at a phone's width: an admin invites an officer of Kota Makassar, the officer
opens the emailed link, sets a name and password, signs in and sees Makassar's plan. No page is wider than the
screen, loads anything from outside the portal or breaks its Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from regencies.models import Regency
from tests.browser import needs_chromium, sign_in
from tests.factories import MasterPlanFactory, MoUFactory

SCREENSHOTS = Path("/tmp")
PHONE = {"width": 360, "height": 780}
PASSWORD = "Merah-Putih-Makassar-2026"
EMAIL = "andi.makassar@makassarkota.go.id"

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("tasks_in_process"),
    needs_chromium,
]


def fits(page, name):
    """The page is no wider than the phone's screen; a screenshot of it is kept for people to look at."""
    page.screenshot(path=SCREENSHOTS / f"people-{name}-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_an_invited_officer_accepts_and_signs_in(register, ministry_admin, live_server, page):
    plan = MasterPlanFactory(mou=MoUFactory(regency=Regency.objects.get(code="73.71")), title="Masterplan Makassar")
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")

    page.goto("/people/")
    fits(page, "list")
    page.get_by_role("link", name="Invite a person").first.click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Regency officer").check()
    page.get_by_label("Regencies/cities (officers)").fill("73.71")
    fits(page, "invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".message-success")).to_contain_text(EMAIL)
    fits(page, "invitations")

    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", message.body)[1]
    page.get_by_role("button", name="Sign out").click()

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/invitation/set-password/$"))  # the secret left the address
    expect(page.get_by_role("heading", name="Accept the invitation")).to_be_visible()
    page.get_by_label("Given name").fill("Andi")
    page.get_by_label("Family name").fill("Pratama")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    fits(page, "accept")
    page.get_by_role("button", name="Create my account").click()

    expect(page.locator(".message-success")).to_contain_text("Your account is ready")
    page.get_by_label("Username").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account .user-name")).to_have_text("Andi Pratama")
    page.goto("/plans/my-regency/")
    expect(page.get_by_text(plan.title).first).to_be_visible()
    expect(page.get_by_text("Kota Makassar").first).to_be_visible()


def test_the_people_pages_fit_a_phone_and_a_desktop(register, ministry_admin, officer, live_server, page):
    """The list, a person, their regencies and the security log, at 360 px and at 1280 px."""
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    page.goto(f"/people/{officer.pk}/regencies/")
    page.get_by_label("Move to the regency/city").fill("73.71")
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".message-success")).to_contain_text("Kota Makassar")
    fits(page, "person")
    for name, address in [
        ("regencies", f"/people/{officer.pk}/regencies/"),
        ("role", f"/people/{officer.pk}/role/"),
        ("deactivate", f"/people/{officer.pk}/deactivate/"),
        ("security-log", "/people/security-log/"),
    ]:
        page.goto(address)
        fits(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, address in [("list", "/people/"), ("person", f"/people/{officer.pk}/"), ("log", "/people/security-log/")]:
        page.goto(address)
        page.screenshot(path=SCREENSHOTS / f"people-{name}-1280.png", full_page=True)
