"""Every main page of each role on a 360 px phone, in Indonesian and in English, in headless Chromium over the demo
dataset (as ``make run`` loads it): the page does not scroll sideways, and axe-core (bundled with
axe-playwright-python, run in the page, nothing loaded from elsewhere) finds no serious or critical violation of
WCAG 2.2 A/AA or of its best practices. A phone screenshot of each page goes to ``artifacts/screenshots/`` (ignored by
git, kept by CI), and the axe results of the run to ``artifacts/axe-{language}.json``."""

import io
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command

from masterplans.models import MasterPlan
from mou.models import MoU
from regencies.models import Regency
from smartcity.evaluation.models import Round
from smartcity.reports.models import ProgressReport
from tests.browser import PASSWORD, needs_chromium
from tests.factories import RegencyMembershipFactory
from tests.smartcity.helpers import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "artifacts"
PHONE = {"width": 360, "height": 780}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("tasks_in_process"),
    needs_chromium,
]


def main_pages():
    """``{username or None: [address, ...]}``: the pages each role works with, on records of the demo dataset."""
    approved = MasterPlan.objects.filter(status="approved", mou__regency__code="73.71").get()
    in_review = MasterPlan.objects.filter(status="in_review").order_by("pk").first()
    sent_back = MasterPlan.objects.filter(status="revision_requested").order_by("pk").first()
    draft = MasterPlan.objects.filter(status="draft").order_by("pk").first()
    # Makassar's officer also looks after the draft's regency, to reach a draft's forms.
    officer = get_user_model().objects.get(username="demo-officer-makassar")
    RegencyMembershipFactory(user=officer, regency=draft.mou.regency)
    mou = MoU.objects.filter(regency__code="16.03").get()
    person = get_user_model().objects.get(username="demo-officer")
    report = ProgressReport.objects.get()
    makassar = Regency.objects.get(code="73.71")
    this_round = Round.objects.filter(status="open").get()
    last_round = Round.objects.filter(status="published").get()
    self_assessment = this_round.assessments.get(regency__code="16.03")
    confirmed = this_round.assessments.filter(status="finalised").order_by("pk").first()
    return {
        None: [
            "/",
            "/programme/",
            "/provinces/",
            "/regencies/",
            makassar.get_absolute_url(),
            "/plans/",
            f"/plans/{approved.pk}/",
            f"/plans/{approved.pk}/progress/",
            "/accounts/login/",
            "/accounts/password_reset/",
            "/evaluation/",
            f"/evaluation/{last_round.year}/",
            mou.regency.get_absolute_url(),
        ],
        "demo-officer": ["/evaluation/", f"/evaluation/assessments/{self_assessment.pk}/"],
        "demo-officer-makassar": [
            "/",
            "/plans/my-regency/",
            f"/plans/{draft.pk}/",
            f"/plans/{draft.pk}/edit/",
            f"/plans/{draft.pk}/programmes/new/",
            f"/plans/{draft.pk}/attachments/new/",
            f"/plans/{draft.pk}/programmes/import/",
            f"/plans/{approved.pk}/progress/",
            "/accounts/profile/",
            "/accounts/password_change/",
        ],
        "demo-reviewer": [
            "/",
            "/plans/review/",
            f"/plans/{in_review.pk}/",
            f"/plans/{sent_back.pk}/",
            "/dashboard/",
            "/dashboard/provinces/73/",
            "/dashboard/regencies/73.71/",
            "/reports/",
            f"/reports/{report.pk}/",
            "/mou/",
            f"/mou/{mou.pk}/",
            "/mou/cohorts/",
            "/mou/cohorts/2017/",
            f"/evaluation/{this_round.year}/",
            f"/evaluation/assessments/{confirmed.pk}/",
        ],
        "demo-admin": [
            "/",
            "/mou/",
            "/mou/new/",
            f"/mou/{mou.pk}/edit/",
            f"/mou/{mou.pk}/end/",
            "/mou/import/",
            "/mou/cohorts/new/",
            "/mou/cohorts/2017/edit/",
            "/mou/goals/new/",
            "/people/",
            f"/people/{person.pk}/",
            "/people/invite/",
            "/people/security-log/",
            "/evaluation/new/",
            f"/evaluation/{this_round.year}/",
        ],
        "demo-partner": ["/", "/accounts/profile/", "/plans/", "/programme/"],
    }


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_main_page_fits_a_phone_and_passes_axe(demo, live_server, page, language):
    for user in get_user_model().objects.filter(username__startswith="demo-"):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    call_command("generate_report", stdout=io.StringIO())
    pages = main_pages()
    axe = Axe()
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    results, problems = [], []
    for who, addresses in pages.items():
        if who:
            sign_in(page, who)
        else:
            page.context.clear_cookies()
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for address in addresses:
            response = page.goto(address)
            where = f"{who or 'anonymous'} {address}"
            if response.status != 200:
                problems.append(f"{where}: answered {response.status}")
                continue
            assert page.locator("html").get_attribute("lang") == language, where
            width = page.evaluate("document.documentElement.scrollWidth")
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            found = [
                {"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in violations
            ]
            results.append({"who": who, "address": address, "width": width, "violations": found})
            if width > PHONE["width"]:
                problems.append(f"{where}: {width} px wide")
            problems += [
                f"{where}: axe {v['rule']} ({v['impact']}) at {v['nodes']}" for v in found if v["impact"] in BLOCKING
            ]
            slug = address.strip("/").replace("/", "-") or "home"
            page.screenshot(
                path=ARTIFACTS / "screenshots" / f"phone-{language}-{who or 'public'}-{slug}.png", full_page=True
            )
    (ARTIFACTS / f"axe-{language}.json").write_text(json.dumps(results, indent=1))
    assert not problems, "\n".join(problems)
    assert len(results) == sum(map(len, pages.values()))
