"""A plan's programmes from and to a spreadsheet: the template, the export, the preview of an import and its
confirmation (masterplans.spreadsheets and its pages)."""

import csv
import html
import io
import re

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from structlog.testing import capture_logs

from masterplans import services, spreadsheets
from masterplans.choices import BimtekStage, FundingSource, Horizon, PlanStatus
from masterplans.models import Dimension, MasterPlan, Programme, SubDimension
from mou.tabular import MAX_IMPORT_SIZE
from tests.imports import preview_rows

pytestmark = pytest.mark.django_db

HEADER = [
    "Dimension",
    "Sub-dimension",
    "Name",
    "Description",
    "Horizon",
    "First year",
    "Last year",
    "Estimated budget (Rp)",
    "Funding source",
    "Responsible agency (OPD)",
    "Quick win",
    "Bimtek stage",
]


def row(name="Command centre", **cells):
    values = {
        "dimension": "Smart Governance",
        "sub_dimension": "Public services",
        "name": name,
        "description": "",
        "horizon": "Quick win",
        "start_year": "2019",
        "end_year": "2020",
        "budget": "Rp 1.250.000.000",
        "funding_source": "APBD (regional budget)",
        "agency": "Diskominfo",
        "is_quick_win": "Yes",
        "bimtek_stage": "IV",
    }
    values.update(cells)
    return [values[key] for key in spreadsheets.COLUMNS]


def csv_bytes(*rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(*rows):
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_url(plan):
    return reverse("masterplans:programme-import", args=[plan.pk])


def upload(client, plan, name, content):
    return client.post(import_url(plan), {"file": SimpleUploadedFile(name, content)})


def confirm(client, plan, response):
    token = re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)
    return client.post(reverse("masterplans:programme-import-confirm", args=[plan.pk]), {"token": token}, follow=True)


def export(client, plan, file_format, template=False):
    name = "masterplans:programme-template" if template else "masterplans:programme-export"
    return client.get(reverse(name, args=[plan.pk, file_format]))


def sheet_rows(content, file_format, sheet=0):
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(values) for values in workbook.worksheets[sheet].iter_rows(values_only=True)]


def saved_state():
    return Programme.objects.count(), Programme.history.count()


def file_errors(response):
    return " ".join(response.context["form"].errors.get("file", []))


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def plan_with_programmes(complete_draft):
    """The complete draft, one programme with every optional column filled (and text a spreadsheet would run)."""
    governance = Dimension.objects.get(code="governance")
    Programme.objects.create(
        plan=complete_draft,
        dimension=governance,
        sub_dimension=SubDimension.objects.get(dimension=governance, code="public-policy"),
        name="Satu Data Muara Enim",
        description='=HYPERLINK("http://evil.example","x")\nline two',
        horizon=Horizon.SHORT,
        start_year=2020,
        end_year=2022,
        budget=2_500_000_000,
        funding_source=FundingSource.APBN,
        agency="Bappeda; Diskominfo, Setda",
        is_quick_win=False,
        bimtek_stage=BimtekStage.MAPPING,
    )
    return complete_draft


# Template and export --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_names_the_columns_in_the_pages_language(officer_client, draft, language, file_format):
    officer_client.cookies["django_language"] = language

    response = export(officer_client, draft, file_format, template=True)

    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.CONTENT_TYPES[file_format]
    assert f'filename="templat-program-16.03-v1.{file_format}"' in response["Content-Disposition"]
    with translation.override(language):
        expected = [spreadsheets.column_label(key) for key in spreadsheets.COLUMNS]
    rows = sheet_rows(response.content, file_format)
    assert rows == [expected]
    if language == "id":
        assert "Perkiraan anggaran (Rp)" in expected
    if file_format == "xlsx":
        lists = [cell for line in sheet_rows(response.content, "xlsx", sheet=1) for cell in line if cell]
        with translation.override(language):
            for name in [
                "Smart Governance",
                SubDimension.objects.get(code="tourism").name,
                str(Horizon.QUICK_WIN.label),
                str(FundingSource.KPBU.label),
                str(BimtekStage.INNOVATION.label),
            ]:
                assert name in lists
        instructions = " ".join(line[0] for line in sheet_rows(response.content, "xlsx", sheet=2))
        assert "2019" in instructions and "2023" in instructions


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_again_as_unchanged_rows(officer_client, plan_with_programmes, file_format):
    exported = export(officer_client, plan_with_programmes, file_format)
    assert exported.status_code == 200
    before = saved_state()

    response = upload(officer_client, plan_with_programmes, f"program.{file_format}", exported.content)

    count = plan_with_programmes.programmes.count()
    assert response.context["preview"].counts == {"add": 0, "change": 0, "unchanged": count, "reject": 0}
    assert saved_state() == before


