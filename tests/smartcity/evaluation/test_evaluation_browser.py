"""A self-assessment and its confirmation in headless Chromium at a phone's width: the officer of Muara Enim fills in
every criterion, adds evidence and submits; the assigned assessor verifies the evidence, confirms the values and
finalises; the admin publishes, and the round's ranking shows the index. No page is wider than the screen."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from regencies.models import Regency
from smartcity import roles
from smartcity.evaluation import services
from smartcity.evaluation.models import Round, Score, Weighting
from tests.browser import needs_chromium, sign_in
from tests.factories import MoUFactory, RegencyMembershipFactory, UserFactory, pdf_bytes

SCREENSHOTS = Path("/tmp")
PHONE = {"width": 360, "height": 780}
VALUES = ["80", "70", "65.5", "50", "90"]  # in the weighting's criteria order: baseline, output, outcome, ...

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("tasks_in_process"),
    needs_chromium,
]


def fits(page, name):
    page.screenshot(path=SCREENSHOTS / f"evaluation-{name}-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_an_officer_submits_and_the_assessor_confirms_and_finalises(register, ministry_admin, page, tmp_path):
    muara_enim = Regency.objects.get(code="16.03")
    MoUFactory(regency=muara_enim)
    RegencyMembershipFactory(user=UserFactory(username="officer", role=roles.REGENCY_OFFICER), regency=muara_enim)
    assessor = UserFactory(username="assessor", role=roles.MINISTRY_REVIEWER)
    today = timezone.localdate()
    round_ = services.open_round(
        ministry_admin,
        Round(
            year=today.year,
            weighting=Weighting.objects.get(version=1),
            opens_on=today - datetime.timedelta(days=10),
            closes_on=today + datetime.timedelta(days=30),
        ),
    )
    assessment = round_.assessments.get()
    services.assign(ministry_admin, assessment.pk, assessor)
    evidence = tmp_path / "sk-dewan-smart-city.pdf"
    evidence.write_bytes(pdf_bytes())
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(PHONE)

    sign_in(page, "officer")
    page.goto("/evaluation/")
    page.get_by_role("link", name="Kabupaten Muara Enim").first.click()
    expect(page.get_by_role("heading", name="Self-assessment of Kabupaten Muara Enim")).to_be_visible()
    criteria = page.locator("fieldset.panel legend")
    expect(criteria).to_have_count(5)
    for index, value in enumerate(VALUES):
        page.get_by_label("Value for", exact=False).nth(index).fill(value)
        page.get_by_label("Note on", exact=False).nth(index).fill("SK Wali Kota dan laporan OPD")
    fits(page, "self-assessment")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".message-success")).to_contain_text("Draft saved.")
    page.get_by_label("Criterion").select_option(index=1)
    page.get_by_label("File", exact=True).set_input_files(evidence)
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.locator(".message-success")).to_contain_text("Evidence added")
    page.get_by_role("button", name="Submit to the ministry").click()
    expect(page.locator(".message-success")).to_contain_text("Self-assessment submitted to the ministry.")
    fits(page, "submitted")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "assessor")
    page.goto(assessment.get_absolute_url())
    page.get_by_label("Verified").check()
    page.get_by_role("button", name="Save the check").click()
    expect(page.locator(".message-success")).to_contain_text("Evidence marked")
    expect(page.locator(".evidence-verified")).to_have_text("Verified")
    expect(page.locator(".evidence-list")).to_contain_text("sk-dewan-smart-city.pdf")  # by the name it was sent under
    for index, value in enumerate(VALUES):
        page.get_by_label("Confirmed value for", exact=False).nth(index).fill(value)
    fits(page, "confirmation")
    page.get_by_role("button", name="Save confirmed values").click()
    expect(page.locator(".message-success")).to_contain_text("Confirmed values saved.")
    page.get_by_role("button", name="Finalise").click()
    expect(page.locator(".message-success")).to_contain_text("Assessment finalised")
    # (80*10 + 70*20 + 65.5*30 + 50*30 + 90*10) / 100 with the 2018 weighting
    expect(page.locator(".facts")).to_contain_text("65.65")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "admin")
    page.goto(f"/evaluation/{round_.year}/")
    page.get_by_role("button", name="Publish the round").click()
    expect(page.locator(".message-success")).to_contain_text("is published")
    expect(page.get_by_role("region", name="Achievement index and ranking")).to_contain_text("65.65")
    fits(page, "published")
    assert Score.objects.get(assessment=assessment).index == Decimal("65.65")
