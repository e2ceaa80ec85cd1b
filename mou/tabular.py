"""MoUs to and from spreadsheets, with our own validation rules.

Files are read with the csv module (CSV) and openpyxl (XLSX), and written with tablib. An import is two steps:
``read_file`` and ``validate`` say, row by row, what would be added, changed or rejected and why (the preview);
``apply`` saves the valid rows of that same content in one transaction, after validating them again.
"""

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from mou.models import DOCUMENT_FIELDS, Cohort, MoU
from regencies.models import Regency
from regencies.spreadsheets import FORMULA_STARTS, defuse

MAX_IMPORT_SIZE = 5 * 1024 * 1024

REQUIRED_COLUMNS = ["regency_code", "cohort", "signed_on"]
OPTIONAL_COLUMNS = [
    *DOCUMENT_FIELDS,
    "valid_until",
    "note",
]
# Columns our export writes that an import reads past, so an exported file can be imported again.
EXPORT_ONLY_COLUMNS = ["regency", "province", "event", "status", "ended_on", "demo"]
IMPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
EXPORT_COLUMNS = [
    "regency_code",
    "regency",
    "province",
    "cohort",
    "signed_on",
    "event",
    *DOCUMENT_FIELDS,
    "status",
    "valid_until",
    "ended_on",
    "note",
    "demo",
]
ADD, CHANGE, UNCHANGED, REJECT = "add", "change", "unchanged", "reject"
EXTRA_CELLS = "_cells"  # set on a row that has more cells than the header names


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, encoding or header."""


@dataclass
class RowResult:
    number: int
    action: str
    regency: str = ""
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    version: str = ""  # which stored MoU, as of which save, a change was computed against

    @property
    def change_labels(self):
        return [str(MoU._meta.get_field(name).verbose_name) for name in self.changes]


@dataclass
class Preview:
    rows: list

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self):
        return {action: self.count(action) for action in (ADD, CHANGE, UNCHANGED, REJECT)}

    @property
    def savable(self):
        return self.count(ADD) + self.count(CHANGE)

    def outcome(self):
        """What the preview promised, to check that a confirmation still means the same (JSON-ready)."""
        return [[row.number, row.action, list(row.changes), row.version] for row in self.rows]


def _read_grid(name, content):
    """The cells of a CSV (read by the csv module) or of an XLSX's first sheet (read by openpyxl), row by row.

    Blank lines stay in place, so that row numbers match what the user sees in a spreadsheet.
    """
    lowered = name.lower()
    if lowered.endswith(".csv"):
        bom = len(codecs.BOM_UTF8) if content.startswith(codecs.BOM_UTF8) else 0
        try:
            text = content[bom:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file is not UTF-8 text (byte %(position)d). Save it as “CSV UTF-8” and upload it again.")
                % {"position": bom + exc.start + 1}
            ) from exc
        if "\x00" in text:
            raise ImportFileError(_("The file contains NUL characters: it is not a CSV text file."))
        try:
            return list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ImportFileError(_("The file is not readable as CSV (%(error)s).") % {"error": exc}) from exc
    if lowered.endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            grid = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
            return grid
        except Exception as exc:  # openpyxl raises zip, XML and key errors for files that are not workbooks
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def read_file(name, content):
    """Rows of an uploaded CSV/XLSX as dicts of strings keyed by our column names (None for a blank row).

    Raises ``ImportFileError`` when the file as a whole cannot be used: wrong type, encoding or header.
    """
    grid = _read_grid(name, content)
    headers = [_cell(h).lower() for h in grid[0]] if grid else []
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(_("The file is empty: the first row must name the columns."))
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    unknown = [h for h in headers if h and h not in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS]
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
    if duplicated:
        problems.append(_("repeated column(s): %(names)s") % {"names": ", ".join(duplicated)})
    if problems:
        raise ImportFileError(
            _("Wrong header: %(problems)s. Expected columns: %(expected)s.")
            % {"problems": "; ".join(problems), "expected": ", ".join(IMPORT_COLUMNS)}
        )
    rows = []
    for values in grid[1:]:
        cells = {h: _cell(v) for h, v in zip(headers, values, strict=False) if h}
        extra = [v for v in values[len(headers) :] if _cell(v)]
        if extra:
            cells[EXTRA_CELLS] = len(headers) + len(extra)
        rows.append(cells if any(cells.values()) else None)  # None keeps the row numbers true
    return rows


# A cell that starts with one of these is a formula to a spreadsheet program; exports prefix it with an apostrophe
# (as OWASP advises against CSV injection) and imports take the apostrophe off again.
def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:].strip()
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(value, column, errors):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(_("bad date “%(value)s” in %(column)s (use YYYY-MM-DD)") % {"value": value, "column": column})
        return None


def validate(rows, lock=False):
    """Classify each row; returns a ``Preview`` and, by row number, the unsaved MoU each valid row would save.

    Three queries whatever the number of rows: the rules run on preloaded rows, and the database constraints
    catch what changes meanwhile. ``lock`` holds the MoUs concerned until the transaction ends.
    """
    codes = {row["regency_code"] for row in rows if row}
    regencies = Regency.objects.in_bulk(codes, field_name="code")
    cohorts = Cohort.objects.in_bulk(field_name="year")
    existing, active = {}, {}
    mous = MoU.objects.filter(regency__code__in=codes).select_related("regency", "cohort")
    for mou in mous.select_for_update(of=("self",)) if lock else mous:
        existing[(mou.regency.code, mou.cohort.year)] = mou
        if mou.is_active:
            active[mou.regency.code] = mou
    seen, adding = {}, {}
    results, pending = [], {}
    for index, row in enumerate(rows):
        number = index + 2  # the header is row 1
        if row is None:
            continue
        errors = []
        if EXTRA_CELLS in row:
            errors.append(_("more cells than the header has columns (a comma in a value needs quotes)"))
        code = row.get("regency_code", "")
        regency = regencies.get(code)
        if regency is None:
            errors.append(_("unknown regency code “%(code)s”") % {"code": code} if code else _("regency_code is empty"))
        elif not regency.is_active:
            errors.append(_("%(regency)s is no longer in the Kemendagri register") % {"regency": regency})
        if row.get("demo"):
            errors.append(_("demo rows cannot be imported as real MoUs"))
        year_text = row.get("cohort", "")
        cohort = cohorts.get(int(year_text)) if re.fullmatch(r"\d{4}", year_text, re.ASCII) else None
        if cohort is None:
            errors.append(_("unknown cohort “%(year)s”") % {"year": year_text} if year_text else _("cohort is empty"))
        signed_on = _parse_date(row.get("signed_on", ""), "signed_on", errors)
        if not row.get("signed_on"):
            errors.append(_("signed_on is empty"))
        valid_until = _parse_date(row.get("valid_until", ""), "valid_until", errors)
        if regency is not None and (code, year_text) in seen:
            first = seen[(code, year_text)]
            errors.append(_("%(code)s appears again (first in row %(row)d)") % {"code": code, "row": first})
        seen.setdefault((code, year_text), number)
        label = str(regency) if regency else code
        if errors:
            results.append(RowResult(number, REJECT, label, errors))
            continue

        mou = existing.get((code, cohort.year))
        action, changes = ADD, []
        if mou is None:
            if code in adding:
                message = _("a second new active MoU for %(code)s (row %(row)d adds one already)")
                results.append(RowResult(number, REJECT, label, [message % {"code": code, "row": adding[code]}]))
                continue
            mou = MoU(regency=regency, cohort=cohort)
        else:
            action = CHANGE
        values = {name: row.get(name, "") for name in OPTIONAL_COLUMNS if name in row and name != "valid_until"}
        values["signed_on"] = signed_on
        if "valid_until" in row:
            values["valid_until"] = valid_until
        for name, value in values.items():
            if action == CHANGE and getattr(mou, name) != value:
                changes.append(name)
            setattr(mou, name, value)
        if action == CHANGE and not changes:
            results.append(RowResult(number, UNCHANGED, label))
            continue
        errors = _field_errors(mou)
        other = active.get(code)
        if action == ADD and other is not None and "regency" not in errors:
            errors["regency"] = [mou.second_active_message()]
        if errors:
            results.append(RowResult(number, REJECT, label, _messages(errors)))
            continue
        version = f"{mou.pk}@{mou.updated_at.isoformat()}" if action == CHANGE else ""
        results.append(RowResult(number, action, label, changes=changes, version=version))
        pending[number] = mou
        if action == ADD:
            adding[code] = number
    return Preview(results), pending


def _field_errors(mou):
    """Field validators and the model's rules, without the per-row queries of ``full_clean``."""
    try:
        mou.clean_fields(exclude=["regency", "cohort", "event", "document"])
        errors = {}
    except ValidationError as exc:
        errors = exc.message_dict
    for name, message in mou.rule_errors().items():
        errors.setdefault(name, []).append(message)
    return errors


