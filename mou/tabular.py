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
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

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
    """What one row of an import would do; ``label`` names what the row is about (here the regency/city)."""

    number: int
    action: str
    label: str = ""
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    version: str = ""  # which stored record, as of which save, a change was computed against

    @property
    def change_labels(self):
        return [self.column_label(name) for name in self.changes]

    @staticmethod
    def column_label(name):
        return str(MoU._meta.get_field(name).verbose_name)


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


# What an upload holds, by its first bytes, to name a renamed file rather than fail on it as text or as a workbook.
ZIP_MAGIC = b"PK\x03\x04"
MAGIC = [
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Excel (.xls) or other Office 97-2003 file")),
    (ZIP_MAGIC, gettext_lazy("an XLSX workbook or another ZIP archive")),
    (b"\x89PNG", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
]
CSV_DELIMITERS = (";", ",")


def _kind(content):
    return next((kind for magic, kind in MAGIC if content.startswith(magic)), None)


def detect_delimiter(text):
    """``;`` or ``,``: whichever separates more cells of the header (the first non-blank line, quotes skipped).

    Excel writes ``;`` where the list separator is ``;``, as under Indonesian settings, and ``,`` elsewhere; column
    names hold neither, so the header tells them apart even when values are full of commas.
    """
    line = next((line for line in io.StringIO(text) if line.strip()), "")
    counts, quoted = dict.fromkeys(CSV_DELIMITERS, 0), False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


class _Rows:
    """Collects the rows of a grid: blank rows become ``[]`` only when a row with content follows (so numbers stay
    true and trailing blank rows cost nothing), and more than ``max_rows`` rows below the header stop the reading."""

    def __init__(self, max_rows):
        self.grid, self.blank, self.max_rows, self.filled = [], 0, max_rows, 0

    def add(self, values):
        if not any(_cell(v) for v in values):
            self.blank += 1
            return
        self.grid.extend([] for _ in range(self.blank))
        self.blank = 0
        self.grid.append(values)
        self.filled += 1
        if self.max_rows is not None and self.filled > self.max_rows + 1:  # the header is not a row of data
            raise ImportFileError(
                _("The file has more than %(max)d rows of data; import at most %(max)d rows at a time.")
                % {"max": self.max_rows}
            )


def csv_text(content):
    """The text of an uploaded CSV: UTF-8 with or without a byte-order mark, no NUL; ``ImportFileError`` if not."""
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
    return text


def _read_csv(content, rows):
    text = csv_text(content)
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text)):
            rows.add(values)
    except csv.Error as exc:
        raise ImportFileError(_("The file is not readable as CSV (%(error)s).") % {"error": exc}) from exc


def _formula_error(row, column, value):
    return ImportFileError(
        _(
            "Cell %(cell)s holds a formula (%(formula)s). Imports take values only: replace the formula by its value "
            "(copy, then paste values), or start the text with an apostrophe."
        )
        % {"cell": f"{get_column_letter(column)}{row}", "formula": str(value)[:60]}
    )


def _read_xlsx(content, rows, refuse_formulas):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=not refuse_formulas)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for files that are not workbooks
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        if not refuse_formulas:
            for values in sheet.iter_rows(values_only=True):
                rows.add(list(values))
            return
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = []
            for column, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    raise _formula_error(number, column, cell.value)
                values.append(cell.value)
            rows.add(values)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    finally:
        workbook.close()


def read_grid(name, content, *, max_rows=None, refuse_formulas=False):
    """The cells of a CSV (read by the csv module, ``;`` or ``,`` as the header shows) or of an XLSX's first sheet
    (read by openpyxl, in read-only mode), row by row; blank rows in the middle stay, as ``[]``, so that row numbers
    match what the user sees in a spreadsheet.

    The type is taken from the name and checked against the content: a renamed PDF or an .xls is refused, naming
    what it is. ``max_rows`` refuses a file with more rows of data, without reading further. With
    ``refuse_formulas``, an XLSX cell that holds a formula refuses the file (otherwise its last computed value is
    read); a CSV has no formulas, only text.
    """
    lowered = name.lower()
    kind = _kind(content)
    rows = _Rows(max_rows)
    if lowered.endswith(".csv"):
        if kind is not None:
            raise ImportFileError(
                _("The file is named .csv but holds %(kind)s. Upload CSV text or an .xlsx workbook.") % {"kind": kind}
            )
        _read_csv(content, rows)
    elif lowered.endswith(".xlsx"):
        if kind is not None and not content.startswith(ZIP_MAGIC):
            raise ImportFileError(
                _("The file is named .xlsx but holds %(kind)s. Upload an .xlsx workbook or CSV text.") % {"kind": kind}
            )
        _read_xlsx(content, rows, refuse_formulas)
    elif lowered.endswith(".xls"):
        raise ImportFileError(
            _("Upload a .csv or .xlsx file: open an .xls workbook in Excel and save it as .xlsx (Excel Workbook).")
        )
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return rows.grid


def normalise_header(value):
    """A header cell as compared with column names: trimmed, lower-cased, each run of spaces as one space."""
    return re.sub(r"\s+", " ", _cell(value)).lower()


def header_keys(header, names, required, expected):
    """The column key of each header cell (``None`` for a blank one), from ``names`` (a normalised header to its
    key). Raises ``ImportFileError`` naming exactly what is wrong: the missing, unknown and repeated columns."""
    cells = [normalise_header(value) for value in header]
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        raise ImportFileError(_("The file is empty: the first row must name the columns."))
    keys = [names.get(cell) if cell else None for cell in cells]
    problems = []
    missing = [key for key in required if key not in keys]
    unknown = [str(value).strip() for value, cell, key in zip(header, cells, keys, strict=False) if cell and not key]
    repeated = sorted({key for key in keys if key and keys.count(key) > 1}, key=keys.index)
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        shown = [f"“{name[:40]}”" for name in unknown[:10]]
        problems.append(_("unknown column(s): %(names)s") % {"names": ", ".join(shown)})
    if repeated:
        problems.append(_("repeated column(s): %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        message = _("Wrong header: %(problems)s. Expected columns: %(expected)s.") % {
            "problems": "; ".join(problems),
            "expected": ", ".join(expected),
        }
        if len(cells) == 1 and any(separator in _cell(header[0]) for separator in ("\t", "|")):
            message += " " + _("The columns seem separated by tabs or bars: save the file as CSV (comma or semicolon).")
        raise ImportFileError(message)
    return keys


def grid_rows(grid, keys):
    """The rows below the header as dicts of strings by column key, ``None`` for a blank row (to keep row numbers);
    a row with cells past the header's last column carries ``EXTRA_CELLS``."""
    rows = []
    for values in grid[1:]:
        cells = {key: _cell(v) for key, v in zip(keys, values, strict=False) if key}
        extra = [v for v in values[len(keys) :] if _cell(v)]
        if extra:
            cells[EXTRA_CELLS] = len(keys) + len(extra)
        rows.append(cells if any(cells.values()) else None)
    return rows


def read_file(name, content):
    """Rows of an uploaded CSV/XLSX as dicts of strings keyed by our column names (None for a blank row).

    Raises ``ImportFileError`` when the file as a whole cannot be used: wrong type, encoding or header.
    """
    grid = read_grid(name, content)
    known = {column: column for column in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS}
    keys = header_keys(grid[0] if grid else [], known, REQUIRED_COLUMNS, IMPORT_COLUMNS)
    return grid_rows(grid, keys)


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
