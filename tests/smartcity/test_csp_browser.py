"""The portal's pages under its Content-Security-Policy, in headless Chromium: the main pages of each role and the API
docs draw with no violation of the policy, no console error and no request to another host (the ``page`` fixture
fails a test on any), and a long word does not widen a page on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from masterplans.models import MasterPlan, Programme
from tests.browser import expect_no_problems, needs_chromium, sign_in

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

AS_OF = "?as_of=2026-10-31"


def plan(code):
    return MasterPlan.objects.get(regency__code=code)


def pages_for(who):
    """The main pages of each role on the report dataset (tests/smartcity/reportdata.py); the admin's include pages
    that name no icon, for which the browser asks /favicon.ico."""
    palembang = plan("16.71")
    public = [
        reverse("home"),
        reverse("overview") + AS_OF,
        reverse("regencies:province-list"),
        reverse("regencies:regency-list"),
        reverse("masterplans:plan-list"),
        palembang.get_absolute_url(),
        reverse("masterplans:plan-progress", args=[palembang.pk]),
    ]
    return {
        None: [*public, reverse("login")],
        "reviewer": [
            *public,
            reverse("dashboard") + AS_OF,
            reverse("dashboard-province", args=["16"]) + AS_OF,
            reverse("dashboard-regency", args=["16.71"]) + AS_OF,
            reverse("masterplans:review-queue"),
            plan("16.03").get_absolute_url(),
            reverse("report-list"),
            reverse("mou:mou-list"),
            reverse("mou:cohort-list"),
        ],
        "admin": [reverse("admin:index"), reverse("mou:mou-create"), reverse("api:province-list")],
        "officer": [
            reverse("home"),
            reverse("masterplans:my-regency"),
            plan("16.03").get_absolute_url(),
            palembang.get_absolute_url(),
        ],
    }[who]


@pytest.mark.parametrize("who", [None, "reviewer", "admin", "officer"])
def test_the_main_pages_keep_to_the_policy(
    dataset, reviewer, ministry_admin, officer, live_server, page, browser_problems, who
):
    if who:
        sign_in(page, who)
    for address in pages_for(who):
        response = page.goto(address)
        assert response.status == 200, address
        expect_no_problems(page, browser_problems, where=address)


def test_the_swagger_ui_draws_the_api_with_no_inline_script(db, live_server, page):
    response = page.goto(reverse("api:docs"))
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Smart City Programme Portal API")
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_redoc_draws_the_api_from_the_portal_alone(db, live_server, page):
    response = page.goto(reverse("api:redoc"))
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    # The first schema the process generates takes a while.
    expect(page.locator("h1").first).to_contain_text("Smart City Programme Portal API", timeout=20_000)
    expect(page.get_by_role("link", name="API docs by Redocly")).to_be_visible()  # where its logo would load
    page.get_by_placeholder("Search...").fill("plans")  # the search runs in a worker
    expect(page.get_by_role("search").get_by_role("menuitem").first).to_be_visible()


def test_a_long_word_does_not_widen_a_plan_page_on_a_phone(dataset, live_server, page):
    word = "Transformasidigital" * 10 + "Kabupaten"  # 199 letters, no space
    palembang = plan("16.71")
    MasterPlan.objects.filter(pk=palembang.pk).update(title=word, summary=f"Ringkasan: {word}.")
    Programme.objects.filter(plan=palembang).update(description=f"Uraian: {word}.")
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(palembang.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(word[:40])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