def test_an_indonesian_export_imports_again_on_the_english_page(client, officer, plan_with_programmes):
    client.force_login(officer)
    client.cookies["django_language"] = "id"
    exported = export(client, plan_with_programmes, "xlsx")
    assert sheet_rows(exported.content, "xlsx")[0][2] == "Nama"
    client.cookies["django_language"] = "en"

    response = upload(client, plan_with_programmes, "program.xlsx", exported.content)

    assert response.context["preview"].counts["unchanged"] == plan_with_programmes.programmes.count()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_hold_no_formula(officer_client, plan_with_programmes, file_format):
    response = export(officer_client, plan_with_programmes, file_format)

    (line,) = [line for line in sheet_rows(response.content, file_format) if line[2] == "Satu Data Muara Enim"]
    assert str(line[3]).startswith("'=HYPERLINK")
    if file_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert all(
            cell.data_type != "f" for sheet in workbook.worksheets for cells in sheet.iter_rows() for cell in cells
        )


def test_anyone_may_export_an_approved_plan(client, approved):
    response = export(client, approved, "csv")

    assert response.status_code == 200
    names = [line[2] for line in sheet_rows(response.content, "csv")[1:]]
    assert sorted(names) == sorted(approved.programmes.values_list("name", flat=True))


@pytest.mark.parametrize("persona", ["anonymous", "partner", "other_officer"])
def test_a_draft_is_exported_only_to_those_who_may_see_it(client, request, draft, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    assert export(client, draft, "xlsx").status_code == 404
    assert export(client, draft, "csv", template=True).status_code == 404


def test_a_reviewer_may_export_a_draft(client, reviewer, complete_draft):
    client.force_login(reviewer)
    assert export(client, complete_draft, "xlsx").status_code == 200


# Preview and confirm --------------------------------------------------------------------------------------------


def test_preview_says_what_each_row_would_do_and_saves_nothing(officer_client, complete_draft):
    existing = complete_draft.programmes.get(name="Smart Governance 1")
    content = csv_bytes(
        HEADER,
        row("Command centre"),  # 2: add
        row(  # 3: the budget changes
            " smart  GOVERNANCE 1 ",
            sub_dimension="",
            horizon="quick_win",
            start_year="2019",
            end_year="2023",
            budget="2000000000",
            is_quick_win="ya",
            bimtek_stage="",
        ),
        row(  # 4: as stored
            "Smart Branding 1",
            dimension="branding",
            sub_dimension="",
            horizon="Medium term",
            start_year="2019",
            end_year="2023",
            budget="2.000.000.000",
            is_quick_win="No",
            bimtek_stage="",
        ),
        row("Too late", end_year="2030"),  # 5
        row("Nowhere", dimension="Smart Weather"),  # 6
        row("Crossed", sub_dimension="Tourism"),  # 7: a branding sub-dimension under governance
        row("Odd", horizon="someday", funding_source="lottery", bimtek_stage="V", is_quick_win="maybe"),  # 8
        row("command CENTRE"),  # 9: row 2 again
        row("Costly", budget="1,5"),  # 10
    )
    before = saved_state()

    response = upload(officer_client, complete_draft, "program.csv", content)

    assert response.status_code == 200
    assert response.context["preview"].counts == {"add": 1, "change": 1, "unchanged": 1, "reject": 6}
    rows = preview_rows(response)
    assert rows[2] == ("add", "Command centre", [])
    assert rows[3][0] == "change"
    assert "Estimated budget (Rp)" in response.content.decode()
    assert rows[4][0] == "unchanged"
    assert rows[5] == ("reject", "Too late", ["Last year: 2030 is outside the plan's period, 2019 to 2023."])
    assert rows[6][0] == "reject"
    assert rows[6][2][0].startswith("Dimension: unknown value “Smart Weather”; use one of: Smart Governance")
    assert rows[7] == ("reject", "Crossed", ["Sub-dimension: This sub-dimension belongs to another dimension."])
    assert rows[8][0] == "reject"
    details = " ".join(rows[8][2])
    for text in ["unknown value “someday”", "unknown value “lottery”", "unknown value “V”", "unknown value “maybe”"]:
        assert text in details
    assert rows[9] == ("reject", "command CENTRE", ["“command CENTRE” appears again (first in row 2)"])
    assert rows[10][0] == "reject" and rows[10][2][0].startswith("Estimated budget (Rp): Enter whole rupiah")
    assert "Save 2 programmes" in response.content.decode()
    assert saved_state() == before
    existing.refresh_from_db()
    assert existing.budget == 1_000_000_000


def test_confirm_saves_every_valid_row_in_one_go_with_history(officer_client, officer, complete_draft):
    content = csv_bytes(
        HEADER,
        row("Command centre", description="Ruang kendali"),
        row("Smart Governance 1", sub_dimension="", end_year="2023", budget="2000000000", bimtek_stage=""),
        row("Too late", end_year="2030"),
    )
    preview = upload(officer_client, complete_draft, "program.csv", content)
    programmes, history = saved_state()

    with capture_logs() as logs:
        response = confirm(officer_client, complete_draft, preview)

    assert response.redirect_chain[-1][0].endswith(f"/{complete_draft.pk}/#programmes")
    assert "Import saved: 1 added, 1 changed, 1 rows skipped." in html.unescape(response.content.decode())
    assert saved_state() == (programmes + 1, history + 2)
    added = Programme.objects.get(name="Command centre")
    assert (added.plan, added.sub_dimension.code, added.budget, added.bimtek_stage, added.is_quick_win) == (
        complete_draft,
        "public-services",
        1_250_000_000,
        4,
        True,
    )
    changed = complete_draft.programmes.get(name="Smart Governance 1")
    assert changed.budget == 2_000_000_000
    for programme in (added, changed):
        record = programme.history.latest()
        assert record.history_user == officer
        assert record.history_change_reason == "Diimpor dari program.csv"  # the history speaks Indonesian
    assert changed.history.get().budget == 2_000_000_000
    (log,) = [entry for entry in logs if entry["event"] == "programmes_imported"]
    assert (log["added"], log["changed"], log["unchanged"], log["rejected"]) == (1, 1, 0, 1)
    assert officer_client.session.get(f"programme_import_{complete_draft.pk}") is None


def test_confirm_saves_nothing_when_the_programme_changed_since_the_preview(officer_client, officer, complete_draft):
    content = csv_bytes(HEADER, row("Command centre"), row("Smart Governance 1", budget="5000000000", end_year="2023"))
    preview = upload(officer_client, complete_draft, "program.csv", content)
    programme = complete_draft.programmes.get(name="Smart Governance 1")
    programme.agency = "Setda"
    services.save_programme(officer, programme)
    before = saved_state()

    response = confirm(officer_client, complete_draft, preview)

    assert "The data changed since the preview" in html.unescape(response.content.decode())
    assert saved_state() == before


def test_confirm_saves_nothing_once_the_plan_is_submitted(officer_client, officer, complete_draft):
    preview = upload(officer_client, complete_draft, "program.csv", csv_bytes(HEADER, row("Command centre")))
    services.submit(complete_draft.pk, officer)
    before = saved_state()

    response = confirm(officer_client, complete_draft, preview)

    assert "cannot be changed" in html.unescape(response.content.decode())
    assert saved_state() == before


def test_apply_checks_the_officer_again(other_officer, complete_draft):
    rows = spreadsheets.read_file("program.csv", csv_bytes(HEADER, row("Command centre")))
    preview, _pending = spreadsheets.validate(complete_draft, rows)

    with pytest.raises(PermissionDenied):
        spreadsheets.apply(other_officer, complete_draft.pk, rows, preview.outcome(), "program.csv")
    assert not Programme.objects.filter(name="Command centre").exists()


def test_confirm_with_another_token_saves_nothing(officer_client, complete_draft):
    upload(officer_client, complete_draft, "program.csv", csv_bytes(HEADER, row("Command centre")))

    response = officer_client.post(
        reverse("masterplans:programme-import-confirm", args=[complete_draft.pk]), {"token": "0" * 32}, follow=True
    )

    assert "This import preview has expired" in response.content.decode()
    assert not Programme.objects.filter(name="Command centre").exists()


def test_it_reads_a_semicolon_csv_with_keys_for_headers(officer_client, draft):
    content = csv_bytes(
        spreadsheets.COLUMNS,
        row("Command centre", description="Satu, dua; tiga", budget="1250000000"),
        delimiter=";",
    )

    response = upload(officer_client, draft, "program.csv", content)

    assert response.context["preview"].counts == {"add": 1, "change": 0, "unchanged": 0, "reject": 0}
    confirm(officer_client, draft, response)
    assert draft.programmes.get().description == "Satu, dua; tiga"


def test_columns_left_out_of_a_file_keep_their_values(officer_client, plan_with_programmes):
    content = csv_bytes(
        [
            "name",
            "dimension",
            "horizon",
            "start_year",
            "end_year",
            "budget",
            "funding_source",
            "Responsible agency (OPD)",
        ],
        ["Satu Data Muara Enim", "governance", "short", "2020", "2022", "2500000000", "apbn", "Bappeda"],
    )

    response = upload(officer_client, plan_with_programmes, "program.csv", content)

    (result,) = response.context["preview"].rows
    assert (result.action, result.changes) == ("change", ["agency"])
    confirm(officer_client, plan_with_programmes, response)
    programme = plan_with_programmes.programmes.get(name="Satu Data Muara Enim")
    assert (programme.agency, programme.sub_dimension.code, programme.bimtek_stage) == ("Bappeda", "public-policy", 2)


# Files that cannot be used ----------------------------------------------------------------------------------------


def big_csv(count):
    return csv_bytes(HEADER, *(row(f"Programme {n}") for n in range(count)))


def big_xlsx(count):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for n in range(count):
        sheet.append(row(f"Programme {n}"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_xlsx():
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(row("Command centre", budget="=1000*1000"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("program.pdf", PDF, "Upload a .csv or .xlsx file.", id="pdf"),
        pytest.param("program.csv", PDF, "The file is named .csv but holds a PDF document.", id="pdf-as-csv"),
        pytest.param("program.xlsx", PDF, "The file is named .xlsx but holds a PDF document.", id="pdf-as-xlsx"),
        pytest.param("program.xls", XLS, "save it as .xlsx", id="xls"),
        pytest.param("program.xlsx", XLS, "holds an old Excel (.xls)", id="xls-as-xlsx"),
        pytest.param("program.csv", xlsx_bytes(HEADER), "holds an XLSX workbook", id="xlsx-as-csv"),
        pytest.param("program.xlsx", csv_bytes(HEADER), "The file is not a readable XLSX workbook.", id="csv-as-xlsx"),
        pytest.param("program.csv", b"", "The submitted file is empty.", id="empty"),
        pytest.param("program.csv", b"\n\n", "The file is empty: the first row must name the columns.", id="blank"),
        pytest.param(
            "program.csv", csv_bytes(HEADER), "The file has a header but no programme below it.", id="header-only"
        ),
        pytest.param("program.csv", b"x" * (MAX_IMPORT_SIZE + 1), "The file is larger than 5 MB.", id="huge"),
        pytest.param(
            "program.csv",
            lambda: big_csv(10_000),
            "The file has more than 1000 rows of data; import at most 1000 rows at a time.",
            id="10000-rows-csv",
        ),
        pytest.param(
            "program.xlsx",
            lambda: big_xlsx(10_000),
            "The file has more than 1000 rows of data; import at most 1000 rows at a time.",
            id="10000-rows-xlsx",
        ),
        pytest.param(
            "program.csv",
            csv_bytes([*HEADER, "Colour"], [*row(), "red"]),
            "Wrong header: unknown column(s): “Colour”.",
            id="unknown-column",
        ),
        pytest.param(
            "program.csv",
            csv_bytes([h for h in HEADER if h != "Horizon"], [c for c in row() if c != "Quick win"]),
            "Wrong header: missing column(s): horizon.",
            id="missing-column",
        ),
        pytest.param(
            "program.csv",
            csv_bytes([*HEADER, "name"], [*row(), "again"]),
            "Wrong header: repeated column(s): name.",
            id="repeated-column",
        ),
        pytest.param(
            "program.xlsx",
            formula_xlsx(),
            "Cell H2 holds a formula (=1000*1000). Imports take values only",
            id="formula",
        ),
        pytest.param(
            "program.csv",
            "\t".join(HEADER).encode(),
            "The columns seem separated by tabs or bars",
            id="tab-separated",
        ),
        pytest.param("program.csv", "Nama,Dimensi\n".encode("cp1252") + b"\xe9\n", "is not UTF-8 text", id="cp1252"),
    ],
)
def test_it_refuses_a_file_it_cannot_use_with_a_clear_message(officer_client, draft, name, content, message):
    content = content() if callable(content) else content  # big files are made when their test runs
    before = saved_state()

    response = upload(officer_client, draft, name, content)

    assert response.status_code == 200
    assert "preview" not in response.context
    assert message in file_errors(response)
    assert message in html.unescape(response.content.decode())
    assert f"programme_import_{draft.pk}" not in officer_client.session
    assert saved_state() == before


def test_a_file_of_the_maximum_number_of_rows_is_read(officer_client, draft):
    response = upload(officer_client, draft, "program.csv", big_csv(spreadsheets.MAX_ROWS))

    assert response.context["preview"].counts["add"] == spreadsheets.MAX_ROWS


def test_an_apostrophe_keeps_a_formula_as_text(officer_client, draft):
    content = xlsx_bytes(HEADER, row("Command centre", description="'=1+1"))

    response = upload(officer_client, draft, "program.xlsx", content)
    confirm(officer_client, draft, response)

    assert draft.programmes.get().description == "=1+1"


# Who may import ---------------------------------------------------------------------------------------------------


def test_the_import_page_lists_the_columns_and_the_choices(officer_client, draft):
    response = officer_client.get(import_url(draft))

    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for expected in ["Estimated budget (Rp)", "<code>budget</code>", "Public services", "KPBU/PPP", "2019 to 2023"]:
        assert expected in text


def test_the_plan_page_links_the_import_on_a_draft_and_the_export_always(officer_client, complete_draft):
    page = officer_client.get(complete_draft.get_absolute_url()).content.decode()
    assert reverse("masterplans:programme-import", args=[complete_draft.pk]) in page
    assert reverse("masterplans:programme-export", args=[complete_draft.pk, "xlsx"]) in page


def test_the_approved_plan_page_links_the_export_and_not_the_import(client, approved):
    page = client.get(approved.get_absolute_url()).content.decode()
    assert reverse("masterplans:programme-export", args=[approved.pk, "csv"]) in page
    assert reverse("masterplans:programme-import", args=[approved.pk]) not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(import_url(draft))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(import_url(draft), {"file": SimpleUploadedFile("p.csv", csv_bytes(HEADER, row()))})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["partner", "other_officer"])
def test_others_cannot_open_a_drafts_import(client, request, draft, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(import_url(draft)).status_code == 404
    assert upload(client, draft, "program.csv", csv_bytes(HEADER, row())).status_code == 404
    assert not Programme.objects.filter(name="Command centre").exists()


def test_an_officer_of_another_regency_cannot_import_into_an_approved_plan(client, other_officer, approved):
    client.force_login(other_officer)
    assert client.get(import_url(approved)).status_code == 403


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, PlanStatus.APPROVED])
def test_a_plan_out_of_the_officers_hands_refuses_an_import(officer_client, complete_draft, status):
    MasterPlan.objects.filter(pk=complete_draft.pk).update(status=status)
    before = saved_state()

    response = upload(officer_client, complete_draft, "program.csv", csv_bytes(HEADER, row()))

    assert response.status_code == 302
    assert response["Location"] == complete_draft.get_absolute_url()
    assert saved_state() == before


def test_a_plan_sent_back_for_revision_takes_an_import(officer_client, complete_draft):
    MasterPlan.objects.filter(pk=complete_draft.pk).update(status=PlanStatus.REVISION_REQUESTED)

    response = upload(officer_client, complete_draft, "program.csv", csv_bytes(HEADER, row()))
    confirm(officer_client, complete_draft, response)

    assert complete_draft.programmes.filter(name="Command centre").exists()


def test_validation_runs_a_fixed_number_of_queries_whatever_the_rows(draft, django_assert_num_queries):
    for size in (5, 200):
        rows = spreadsheets.read_file("program.csv", big_csv(size))
        with django_assert_num_queries(3):
            preview, _pending = spreadsheets.validate(draft, rows)
        assert preview.count(spreadsheets.ADD) == size
