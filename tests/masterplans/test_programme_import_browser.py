"""Importing programmes in headless Chromium at a phone's width: the upload, the preview of every row and the
confirmation fit the screen and keep to the Content-Security-Policy (the ``page`` fixture fails on a violation).

``PROGRAMME_IMPORT_SCREENSHOT=docs/screenshots/programme-import-preview.png`` also keeps the preview, 1000 px wide,
for the README."""

import os

import pytest
from playwright.sync_api import expect

from masterplans.models import Programme
from tests.browser import needs_chromium, sign_in

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1000, "height": 900}
FILE = (
    "Dimensi;Subdimensi;Nama;Uraian;Jangka waktu;Tahun pertama;Tahun terakhir;Perkiraan anggaran (Rp);"
    "Sumber dana;Perangkat daerah penanggung jawab (OPD);Quick win;Tahap bimtek\n"
    "Smart Governance;Pelayanan publik;Mal Pelayanan Publik digital;Satu pintu, daring;Quick win;2019;2020;"
    "Rp 1.250.000.000;apbd;DPMPTSP;Ya;IV\n"
    "Smart Governance;;Smart Governance 1;;medium;2019;2023;3.000.000.000;apbd;Diskominfo;Tidak;\n"
    "Smart Living;Pariwisata;Wisata Bukit Serelo;;short;2019;2021;750000000;apbd;Dinas Pariwisata;Tidak;\n"
    "Smart Environment;;Bank sampah;;long;2019;2031;500000000;csr;DLH;Tidak;\n"
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # restores migrations' roles and dimensions
    needs_chromium,
]


def fits(page, name):
    page.screenshot(path=f"/tmp/programme-import-{name}-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_an_officer_imports_programmes_from_a_file_on_a_phone(live_server, complete_draft, page, tmp_path):
    upload = tmp_path / "program.csv"
    upload.write_bytes(FILE.encode("utf-8-sig"))
    page.set_viewport_size(PHONE)
    sign_in(page, "officer")
    page.goto(complete_draft.get_absolute_url())
    page.get_by_role("link", name="Import programmes").click()
    fits(page, "upload")
    page.get_by_label("CSV or XLSX file").set_input_files(upload)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("This sub-dimension belongs to another dimension.")).to_be_visible()
    expect(page.get_by_text("2031 is outside the plan's period, 2019 to 2023.")).to_be_visible()
    fits(page, "preview")
    if os.environ.get("PROGRAMME_IMPORT_SCREENSHOT"):
        page.set_viewport_size(DESKTOP)
        page.locator(".import-preview").screenshot(path=os.environ["PROGRAMME_IMPORT_SCREENSHOT"])
        page.set_viewport_size(PHONE)
    assert not Programme.objects.filter(name="Mal Pelayanan Publik digital").exists()
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))  # confirm.js asks first
    page.get_by_role("button", name="Save 2 programmes").click()
    expect(page.locator(".message-success")).to_contain_text("Import saved: 1 added, 1 changed, 2 rows skipped.")
    assert Programme.objects.get(name="Mal Pelayanan Publik digital").budget == 1_250_000_000
    assert complete_draft.programmes.get(name="Smart Governance 1").budget == 3_000_000_000
    assert questions == ["Save these programmes? The added and changed programmes are saved at once."]
