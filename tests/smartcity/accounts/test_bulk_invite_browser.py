"""A bulk invitation in headless Chromium at a phone's width: the upload, the preview of every row and the
confirmation fit the screen and keep to the Content-Security-Policy (the ``page`` fixture fails on a violation)."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from smartcity.accounts.models import Invitation
from tests.browser import needs_chromium, sign_in

PHONE = {"width": 360, "height": 780}
FILE = (
    "email;name;role;regency_codes;organisation\n"
    "andi@makassarkota.go.id;Andi Pratama;Petugas kabupaten/kota;73.71 16.03;\n"
    "a-very-long-address-that-could-widen-the-table@makassarkota.go.id;Someone;mayor;99.99;\n"
    "dewi@unhas.ac.id;Dewi Lestari;partner;;Universitas Hasanuddin\n"
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("tasks_in_process"),
    needs_chromium,
]


def fits(page, name):
    """The page is no wider than the phone's screen; a screenshot of it is kept for people to look at."""
    page.screenshot(path=f"/tmp/people-bulk-{name}-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_an_admin_invites_people_from_a_file_on_a_phone(register, ministry_admin, live_server, page, tmp_path):
    upload = tmp_path / "people.csv"
    upload.write_bytes(FILE.encode("utf-8-sig"))
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    page.goto("/people/invite/")
    page.get_by_role("link", name="Invite many people from a CSV file").click()
    fits(page, "upload")
    page.get_by_label("CSV file").set_input_files(upload)
    page.get_by_role("button", name="Preview the invitations").click()
    expect(page.get_by_text("unknown role “mayor”")).to_be_visible()
    fits(page, "preview")
    assert not Invitation.objects.exists()
    page.get_by_role("button", name="Invite 2 people").click()
    expect(page.locator(".message-success")).to_contain_text("2 people are invited")
    assert sorted(message.to[0] for message in mail.outbox) == ["andi@makassarkota.go.id", "dewi@unhas.ac.id"]
