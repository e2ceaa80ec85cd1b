"""Importing MoUs from CSV/XLSX files (preview, then confirm) and exporting the MoU list (mou.tabular and its pages)."""

import csv
import datetime
import html
import io
import re

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mou import tabular
from mou.choices import MoUStatus
from mou.models import Cohort, MoU
from mou.views import IMPORT_SESSION_KEY
from regencies.models import Regency
from tests.factories import CohortFactory, MoUFactory
from tests.imports import preview_rows

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("mou:mou-import")
CONFIRM_URL = reverse("mou:mou-import-confirm")
LIST_URL = reverse("mou:mou-list")
HEADER = ["regency_code", "cohort", "signed_on", "ministry_number", "regency_signatory_name"]
# What load_programme records for Muara Enim's 2018 MoU.
MUARA_ENIM = ["16.03", "2018", "2018-05-08", "", "Ir. Muzakir Sai Sohar"]


def csv_bytes(*rows, encoding="utf-8", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(headers, *rows):
    return tablib.Dataset(*rows, headers=headers).export("xlsx")


def upload(client, name, content):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    """Press the preview's confirm button: post the token the page carries."""
    token = re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)
    return client.post(CONFIRM_URL, {"token": token}, follow=True)


def page_text(response):
    return html.unescape(response.content.decode())


def saved_state():
    """Everything an import could write: the MoUs and their history."""
    return MoU.objects.count(), MoU.history.count()


def cohort(year):
    return Cohort.objects.get(year=year)


def regency(code):
    return Regency.objects.get(code=code)


def muara_enim():
    return MoU.objects.get(regency__code="16.03", cohort__year=2018)


