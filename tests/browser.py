"""Headless Chromium for browser tests: Debian's ``/usr/bin/chromium`` (``apt-get install chromium``), driven by
Playwright against pytest-django's live server. Loaded as a plugin by the root ``conftest.py``."""

from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a-long-test-password"  # UserFactory's
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
)


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


def watch_for_problems(page: Page, base_url):
    """A list that fills with console errors and with requests to any host but ``base_url``."""
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: None if request.url.startswith(base_url) else problems.append(request.url))
    return problems