def _messages(errors):
    return [
        f"{MoU._meta.get_field(name).verbose_name}: {message}" if name != "__all__" else message
        for name, messages in errors.items()
        for message in messages
    ]


def apply(rows, expected_outcome, reason):
    """Save the valid rows in one transaction, if validation still gives what the user saw in the preview.

    Returns the fresh ``Preview`` and whether anything was saved; either every valid row is saved or none is.
    """
    with transaction.atomic():
        preview, pending = validate(rows, lock=True)
        if preview.outcome() != expected_outcome:
            return preview, False
        for mou in pending.values():
            mou._change_reason = reason
            mou.save()
    return preview, True


def export(queryset, file_format):
    """The MoUs of ``queryset`` as CSV or XLSX bytes; demo rows say so in the ``demo`` column."""
    dataset = tablib.Dataset(headers=EXPORT_COLUMNS, title=_("MoUs"))
    for mou in queryset.select_related("regency__province", "cohort", "event"):
        dataset.append(
            [
                mou.regency.code,
                mou.regency.name,
                mou.regency.province.name,
                mou.cohort.year,
                mou.signed_on.isoformat(),
                str(mou.event) if mou.event else "",
                mou.ministry_number,
                mou.regency_number,
                mou.ministry_signatory_name,
                mou.ministry_signatory_title,
                mou.regency_signatory_name,
                mou.regency_signatory_title,
                mou.status,
                mou.valid_until.isoformat() if mou.valid_until else "",
                mou.ended_on.isoformat() if mou.ended_on else "",
                mou.note,
                "DEMO" if mou.is_demo else "",
            ]
        )
    for index, row in enumerate(dataset):
        row = [defuse(value) for value in row]
        if file_format == "xlsx":
            # Control characters (Word's line break \x0b, say) are legal in our text but not in an XLSX cell.
            row = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        dataset[index] = row
    return dataset.export(file_format)


def export_filename(file_format):
    return f"mou-{timezone.localdate().isoformat()}.{file_format}"
