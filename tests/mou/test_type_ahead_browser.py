"""The MoU form in headless Chromium at a phone's width: the regency/city is chosen by typing part of its name
(the vendored type-ahead on the plain select), the signing date by day, month name and year; the page keeps to
the Content-Security-Policy (the ``page`` fixture fails on a violation or a console error)."""

import datetime

import pytest
from playwright.sync_api import expect

from mou.models import MoU
from tests.browser import needs_chromium, sign_in

PHONE = {"width": 360, "height": 780}

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_staff_choose_kota_makassar_by_typing_on_a_phone(programme, ministry_admin, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    page.goto("/mou/new/")

    regency = page.get_by_role("combobox", name="Regency/city")
    regency.fill("makassar")
    option = page.get_by_role("option", name="Kota Makassar (Sulawesi Selatan)")
    expect(option).to_be_visible()
    page.screenshot(path="/tmp/mou-type-ahead-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    option.click()
    expect(regency).to_have_value("Kota Makassar (Sulawesi Selatan)")
    assert page.locator("select#id_regency-select").input_value()  # the hidden select holds the choice

    page.get_by_label("Cohort").select_option(label="Angkatan 2017")
    page.locator("#id_signed_on_0").fill("22")
    page.locator("#id_signed_on_1").select_option(label="May")
    page.locator("#id_signed_on_2").fill("2017")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Save").click()

    expect(page.locator("h1")).to_contain_text("Makassar")
    assert MoU.objects.get(regency__code="73.71").signed_on == datetime.date(2017, 5, 22)


def test_the_quick_win_checkbox_sits_before_its_label(programme, officer, live_server, page):
    from masterplans import services
    from masterplans.models import MasterPlan

    plan = services.create_draft(
        officer,
        MasterPlan(
            regency=officer.regency_memberships.get().regency, title="Masterplan", start_year=2019, end_year=2023
        ),
    )
    page.set_viewport_size(PHONE)
    sign_in(page, "officer")
    page.goto(f"/plans/{plan.pk}/programmes/new/")

    box, label = (
        page.get_by_role("checkbox", name="Quick win").bounding_box(),
        page.locator("label[for=id_is_quick_win]").bounding_box(),
    )
    assert box["x"] < label["x"] and abs(box["y"] - label["y"]) < label["height"]  # one row, the box first
    assert box["x"] < 60  # at the left of the form, not centred
    page.screenshot(path="/tmp/programme-quick-win-360.png", full_page=True)
