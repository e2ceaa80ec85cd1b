"""A master plan's way through the real pages in headless Chromium: an officer submits it, a reviewer approves it.

Chromium is Debian's (``apt-get install chromium``), driven by Playwright against pytest-django's live server."""

from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from masterplans.choices import PlanAction, PlanStatus

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a-long-test-password"  # UserFactory's
SCREENSHOT = Path("/tmp/browser-approved.png")

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # restores migrations' roles and dimensions
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]


@pytest.fixture
def page(live_server, monkeypatch):
    """A fresh browser page on the live server, showing the portal in English."""
    # Playwright's sync API keeps an event loop running in this thread, so Django refuses ORM calls here unless
    # told otherwise, and keeps the connections they open apart from the thread's own (see the teardown).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(base_url=live_server.url)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()
        # Close them while the loop still runs, or they outlive the test and PostgreSQL cannot drop its database.
        connections.close_all()


def sign_in(page: Page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account .user-name")).to_have_text(username)


def sign_out(page: Page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".account").get_by_role("link", name="Sign in")).to_be_visible()


def expect_plan_page(page: Page, status, message):
    expect(page.locator(".messages .message-success")).to_have_text(message)
    expect(page.locator("h1 .status")).to_have_text(status)


def test_an_officer_submits_and_a_reviewer_approves_in_the_browser(live_server, complete_draft, reviewer, page):
    plan = complete_draft
    comment = "Sesuai panduan penyusunan masterplan."

    sign_in(page, "officer")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My regency").click()
    expect(page).to_have_url(live_server.url + reverse("masterplans:my-regency"))
    page.locator(".facts").get_by_role("link", name=plan.title).click()
    expect(page.locator("h1")).to_contain_text(plan.title)
    expect(page.get_by_text("The plan is complete.")).to_be_visible()
    expect(page.locator(".problems li")).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    expect_plan_page(page, "Submitted", "The plan was submitted for review.")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    sign_out(page)

    sign_in(page, "reviewer")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Review queue").click()
    expect(page).to_have_url(live_server.url + reverse("masterplans:review-queue"))
    page.get_by_role("link", name=plan.title).click()
    page.get_by_role("button", name="Take up for review").click()
    expect_plan_page(page, "In review", "You took up this plan for review.")
    page.get_by_role("radio", name="Approve").check()
    page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Record the decision").click()
    expect_plan_page(page, "Approved", "Your decision was recorded and the regency's officers were told.")
    expect(page.get_by_role("cell", name=comment)).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert list(plan.events.values_list("action", "actor__username", "from_status", "to_status", "comment")) == [
        (PlanAction.CREATED, "officer", "", PlanStatus.DRAFT, ""),
        (PlanAction.SUBMITTED, "officer", PlanStatus.DRAFT, PlanStatus.SUBMITTED, ""),
        (PlanAction.TAKEN_UP, "reviewer", PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, ""),
        (PlanAction.APPROVED, "reviewer", PlanStatus.IN_REVIEW, PlanStatus.APPROVED, comment),
    ]
