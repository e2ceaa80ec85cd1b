"""Self service in headless Chromium at a phone's width: a partner who forgot their password resets it from the
emailed link, signs in and makes a read-only API token on their profile; an admin sees it on the token list. No
page is wider than the screen or breaks the Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import needs_chromium, sign_in

SCREENSHOTS = Path("/tmp")
PHONE = {"width": 360, "height": 780}
NEW = "Kebun-Raya-Bogor-Partner-2026"

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("tasks_in_process"),  # the reset email is sent by a task once the request commits
    needs_chromium,
]


def fits(page, name):
    page.screenshot(path=SCREENSHOTS / f"self-service-{name}-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_a_partner_resets_the_password_and_makes_a_token_on_a_phone(partner, ministry_admin, live_server, page):
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    fits(page, "reset")
    page.get_by_label("Email").fill(partner.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("h1")).to_have_text("Check your email")

    (link,) = set(re.findall(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body))
    page.goto(link)
    fits(page, "new-password")
    page.locator("#id_new_password1").fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator("h1")).to_have_text("Your password is set")

    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Username").fill(partner.username)
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    page.locator(".account .user-name").click()
    expect(page.locator("h1")).to_have_text("Your profile")
    page.get_by_label("What the token is for").fill("Dasbor BAPPENAS")
    page.get_by_role("button", name="Create the token").click()
    expect(page.locator(".token-secret code")).to_contain_text("sc100_")
    fits(page, "profile")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "admin")
    page.goto("/people/tokens/")
    expect(page.locator("table")).to_contain_text("Dasbor BAPPENAS")
    fits(page, "tokens")
