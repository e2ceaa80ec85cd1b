"""A master plan's way through the real pages in headless Chromium: an officer submits it, a reviewer approves it."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import ProgressUpdate
from tests.browser import flush, needs_chromium, sign_in

SCREENSHOT = Path("/tmp/browser-approved.png")

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # restores migrations' roles and dimensions
    needs_chromium,
]


def sign_out(page: Page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".account").get_by_role("link", name="Sign in")).to_be_visible()


def expect_plan_page(page: Page, status, message):
    expect(page.locator(".messages .message-success")).to_have_text(message)
    expect(page.locator("h1 .status")).to_have_text(status)


def test_an_officer_submits_and_a_reviewer_approves_in_the_browser(live_server, complete_draft, reviewer, page):
    plan = complete_draft
    comment = "Sesuai panduan penyusunan masterplan."

    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))  # confirm.js asks first
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
    assert [question.split("?")[0] for question in questions] == ["Submit this plan for review", "Record this decision"]

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert list(plan.events.values_list("action", "actor__username", "from_status", "to_status", "comment")) == [
        (PlanAction.CREATED, "officer", "", PlanStatus.DRAFT, ""),
        (PlanAction.SUBMITTED, "officer", PlanStatus.DRAFT, PlanStatus.SUBMITTED, ""),
        (PlanAction.TAKEN_UP, "reviewer", PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, ""),
        (PlanAction.APPROVED, "reviewer", PlanStatus.IN_REVIEW, PlanStatus.APPROVED, comment),
    ]


def test_cancelling_the_confirmation_does_not_submit_the_plan(live_server, complete_draft, page):
    """Submitting asks first (static/js/confirm.js, under the strict policy); dismissing the question sends nothing."""
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    sign_in(page, "officer")
    page.goto(reverse("masterplans:plan-detail", args=[complete_draft.pk]))
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    assert questions == ["Submit this plan for review? It is read-only until the ministry decides."]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.DRAFT
    assert not complete_draft.events.filter(action=PlanAction.SUBMITTED).exists()


def test_a_reviewer_checks_evidence_on_a_phone_and_the_officer_reads_the_reason(
    live_server, approved, reviewer, page, browser_problems
):
    """On a 360 px phone: the reviewer's form fits, a rejection without a reason is sent back with the error, a
    rejection with one is recorded, and the officer reads it beside the flag."""
    update = ProgressUpdate.objects.create(
        programme=approved.programmes.first(),
        year=2023,
        quarter=4,
        physical_percent=20,
        spent=1,
        status="on_track",
        evidence="masterplans/evidence/bukti.pdf",
    )
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, "reviewer")
    page.goto(reverse("masterplans:plan-progress", args=[approved.pk]) + "?quarter=2023+Q4")
    check = page.locator(f"#evidence-{update.pk}")
    expect(check.locator(".status")).to_have_text("Not yet checked")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check.get_by_role("radio", name="Rejected").check()
    check.get_by_role("button", name="Record the check").click()
    expect(page.locator(f"#evidence-{update.pk} .field-error")).to_contain_text("Say why the evidence is rejected")
    flush(page)  # the form sent back answers 400, which the browser reports: expected here, and only here
    browser_problems.remove(
        "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check = page.locator(f"#evidence-{update.pk}")
    check.get_by_label("Reason").fill("Foto buram; unggah berita acara.")
    check.get_by_role("button", name="Record the check").click()
    expect(page.locator(".messages .message-success")).to_contain_text("is marked rejected")
    sign_out(page)

    sign_in(page, "officer")
    page.goto(reverse("masterplans:plan-progress", args=[approved.pk]) + "?quarter=2023+Q4")
    expect(page.locator(f"#evidence-{update.pk} .status")).to_have_text("Rejected")
    expect(page.locator(f"#evidence-{update.pk} .evidence-reason")).to_contain_text("Foto buram; unggah berita acara.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
