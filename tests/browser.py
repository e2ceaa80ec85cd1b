"""Headless Chromium for browser tests: Debian's ``/usr/bin/chromium`` (``apt-get install chromium``), driven by
Playwright against pytest-django's live server. Loaded as a plugin by the root ``conftest.py``.

Every page the ``page`` fixture opens is watched: a console error (Chromium logs each Content-Security-Policy
violation as one), a ``securitypolicyviolation`` event, an uncaught script error, or a request to any host but the
live server's fails the test."""

import contextlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a-long-test-password"  # UserFactory's
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
)


# Reports each violation of the page's Content-Security-Policy to the test (the binding is Playwright's, not the
# page's, so the policy cannot block it).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "";
  const what = event.blockedURI || "inline";
  window.reportViolation(`${event.effectiveDirective} refused ${what} on ${event.documentURI}${where}`);
}, true);
"""


@pytest.fixture
def browser_problems():
    """What the browser saw that no portal page may cause, as text: the ``page`` fixture fills it and fails the test
    if it is not empty at the end. A test may also check it on the way."""
    return []


def watch(context, base_url, problems):
    """Fill ``problems`` with what any page of ``context`` logs as an error, each violation of its policy, what it
    throws without catching, and what it asks of a host that is not ``base_url``'s (data: and blob: have no host)."""
    origin = urlsplit(base_url)[:2]

    def request(request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts[:2] != origin:
            problems.append(f"request to another host: {request.method} {request.url}")

    context.on("request", request)
    context.expose_function("reportViolation", lambda text: problems.append(f"CSP violation: {text}"))
    context.add_init_script(REPORT_VIOLATIONS)
    context.on(
        "console",
        lambda message: problems.append(f"console error: {message.text}") if message.type == "error" else None,
    )
    context.on("weberror", lambda error: problems.append(f"uncaught error: {error.error}"))


def flush(page: Page):
    """Let events the page has queued (a violation is reported in a task of its own) reach the test."""
    with contextlib.suppress(PlaywrightError):  # closed, or navigating: its events have been sent all the same
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")


def describe(problems):
    return "The browser saw:\n" + "\n".join(f"- {problem}" for problem in problems)


def expect_no_problems(page: Page, problems, where=""):
    """Fail now, rather than at the end of the test, if the browser has seen any problem (see ``watch``)."""
    flush(page)
    assert not problems, f"{where}: {describe(problems)}" if where else describe(problems)


@pytest.fixture
def page(live_server, monkeypatch, browser_problems):
    """A fresh browser page on the live server, showing the portal in English, watched (see ``watch``)."""
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
        watch(context, live_server.url, browser_problems)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        try:
            flush(page)
        finally:
            browser.close()
            # Close them while the loop still runs, or they outlive the test and PostgreSQL cannot drop its database.
            connections.close_all()
    if browser_problems:
        pytest.fail(describe(browser_problems), pytrace=False)


def sign_in(page: Page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account .user-name")).to_have_text(username)
