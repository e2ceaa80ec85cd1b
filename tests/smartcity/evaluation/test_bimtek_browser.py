"""Recording a bimtek stage in headless Chromium on a 360 px phone, in Indonesian and in English: the regency's
dashboard page and the stage's form fit the phone (nothing scrolls sideways but the tables in their own boxes),
axe-core finds no serious or critical violation, a bad date comes back as the field's error, and a good one saves."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from masterplans.choices import BimtekStage
from smartcity.evaluation.models import BimtekSession
from tests.browser import needs_chromium, sign_in

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

PHONE = {"width": 360, "height": 780}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def fits_and_passes_axe(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not [(v["id"], v["impact"]) for v in violations if v["impact"] in {"serious", "critical"}]


def fill_date(page, name, day):
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").select_option(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_admin_records_a_stage_on_a_phone(programme, ministry_admin, live_server, page, language):
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/dashboard/regencies/16.03/")
    fits_and_passes_axe(page)

    page.locator("#bimtek a[href$='/evaluation/bimtek/16.03/1/']").click()
    expect(page.locator("h1")).to_contain_text("I")
    fits_and_passes_axe(page)
    fill_date(page, "started_on", datetime.date(2018, 7, 12))
    fill_date(page, "ended_on", datetime.date(2018, 7, 10))
    page.locator("#id_guide").fill("Tim Bimtek Ditjen Aptika")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_ended_on_0")).to_be_visible()
    assert page.locator(".error-summary, .errorlist").count() > 0
    fits_and_passes_axe(page)
    assert not BimtekSession.objects.exists()

    fill_date(page, "started_on", datetime.date(2018, 7, 10))
    fill_date(page, "ended_on", datetime.date(2018, 7, 12))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/dashboard/regencies/16.03/" in url)
    assert BimtekSession.objects.get().stage == BimtekStage.READINESS
    expect(page.locator("#bimtek")).to_contain_text("Tim Bimtek Ditjen Aptika")
    fits_and_passes_axe(page)