@pytest.fixture
def staff_client(client, ministry_admin):
    """A ministry admin, reading the pages in English (the source strings)."""
    client.force_login(ministry_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def tomorrow(programme):
    """Tomorrow's date, with a cohort for its year so that only the date itself is wrong."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    CohortFactory(year=day.year)
    return day


# Preview ------------------------------------------------------------------------------------------------------


def test_preview_lists_each_rejected_row_with_its_spreadsheet_number_and_reason(staff_client, programme, tomorrow):
    content = csv_bytes(
        HEADER,
        ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", "Wali Kota Makassar"],  # 2: add
        ["99.99", "2018", "2018-05-08", "", ""],  # 3: no such regency
        ["16.03", "2019", "2019-05-15", "", ""],  # 4: Muara Enim's 2018 MoU is still active
        ["16.71", "2018", "2018-13-45", "", ""],  # 5: no such date
        ["32.73", "2017", "2018-05-08", "", ""],  # 6: signed in 2018, not in the 2017 cohort
        ["73.71", "2017", "2017-05-22", "", ""],  # 7: Makassar again
        ["35.78", str(tomorrow.year), tomorrow.isoformat(), "", ""],  # 8: signed tomorrow
        ["51.71", "2018", "2018-05-08", "002/KOMINFO/2018", ""],  # 9: add
    )

    response = upload(staff_client, "mous.csv", content)

    assert response.status_code == 200
    assert response.context["preview"].counts == {"add": 2, "change": 0, "unchanged": 0, "reject": 6}
    assert preview_rows(response) == {
        2: ("add", "Kota Makassar", []),
        3: ("reject", "99.99", ["unknown regency code “99.99”"]),
        4: (
            "reject",
            "Kabupaten Muara Enim",
            ["regency/city: Kabupaten Muara Enim already has an active MoU; end it before recording another."],
        ),
        5: ("reject", "Kota Palembang", ["bad date “2018-13-45” in signed_on (use YYYY-MM-DD)"]),
        6: ("reject", "Kota Bandung", ["cohort: The 2017 cohort does not match a signing date in 2018."]),
        7: ("reject", "Kota Makassar", ["73.71 appears again (first in row 2)"]),
        8: ("reject", "Kota Surabaya", ["signed on: The signing date cannot be in the future."]),
        9: ("add", "Kota Denpasar", []),
    }
    text = page_text(response)
    assert "Preview of mous.csv" in text
    for count in ["2 to add", "0 to change", "0 unchanged", "6 rejected"]:
        assert f"<li>{count}</li>" in text
    assert "Save 2 rows" in text


def test_preview_lists_rows_to_add_change_and_leave_unchanged(staff_client, programme):
    MoUFactory(
        regency=regency("32.73"),
        cohort=cohort(2019),
        signed_on=datetime.date(2019, 5, 15),
        ministry_number="007/KOMINFO/2019",
        regency_signatory_name="Wali Kota Bandung",
    )
    content = csv_bytes(
        HEADER,
        ["16.03", "2018", "2018-05-08", "123/KOMINFO/2018", "Ir. Muzakir Sai Sohar"],  # 2: new ministry number
        ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", "Wali Kota Makassar"],  # 3: new MoU
        ["32.73", "2019", "2019-05-15", "007/KOMINFO/2019", "Wali Kota Bandung"],  # 4: as recorded
        ["99.99", "2018", "2018-05-08", "", ""],  # 5: no such regency
    )

    response = upload(staff_client, "mous.csv", content)

    assert response.context["preview"].counts == {"add": 1, "change": 1, "unchanged": 1, "reject": 1}
    assert preview_rows(response) == {
        2: ("change", "Kabupaten Muara Enim", ["ministry's document number"]),
        3: ("add", "Kota Makassar", []),
        4: ("unchanged", "Kota Bandung", []),
        5: ("reject", "99.99", ["unknown regency code “99.99”"]),
    }
    text = page_text(response)
    for count in ["1 to add", "1 to change", "1 unchanged", "1 rejected"]:
        assert f"<li>{count}</li>" in text
    assert "Save 2 rows" in text


def test_it_saves_nothing_when_previewing(staff_client, programme):
    before = saved_state()
    content = csv_bytes(
        HEADER,
        ["16.03", "2018", "2018-05-08", "123/KOMINFO/2018", "Ir. Muzakir Sai Sohar"],
        ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", "Wali Kota Makassar"],
    )

    response = upload(staff_client, "mous.csv", content)

    assert response.context["preview"].savable == 2
    assert "Nothing has been saved yet." in page_text(response)
    assert saved_state() == before
    assert muara_enim().ministry_number == ""
    assert not MoU.objects.filter(regency__code="73.71").exists()


def test_preview_says_when_a_file_has_no_row_to_save(staff_client, programme):
    response = upload(staff_client, "mous.csv", csv_bytes(HEADER, MUARA_ENIM, ["99.99", "2018", "2018-05-08", "", ""]))

    assert response.context["preview"].counts == {"add": 0, "change": 0, "unchanged": 1, "reject": 1}
    text = page_text(response)
    assert "This file has no row to save." in text
    assert CONFIRM_URL not in text


# Confirm ------------------------------------------------------------------------------------------------------


def test_it_saves_every_valid_row_on_confirm_with_history_naming_the_user_and_the_file(
    staff_client, programme, ministry_admin
):
    content = csv_bytes(
        HEADER,
        ["16.03", "2018", "2018-05-08", "123/KOMINFO/2018", "Ir. Muzakir Sai Sohar"],  # change
        ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", "Wali Kota Makassar"],  # add
        ["51.71", "2018", "2018-05-08", "002/KOMINFO/2018", ""],  # add
        ["99.99", "2018", "2018-05-08", "", ""],  # reject
    )
    mou_count, history_count = saved_state()
    muara_enim_history = muara_enim().history.count()
    preview = upload(staff_client, "mous-2018.csv", content)

    response = confirm(staff_client, preview)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Import saved: 2 added, 1 changed, 1 rows skipped." in page_text(response)
    assert saved_state() == (mou_count + 2, history_count + 3)
    makassar = MoU.objects.get(regency__code="73.71")
    assert (makassar.cohort.year, makassar.signed_on, makassar.ministry_number) == (
        2017,
        datetime.date(2017, 5, 22),
        "001/KOMINFO/2017",
    )
    assert (makassar.status, makassar.is_demo) == (MoUStatus.ACTIVE, False)
    assert MoU.objects.get(regency__code="51.71").cohort.year == 2018
    changed = muara_enim()
    assert changed.ministry_number == "123/KOMINFO/2018"
    assert changed.regency_signatory_name == "Ir. Muzakir Sai Sohar"
    assert changed.history.count() == muara_enim_history + 1
    records = [
        MoU.objects.get(regency__code="73.71").history.get(),
        MoU.objects.get(regency__code="51.71").history.get(),
        changed.history.order_by("-history_id").first(),
    ]
    assert [record.history_type for record in records] == ["+", "+", "~"]
    for record in records:
        assert record.history_user == ministry_admin
        assert "mous-2018.csv" in record.history_change_reason
    assert IMPORT_SESSION_KEY not in staff_client.session


def test_it_saves_nothing_when_the_same_preview_is_confirmed_twice(staff_client, programme):
    content = csv_bytes(HEADER, ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", "Wali Kota Makassar"])
    preview = upload(staff_client, "mous.csv", content)
    confirm(staff_client, preview)
    after_first = saved_state()

    response = confirm(staff_client, preview)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "This import preview has expired. Please upload the file again." in page_text(response)
    assert saved_state() == after_first
    assert MoU.objects.filter(regency__code="73.71").count() == 1


def test_it_saves_nothing_when_confirming_with_a_token_of_another_preview(staff_client, programme):
    upload(staff_client, "mous.csv", csv_bytes(HEADER, ["73.71", "2017", "2017-05-22", "", ""]))
    before = saved_state()

    response = staff_client.post(CONFIRM_URL, {"token": "0" * 32}, follow=True)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "This import preview has expired." in page_text(response)
    assert saved_state() == before


def test_it_saves_nothing_from_the_file_when_the_data_changed_since_the_preview(staff_client, programme):
    content = csv_bytes(
        HEADER,
        ["16.03", "2018", "2018-05-08", "123/KOMINFO/2018", "Ir. Muzakir Sai Sohar"],  # change
        ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", "Wali Kota Makassar"],  # add
        ["16.71", "2019", "2019-05-15", "003/KOMINFO/2019", "Wali Kota Palembang"],  # add, until...
    )
    preview = upload(staff_client, "mous.csv", content)
    assert preview.context["preview"].counts == {"add": 2, "change": 1, "unchanged": 0, "reject": 0}
    # ... another staff member records Palembang's MoU in the 2018 cohort meanwhile.
    MoUFactory(regency=regency("16.71"), cohort=cohort(2018))
    before = saved_state()

    response = confirm(staff_client, preview)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "The data changed since the preview, so nothing was saved." in page_text(response)
    assert saved_state() == before
    assert not MoU.objects.filter(regency__code="73.71").exists()
    assert muara_enim().ministry_number == ""
    assert MoU.objects.filter(regency__code="16.71").get().cohort.year == 2018


def test_it_applies_nothing_when_validation_no_longer_gives_the_previewed_outcome(programme):
    rows = tabular.read_file(
        "mous.csv",
        csv_bytes(
            HEADER,
            ["16.03", "2018", "2018-05-08", "123/KOMINFO/2018", "Ir. Muzakir Sai Sohar"],
            ["73.71", "2017", "2017-05-22", "001/KOMINFO/2017", ""],
            ["16.71", "2019", "2019-05-15", "003/KOMINFO/2019", ""],
        ),
    )
    previewed, _pending = tabular.validate(rows)
    assert [(number, action) for number, action, *_ in previewed.outcome()] == [(2, "change"), (3, "add"), (4, "add")]
    MoUFactory(regency=regency("16.71"), cohort=cohort(2018))
    before = saved_state()

    fresh, saved = tabular.apply(rows, previewed.outcome(), "Diimpor dari mous.csv")

    assert saved is False
    assert [(number, action) for number, action, *_ in fresh.outcome()] == [(2, "change"), (3, "add"), (4, "reject")]
    assert saved_state() == before
    assert muara_enim().ministry_number == ""
    assert not MoU.objects.filter(regency__code="73.71").exists()


def test_it_applies_nothing_for_an_outcome_that_was_never_previewed(programme):
    rows = tabular.read_file("mous.csv", csv_bytes(HEADER, ["73.71", "2017", "2017-05-22", "", ""]))
    before = saved_state()

    _preview, saved = tabular.apply(rows, [(2, "unchanged")], "Diimpor dari mous.csv")

    assert saved is False
    assert saved_state() == before


def test_it_applies_every_valid_row_with_the_reason_in_the_history(programme):
    rows = tabular.read_file(
        "mous.csv",
        csv_bytes(HEADER, ["73.71", "2017", "2017-05-22", "", ""], ["99.99", "2017", "2017-05-22", "", ""]),
    )
    previewed, _pending = tabular.validate(rows)

    fresh, saved = tabular.apply(rows, previewed.outcome(), "Diimpor dari mous.csv")

    assert saved is True
    assert fresh.counts == {"add": 1, "change": 0, "unchanged": 0, "reject": 1}
    record = MoU.objects.get(regency__code="73.71").history.get()
    assert record.history_change_reason == "Diimpor dari mous.csv"


def test_it_keeps_the_history_reason_within_its_column_for_a_long_file_name(staff_client, programme):
    name = "Rekap nota kesepahaman Gerakan Menuju 100 Smart City angkatan 2017 (final, revisi Direktorat).csv"
    preview = upload(staff_client, name, csv_bytes(HEADER, ["73.71", "2017", "2017-05-22", "", ""]))
    assert preview.context["preview"].savable == 1

    response = confirm(staff_client, preview)

    assert response.redirect_chain == [(LIST_URL, 302)]
    reason = MoU.objects.get(regency__code="73.71").history.get().history_change_reason
    assert reason.startswith("Diimpor dari Rekap nota kesepahaman")
    max_length = MoU.history.model._meta.get_field("history_change_reason").max_length
    assert max_length is None or len(reason) <= max_length


# Files that cannot be read --------------------------------------------------------------------------------------

CP1252 = "regency_code,cohort,signed_on,regency_signatory_name\n16.71,2018,2018-05-08,Bupati Peñalosa\n".encode(
    "cp1252"
)
CP1252_BYTE = CP1252.index("ñ".encode("cp1252")) + 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "mous.csv",
            csv_bytes(["regency_code", "cohort", "ministry_number"], ["16.71", "2018", "1"]),
            "Wrong header: missing column(s): signed_on. Expected columns: regency_code, cohort, signed_on, "
            "ministry_number, regency_number,",
            id="missing-signed_on",
        ),
        pytest.param(
            "mous.csv",
            csv_bytes(["regency_code", "cohort", "signed_on", "colour"], ["16.71", "2018", "2018-05-08", "red"]),
            "Wrong header: unknown column(s): “colour”.",
            id="unknown-column",
        ),
        pytest.param(
            "mous.csv",
            csv_bytes(["regency_code", "cohort", "signed_on", "cohort"], ["16.71", "2018", "2018-05-08", "2018"]),
            "Wrong header: repeated column(s): cohort.",
            id="repeated-column",
        ),
        pytest.param(
            "mous.csv",
            CP1252,
            f"The file is not UTF-8 text (byte {CP1252_BYTE}). Save it as “CSV UTF-8” and upload it again.",
            id="cp1252",
        ),
        pytest.param("mous.txt", csv_bytes(HEADER, MUARA_ENIM), "Upload a .csv or .xlsx file.", id="txt"),
        pytest.param("mous", csv_bytes(HEADER, MUARA_ENIM), "Upload a .csv or .xlsx file.", id="no-extension"),
        pytest.param("mous.csv", b"", "The submitted file is empty.", id="empty"),
        pytest.param(
            "mous.csv", b"\n\n", "The file is empty: the first row must name the columns.", id="blank-lines-only"
        ),
        pytest.param(
            "mous.xlsx", b"PK\x03\x04 this is no workbook", "The file is not a readable XLSX workbook.", id="bad-xlsx"
        ),
        pytest.param(
            "mous.xlsx", csv_bytes(HEADER, MUARA_ENIM), "The file is not a readable XLSX workbook.", id="csv-as-xlsx"
        ),
        pytest.param(
            "mous.xlsx",
            xlsx_bytes(["regency_code", "cohort"], ["16.71", 2018]),
            "Wrong header: missing column(s): signed_on.",
            id="xlsx-missing-signed_on",
        ),
        pytest.param(
            "mous.csv",
            b"x" * (tabular.MAX_IMPORT_SIZE + 1),
            "The file is larger than 5 MB.",
            id="too-large",
        ),
    ],
)
def test_it_answers_the_upload_page_with_an_error_for_a_file_it_cannot_read(
    staff_client, programme, name, content, message
):
    before = saved_state()

    response = upload(staff_client, name, content)

    assert response.status_code == 200
    assert "preview" not in response.context
    assert any(message in error for error in response.context["form"].errors["file"])
    assert message in page_text(response)
    assert IMPORT_SESSION_KEY not in staff_client.session
    assert saved_state() == before


def test_it_reads_a_utf8_file_with_byte_order_mark_and_loose_header(staff_client, programme):
    content = b"\xef\xbb\xbf" + csv_bytes(
        [" Regency_Code", "COHORT ", "Signed_On", "Regency_Signatory_Name"],
        ["16.71", "2018", "2018-05-08", "Wali Kota Peñalosa"],
    )

    preview = upload(staff_client, "MOUS.CSV", content)
    assert preview.context["preview"].counts == {"add": 1, "change": 0, "unchanged": 0, "reject": 0}
    confirm(staff_client, preview)

    assert MoU.objects.get(regency__code="16.71").regency_signatory_name == "Wali Kota Peñalosa"


def test_it_reports_a_row_with_more_cells_than_the_header_instead_of_failing(staff_client, programme):
    # An unquoted comma in the note gives this row five cells under a four-column header.
    content = b"regency_code,cohort,signed_on,note\n16.71,2018,2018-05-08,Ditandatangani di Palembang, Sumsel\n"
    before = saved_state()

    response = upload(staff_client, "mous.csv", content)

    assert response.status_code == 200
    form_errors = response.context["form"].errors.get("file")
    preview = response.context.get("preview")
    assert form_errors or (preview and preview.rows[0].number == 2 and preview.rows[0].action == tabular.REJECT)
    assert saved_state() == before


@pytest.mark.parametrize("separator", [",,", ""], ids=["row-of-empty-cells", "blank-line"])
def test_preview_keeps_spreadsheet_row_numbers_past_an_empty_row(staff_client, programme, separator):
    content = f"regency_code,cohort,signed_on\n16.71,2018,2018-05-08\n{separator}\n99.99,2018,2018-05-08\n".encode()

    response = upload(staff_client, "mous.csv", content)

    # A spreadsheet shows the empty line as row 3, so the unknown code is on row 4.
    assert preview_rows(response) == {
        2: ("add", "Kota Palembang", []),
        4: ("reject", "99.99", ["unknown regency code “99.99”"]),
    }


# XLSX -----------------------------------------------------------------------------------------------------------


def test_it_imports_an_xlsx_workbook_with_real_date_cells(staff_client, programme):
    content = xlsx_bytes(
        ["regency_code", "cohort", "signed_on", "ministry_number", "valid_until", "note"],
        ["73.71", 2017, datetime.date(2017, 5, 22), "001/KOMINFO/2017", datetime.date(2022, 5, 22), "Di Makassar"],
        ["51.71", 2018, datetime.datetime(2018, 5, 8, 0, 0), "002/KOMINFO/2018", None, None],
        ["16.03", 2018, "2018-05-08", "123/KOMINFO/2018", None, None],
        ["32.73", 2017, datetime.date(2018, 5, 8), "", None, None],
    )
    before_count, before_history = saved_state()

    preview = upload(staff_client, "mous.xlsx", content)

    assert preview.status_code == 200
    assert preview.context["preview"].counts == {"add": 2, "change": 1, "unchanged": 0, "reject": 1}
    rows = preview_rows(preview)
    assert rows[4] == ("change", "Kabupaten Muara Enim", ["ministry's document number, note"])
    assert rows[5] == ("reject", "Kota Bandung", ["cohort: The 2017 cohort does not match a signing date in 2018."])

    response = confirm(staff_client, preview)

    assert "Import saved: 2 added, 1 changed, 1 rows skipped." in page_text(response)
    assert saved_state() == (before_count + 2, before_history + 3)
    makassar = MoU.objects.get(regency__code="73.71")
    assert (makassar.cohort.year, makassar.signed_on, makassar.valid_until, makassar.note) == (
        2017,
        datetime.date(2017, 5, 22),
        datetime.date(2022, 5, 22),
        "Di Makassar",
    )
    denpasar = MoU.objects.get(regency__code="51.71")
    assert (denpasar.signed_on, denpasar.valid_until) == (datetime.date(2018, 5, 8), None)
    assert muara_enim().ministry_number == "123/KOMINFO/2018"
    assert muara_enim().note == ""


# Finer cases of mou.tabular ----------------------------------------------------------------------------------


def test_it_keeps_rows_of_empty_cells_as_gaps_when_reading_and_drops_those_at_the_end(programme):
    rows = tabular.read_file(
        "mous.csv", b"regency_code,cohort,signed_on\n16.71,2018,2018-05-08\n,,\n16.03,2018,2018-05-08\n,,\n\n"
    )

    assert rows == [
        {"regency_code": "16.71", "cohort": "2018", "signed_on": "2018-05-08"},
        None,
        {"regency_code": "16.03", "cohort": "2018", "signed_on": "2018-05-08"},
    ]


# CSV dialects and header errors ----------------------------------------------------------------------------------


def test_it_reads_a_semicolon_csv_as_excel_writes_it_under_indonesian_settings(staff_client, programme):
    # Excel's "CSV UTF-8" where the list separator is ";": a byte-order mark, semicolons, CRLF, commas in values.
    content = b"\xef\xbb\xbf" + csv_bytes(
        ["regency_code", "cohort", "signed_on", "note"],
        ["16.71", "2018", "2018-05-08", "Ditandatangani di Jakarta, Jakarta Pusat"],
        delimiter=";",
    ).replace(b"\n", b"\r\n")

    preview = upload(staff_client, "mous.csv", content)
    assert preview.context["preview"].counts == {"add": 1, "change": 0, "unchanged": 0, "reject": 0}
    confirm(staff_client, preview)

    assert MoU.objects.get(regency__code="16.71").note == "Ditandatangani di Jakarta, Jakarta Pusat"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("regency_code,cohort,signed_on\n", ","),
        ("regency_code;cohort;signed_on\n", ";"),
        ('"regency_code";"cohort";"signed_on"\n', ";"),
        ('"a,b";c;d\n1,5;2;3\n', ";"),  # commas inside quotes do not count
        ("\n\nregency_code;cohort\n", ";"),  # the first line that is not blank is the header
        ("regency_code\n", ","),
        ("", ","),
    ],
)
def test_it_detects_the_csv_separator_from_the_header(text, delimiter):
    assert tabular.detect_delimiter(text) == delimiter


def test_a_semicolon_header_with_a_wrong_column_names_just_that_column(staff_client, programme):
    content = csv_bytes(
        ["regency_code", "cohort", "signed", "colour"], ["16.71", "2018", "2018-05-08", "red"], delimiter=";"
    )

    response = upload(staff_client, "mous.csv", content)

    (message,) = response.context["form"].errors["file"]
    assert message.startswith("Wrong header: missing column(s): signed_on; unknown column(s): “signed”, “colour”.")
    assert "regency_code" not in message.split(". Expected")[0]


def test_a_tab_separated_file_is_told_to_use_commas_or_semicolons(staff_client, programme):
    response = upload(staff_client, "mous.csv", b"regency_code\tcohort\tsigned_on\n16.71\t2018\t2018-05-08\n")

    assert "The columns seem separated by tabs or bars" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mous.csv", b"%PDF-1.4\n%%EOF\n", "The file is named .csv but holds a PDF document."),
        ("mous.xlsx", b"%PDF-1.4\n%%EOF\n", "The file is named .xlsx but holds a PDF document."),
        ("mous.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "save it as .xlsx"),
        ("mous.csv", xlsx_bytes(HEADER, MUARA_ENIM), "holds an XLSX workbook or another ZIP archive"),
    ],
    ids=["pdf-as-csv", "pdf-as-xlsx", "xls", "xlsx-as-csv"],
)
def test_it_names_what_a_renamed_file_holds(staff_client, programme, name, content, message):
    response = upload(staff_client, name, content)

    assert message in response.context["form"].errors["file"][0]
    assert IMPORT_SESSION_KEY not in staff_client.session


def test_it_reads_past_the_columns_only_an_export_writes(programme):
    rows = tabular.read_file(
        "mous.csv",
        csv_bytes(
            ["regency_code", "regency", "province", "cohort", "signed_on", "event", "status", "ended_on", "demo"],
            ["16.03", "Kabupaten Muara Enim", "Sumatera Selatan", "2018", "2018-05-08", "x", "active", "", ""],
        ),
    )

    preview, pending = tabular.validate(rows)

    assert preview.counts == {"add": 0, "change": 0, "unchanged": 1, "reject": 0}
    assert pending == {}


@pytest.mark.parametrize(
    ("cells", "error"),
    [
        ({"regency_code": ""}, "regency_code is empty"),
        ({"cohort": ""}, "cohort is empty"),
        ({"cohort": "2016"}, "unknown cohort “2016”"),
        ({"cohort": "2018.5"}, "unknown cohort “2018.5”"),
        ({"cohort": "MMXVIII"}, "unknown cohort “MMXVIII”"),
        ({"cohort": "²"}, "unknown cohort “²”"),
        ({"signed_on": ""}, "signed_on is empty"),
        ({"signed_on": "08/05/2018"}, "bad date “08/05/2018” in signed_on (use YYYY-MM-DD)"),
        ({"valid_until": "2018-02-30"}, "bad date “2018-02-30” in valid_until (use YYYY-MM-DD)"),
        ({"valid_until": "2018-01-01"}, "valid until: An MoU cannot expire before it is signed."),
        ({"demo": "DEMO"}, "demo rows cannot be imported as real MoUs"),
        (
            {"ministry_number": "9" * 101},
            "ministry's document number: Ensure this value has at most 100 characters (it has 101).",
        ),
    ],
    ids=[
        "empty-code",
        "empty-cohort",
        "unknown-cohort",
        "decimal-cohort",
        "roman-cohort",
        "superscript-cohort",
        "empty-signed_on",
        "dmy-signed_on",
        "bad-valid_until",
        "valid_until-before-signing",
        "demo-row",
        "long-ministry_number",
    ],
)
def test_it_rejects_a_row_with_the_reason(programme, cells, error):
    row = {"regency_code": "16.71", "cohort": "2018", "signed_on": "2018-05-08", **cells}

    preview, pending = tabular.validate([row])

    assert [(result.number, result.action) for result in preview.rows] == [(2, tabular.REJECT)]
    assert error in preview.rows[0].errors
    assert pending == {}


def test_it_rejects_a_regency_no_longer_in_the_register(programme):
    Regency.objects.filter(code="16.71").update(is_active=False)

    preview, _pending = tabular.validate([{"regency_code": "16.71", "cohort": "2018", "signed_on": "2018-05-08"}])

    assert preview.rows[0].errors == ["Kota Palembang is no longer in the Kemendagri register"]


def test_it_treats_a_repeated_row_as_a_repeat_even_when_the_first_was_rejected(programme):
    rows = [
        {"regency_code": "16.71", "cohort": "2018", "signed_on": "2018-13-45"},
        {"regency_code": "16.71", "cohort": "2018", "signed_on": "2018-05-08"},
    ]

    preview, pending = tabular.validate(rows)

    assert [row.action for row in preview.rows] == [tabular.REJECT, tabular.REJECT]
    assert preview.rows[1].errors == ["16.71 appears again (first in row 2)"]
    assert pending == {}


def test_it_refuses_two_new_active_mous_for_one_regency_in_one_file(programme):
    rows = [
        {"regency_code": "16.71", "cohort": "2018", "signed_on": "2018-05-08"},
        {"regency_code": "16.71", "cohort": "2019", "signed_on": "2019-05-15"},
    ]

    preview, pending = tabular.validate(rows)

    assert [row.action for row in preview.rows] == [tabular.ADD, tabular.REJECT]
    assert preview.rows[1].errors == ["a second new active MoU for 16.71 (row 2 adds one already)"]
    assert list(pending) == [2]


# Export ---------------------------------------------------------------------------------------------------------


def export(client, file_format, query=""):
    return client.get(reverse("mou:mou-export", args=[file_format]) + query)


def exported_rows(response, file_format):
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    dataset = tablib.Dataset().load(response.content, format="xlsx")
    return [{name: "" if value is None else str(value) for name, value in row.items()} for row in dataset.dict]


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_it_exports_the_filtered_list_with_demo_rows_marked(staff_client, demo, file_format, content_type):
    response = export(staff_client, file_format, "?cohort=2018")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert re.fullmatch(
        rf'attachment; filename="mou-\d{{4}}-\d{{2}}-\d{{2}}\.{file_format}"', response["Content-Disposition"]
    )
    rows = exported_rows(response, file_format)
    expected = dict(MoU.objects.filter(cohort__year=2018).values_list("regency__code", "is_demo"))
    assert len(expected) == 50
    assert len(rows) == 50
    assert {row["regency_code"]: row["demo"] for row in rows} == {
        code: "DEMO" if is_demo else "" for code, is_demo in expected.items()
    }
    assert {row["cohort"] for row in rows} == {"2018"}
    real = next(row for row in rows if row["regency_code"] == "16.03")
    assert real["regency"] == "Kabupaten Muara Enim"
    assert real["province"] == "Sumatera Selatan"
    assert real["signed_on"] == "2018-05-08"
    assert real["regency_signatory_name"] == "Ir. Muzakir Sai Sohar"
    assert real["status"] == "active"


def test_it_exports_the_columns_in_order(staff_client, programme):
    response = export(staff_client, "csv")

    assert next(csv.reader(io.StringIO(response.content.decode("utf-8")))) == tabular.EXPORT_COLUMNS


def test_it_exports_only_real_rows_when_asked(staff_client, demo):
    rows = exported_rows(export(staff_client, "csv", "?demo=real"), "csv")

    assert [(row["regency_code"], row["demo"]) for row in rows] == [("16.03", "")]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?cohort=1999", "Unknown cohort: 1999."),
        ("?bogus=1", "Unknown filter parameter: bogus."),
        ("?status=lost", "Unknown status: lost."),
        ("?signed_from=2019-01-01&signed_to=2018-01-01", "The end of the range is before its start."),
    ],
)
def test_it_refuses_to_export_with_a_bad_filter(staff_client, programme, file_format, query, message):
    response = export(staff_client, file_format, query)

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert message in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_it_reimports_an_exported_file_as_unchanged_rows(staff_client, programme, file_format):
    MoUFactory(
        regency=regency("73.71"),
        cohort=cohort(2017),
        signed_on=datetime.date(2017, 5, 22),
        valid_until=datetime.date(2022, 5, 22),
        regency_signatory_name="Wali Kota Peñalosa",
        note='Ditandatangani di Makassar, "Hotel Clarion"\nbaris kedua',
    )
    MoUFactory(regency=regency("32.73"), cohort=cohort(2019), signed_on=datetime.date(2019, 5, 15))
    exported = export(staff_client, file_format)
    name = re.search(r'filename="(.+)"', exported["Content-Disposition"]).group(1)
    before = saved_state()

    response = upload(staff_client, name, exported.content)

    assert response.context["preview"].counts == {"add": 0, "change": 0, "unchanged": 3, "reject": 0}
    assert "This file has no row to save." in page_text(response)
    assert saved_state() == before


def test_it_reimports_an_exported_file_where_a_regency_has_an_ended_and_an_active_mou(staff_client, programme):
    makassar = regency("73.71")
    MoUFactory(
        regency=makassar,
        cohort=cohort(2017),
        signed_on=datetime.date(2017, 5, 22),
        status=MoUStatus.EXPIRED,
        ended_on=datetime.date(2022, 5, 22),
    )
    MoUFactory(regency=makassar, cohort=cohort(2019), signed_on=datetime.date(2019, 5, 15))
    exported = export(staff_client, "csv")

    response = upload(staff_client, "mou.csv", exported.content)

    assert {number: row for number, row in preview_rows(response).items() if row[0] != "unchanged"} == {}
    assert response.context["preview"].counts == {"add": 0, "change": 0, "unchanged": 3, "reject": 0}


def test_it_exports_xlsx_when_a_note_holds_a_control_character(staff_client, programme):
    # Word's line break (vertical tab) survives a paste into the note field; XML worksheets cannot hold it.
    MoUFactory(regency=regency("73.71"), cohort=cohort(2017), note="Baris satu\x0bbaris dua")

    response = export(staff_client, "xlsx")

    assert response.status_code == 200
    assert {row["regency_code"] for row in exported_rows(response, "xlsx")} == {"16.03", "73.71"}


# Access ---------------------------------------------------------------------------------------------------------


def import_upload(client):
    return upload(client, "mous.csv", csv_bytes(HEADER, ["73.71", "2017", "2017-05-22", "", ""]))


REQUESTS = {
    "import-page": lambda client: client.get(IMPORT_URL),
    "import-upload": import_upload,
    "confirm": lambda client: client.post(CONFIRM_URL, {"token": "0" * 32}),
    "export-csv": lambda client: export(client, "csv"),
    "export-xlsx": lambda client: export(client, "xlsx"),
}


@pytest.mark.parametrize("request_name", REQUESTS)
def test_it_sends_anonymous_visitors_to_sign_in(client, programme, request_name):
    before = saved_state()

    response = REQUESTS[request_name](client)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert saved_state() == before


@pytest.mark.parametrize("persona", ["officer", "partner"])
@pytest.mark.parametrize("request_name", REQUESTS)
def test_it_forbids_officers_and_partners(client, programme, request, persona, request_name):
    client.force_login(request.getfixturevalue(persona))
    before = saved_state()

    response = REQUESTS[request_name](client)

    assert response.status_code == 403
    assert saved_state() == before


@pytest.mark.parametrize("request_name", ["import-page", "import-upload", "export-csv", "export-xlsx"])
def test_it_lets_reviewers_import_and_export(client, programme, reviewer, request_name):
    client.force_login(reviewer)

    response = REQUESTS[request_name](client)

    assert response.status_code == 200


def test_it_offers_the_upload_form_with_the_columns(staff_client, programme):
    response = staff_client.get(IMPORT_URL)

    assert response.status_code == 200
    text = page_text(response)
    assert "Import MoUs from a file" in text
    for column in tabular.IMPORT_COLUMNS:
        assert f"<code>{column}</code>" in text


def test_it_saves_nothing_when_a_previewed_mou_was_edited_meanwhile(staff_client, programme):
    """A change row is computed against one saved state of the MoU; a later edit makes the preview stale."""
    preview = upload(
        staff_client,
        "mous.csv",
        csv_bytes(HEADER, ["16.03", "2018", "2018-05-08", "123/KOMINFO/2018", "Ir. Muzakir Sai Sohar"]),
    )
    assert preview.context["preview"].counts["change"] == 1
    muara_enim = MoU.objects.get(regency__code="16.03")
    muara_enim.regency_signatory_title = "Bupati Muara Enim periode 2013-2018"
    muara_enim.save()
    before = saved_state()

    response = confirm(staff_client, preview)

    assert saved_state() == before
    muara_enim.refresh_from_db()
    assert muara_enim.ministry_number == ""
    assert "The data changed since the preview" in response.content.decode()


def test_validation_runs_a_fixed_number_of_queries_whatever_the_rows(programme, django_assert_num_queries):
    codes = list(Regency.objects.order_by("code").values_list("code", flat=True)[:120])
    for size in (10, 120):
        rows = [{"regency_code": code, "cohort": "2018", "signed_on": "2018-05-08"} for code in codes[:size]]
        with django_assert_num_queries(3):
            preview, _pending = tabular.validate(rows)
        assert preview.count(tabular.ADD) == size - (1 if "16.03" in codes[:size] else 0)


def test_it_refuses_a_csv_with_nul_characters(staff_client, programme):
    before = saved_state()
    response = upload(staff_client, "mous.csv", csv_bytes(HEADER, ["16.\x0071", "2018", "2018-05-08", "", ""]))
    assert response.status_code == 200
    assert "NUL characters" in " ".join(response.context["form"].errors["file"])
    assert saved_state() == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_defuse_spreadsheet_formulas_and_imports_restore_them(staff_client, programme, file_format):
    MoU.objects.filter(regency__code="16.03").update(note='=HYPERLINK("http://evil.example","x")')
    response = export(staff_client, file_format, "?cohort=2018")
    (row,) = exported_rows(response, file_format)
    assert row["note"] == '\'=HYPERLINK("http://evil.example","x")'
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    preview = upload(staff_client, f"again.{file_format}", response.content)
    assert preview.context["preview"].counts == {"add": 0, "change": 0, "unchanged": 1, "reject": 0}
