"""Every dashboard page in headless Chromium, as the role it is for: it loads, draws its charts, logs no console
error and asks nothing of any host but the portal. Screenshots go to ``artifacts/screenshots/`` (ignored by git),
for CI to keep."""

import pytest
from playwright.sync_api import expect

from tests.browser import needs_chromium, sign_in
from tests.smartcity.helpers import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

PAGES = [
    # (who, address, what a reader must find, charts drawn)
    (None, "/programme/?as_of=2026-10-31", "Gerakan Menuju 100 Smart City", 1),
    ("reviewer", "/dashboard/?as_of=2026-10-31", "From MoU to progress", 3),
    ("reviewer", "/dashboard/?as_of=2018-05-07", "From MoU to progress", 3),
    ("reviewer", "/dashboard/provinces/16/?as_of=2026-10-31", "Sumatera Selatan", 3),
    ("reviewer", "/dashboard/regencies/16.71/?as_of=2026-10-31", "Kota Palembang", 1),
    ("reviewer", "/", "Review queue", 0),
    ("officer", "/", "Kabupaten Muara Enim", 0),
]


@pytest.mark.parametrize(("who", "address", "text", "charts"), PAGES)
def test_the_page_loads_offline_without_errors(
    dataset, reviewer, officer, live_server, page, who, address, text, charts
):
    if who:
        sign_in(page, who)
    response = page.goto(address)
    assert response.status == 200
    expect(page.get_by_text(text).first).to_be_visible()
    expect(page.locator("figure.chart svg")).to_have_count(charts)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"{who or 'public'}-{address.strip('/').replace('/', '-').replace('?', '-') or 'home'}.png"
    page.screenshot(path=SCREENSHOTS / name, full_page=True)
