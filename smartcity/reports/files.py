"""A report's files: CSV, XLSX (openpyxl, one sheet per section) and PDF (reportlab, with charts), per language.

Each writer takes the report and returns bytes; call them inside ``translation.override`` for the language.
"""

import csv
import datetime
import io
from xml.sax.saxutils import escape

from django.http import FileResponse, HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from regencies.spreadsheets import defuse
from smartcity.reports.sections import (
    DATE,
    MONEY,
    NUMBER,
    PERCENT,
    SCORE,
    TEXT,
    dimension_name,
    display,
    sections,
    title,
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
XLSX_FORMATS = {NUMBER: "#,##0", MONEY: '"Rp"#,##0', PERCENT: '0.0"%"', DATE: "dd/mm/yyyy", SCORE: "0.00"}
REAL, DEMO, MUTED = colors.HexColor("#1d5fa8"), colors.HexColor("#c77800"), colors.HexColor("#9aa5b1")


def file_name(report, format, language):
    """What a download is called, e.g. ``laporan-kemajuan-national-2026-10-id.pdf``."""
    return f"laporan-kemajuan-{report.scope}-{report.period.key}-{language}.{format}"


def preamble(report):
    """The lines every file opens with: title, period, when it was made, and the demo warning if it applies."""
    figures = report.figures
    when = datetime.datetime.fromisoformat(figures["generated_at"])
    generated = formats.date_format(timezone.localtime(when), "j F Y H:i")
    lines = [
        title(report),
        _("Period: %(start)s to %(end)s")
        % {"start": display(report.period.start, DATE), "end": display(report.period.end, DATE)},
        _("Generated on %(when)s (Asia/Jakarta)") % {"when": generated},
    ]
    if not figures["complete_period"]:
        lines.append(
            _("The period had not ended: figures as of %(day)s.")
            % {"day": display(datetime.date.fromisoformat(figures["period"]["end"]), DATE)}
        )
    if figures["has_demo"]:
        lines.append(_("DEMO: this report includes generated demo data; it is not a real record of the programme."))
    return lines


def write_csv(report):
    """One CSV: the preamble, then each section's title, header and rows, with a blank line between sections."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in preamble(report):
        writer.writerow([line])
    for section in sections(report.figures):
        writer.writerow([])
        writer.writerow([section.title])
        write_section(writer, section)
    return with_bom(buffer)


def section_csv(section):
    """One section as a CSV file of its own (a dashboard's table)."""
    buffer = io.StringIO()
    write_section(csv.writer(buffer), section)
    return with_bom(buffer)


def file_download(item):
    """A stored report file as a download; FileNotFoundError if storage has lost it (callers answer 404)."""
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=file_name(item.report, item.format, item.language),
        content_type=CONTENT_TYPES[item.format],
    )


def csv_download(section, filename):
    """A section as a CSV download named ``filename``: every dashboard table's ``?export=``."""
    return HttpResponse(
        section_csv(section),
        content_type=CONTENT_TYPES["csv"],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def write_section(writer, section):
    """A section's header, rows and note; text that a spreadsheet would run as a formula is defused."""
    writer.writerow([column.title for column in section.columns])
    writer.writerows(defuse(row) for row in section.displayed())
    if section.note:
        writer.writerow([section.note])


def with_bom(buffer):
    """A byte-order mark first, so spreadsheet programs read the file as UTF-8."""
    return ("\ufeff" + buffer.getvalue()).encode()


def write_xlsx(report):
    """One sheet for the preamble, then one per section, with real numbers and dates in Indonesian-style formats."""
    return sections_xlsx(pgettext("a document", "Report"), preamble(report), sections(report.figures))


def sections_xlsx(cover_title, lines, tables):
    """A workbook of a cover sheet ``cover_title`` with ``lines`` and a sheet per section of ``tables``."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = sheet_title(cover_title, workbook)
    for line in lines:
        cover.append([line])
    cover["A1"].font = Font(bold=True, size=14)
    for section in tables:
        sheet = workbook.create_sheet(sheet_title(section.title, workbook))
        sheet.append([column.title for column in section.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.cells():
            sheet.append([defuse(value) if kind == TEXT else value for value, kind in row])
            for cell, (value, kind) in zip(sheet[sheet.max_row], row, strict=True):
                if kind in XLSX_FORMATS and value is not None:
                    cell.number_format = XLSX_FORMATS[kind]
        if section.note:
            sheet.append([])
            sheet.append([section.note])
        for index, column in enumerate(section.columns, start=1):
            width = max([len(column.title)] + [len(display(*cell)) for cell in section_column(section, index - 1)])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def section_column(section, index):
    return [row[index] for row in section.cells()]


SHEET_NAME_LENGTH = 31  # Excel's limit


def shorten(text, limit):
    """``text`` in at most ``limit`` characters, cut after a whole word with "…" when it is longer (a first word
    longer than half the limit is cut where it must be)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[len(cut)] != " " and " " in cut.strip() and len(cut.rsplit(" ", 1)[0]) >= limit // 2:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—(") + "…"


def sheet_title(text, workbook):
    """Excel allows 31 characters and no ``[]:*?/\\`` in a sheet name, and each name once: a longer title is cut
    at a word, a repeated one numbered."""
    name = " ".join("".join(" " if char in "[]:*?/\\" else char for char in text).split())
    base, counter = name, 2
    name = shorten(base, SHEET_NAME_LENGTH)
    while name in workbook.sheetnames:
        suffix = f" ({counter})"
        name, counter = shorten(base, SHEET_NAME_LENGTH - len(suffix)) + suffix, counter + 1
    return name


class Chart(Flowable):
    """A reportlab drawing as a flowable that keeps its size."""

    def __init__(self, drawing):
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def draw(self):
        self.drawing.drawOn(self.canv, 0, 0)


def bar_chart(caption, labels, series, legend, horizontal=False, width=24 * cm, height=7 * cm):
    drawing = Drawing(width, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (5 * cm, 1.2 * cm) if horizontal else (1.5 * cm, 1.5 * cm)
    chart.width, chart.height = width - chart.x - 5 * cm, height - chart.y - 1 * cm
    chart.data = [[value or 0 for value in values] for values in series] or [[0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda value: formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    palette = [REAL, DEMO, MUTED]
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = palette[index % len(palette)]
    drawing.add(chart)
    drawing.add(String(0, height - 0.5 * cm, caption, fontName="Helvetica-Bold", fontSize=10))
    key = Legend()
    key.x, key.y = width - 4.5 * cm, height - 1.2 * cm
    key.fontSize = 8
    key.colorNamePairs = [(palette[index], name) for index, name in enumerate(legend)]
    drawing.add(key)
    return Chart(drawing)


def write_pdf(report):
    """An A4 landscape PDF: the preamble, two charts (members per cohort, budget and spending by dimension), then
    every section as a table."""
    figures = report.figures
    charts = [
        bar_chart(
            _("Members per cohort"),
            [str(cohort["year"]) for cohort in figures["cohorts"]],
            [[cohort["members"] for cohort in figures["cohorts"]], [cohort["target"] for cohort in figures["cohorts"]]],
            [_("Members"), _("Target")],
        ),
        bar_chart(
            _("Budget and spending by dimension (billion rupiah)"),
            [dimension_name(dimension) for dimension in figures["dimensions"]],
            [
                [dimension["budget"] / 1e9 for dimension in figures["dimensions"]],
                [dimension["spent"] / 1e9 for dimension in figures["dimensions"]],
            ],
            [_("Planned budget"), _("Money spent")],
            horizontal=True,
        ),
    ]
    return sections_pdf(preamble(report), sections(figures), charts=charts, demo=figures["has_demo"])


def sections_pdf(lines, tables, charts=(), demo=False):
    """An A4 landscape PDF titled ``lines[0]``: the other lines (the last in the demo colour if ``demo``), the
    charts, then each section of ``tables`` as a table with its note."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=lines[0],
        author=_("Ministry of Communication and Informatics"),
    )
    story = [Paragraph(escape(lines[0]), styles["Title"])]
    story += [Paragraph(escape(line), styles["Normal"]) for line in lines[1:]]
    if demo:
        story[-1] = Paragraph(f'<font color="#c77800"><b>{escape(lines[-1])}</b></font>', styles["Normal"])
    for chart in charts:
        story += [Spacer(1, 0.4 * cm), chart]
    cell_style = styles["BodyText"].clone("cell", fontSize=7, leading=8.5)
    figure_style = cell_style.clone("figure", alignment=TA_RIGHT)
    for section in tables:
        header = [Paragraph(f"<b>{escape(column.title)}</b>", cell_style) for column in section.columns]
        body = [
            [Paragraph(escape(text), figure_style if is_figure else cell_style) for text, is_figure in row]
            for row in section.rendered()
        ]
        table = Table([header] + body, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, MUTED),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        heading = [Spacer(1, 0.4 * cm), Paragraph(escape(section.title), styles["Heading2"])]
        if not body:
            story += heading + [Paragraph(_("None."), styles["Normal"])]
            continue
        story.append(KeepTogether(heading + [table]) if len(body) < 25 else KeepTogether(heading))
        if len(body) >= 25:
            story.append(table)
        if section.note:
            story.append(Paragraph(escape(section.note), styles["Italic"]))
    document.build(story)
    return buffer.getvalue()


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}
