"""A master plan's programmes to and from spreadsheets (CSV and XLSX), in one layout both ways.

The export (and the template, which is an export without rows) names its columns in the page's language; an
import accepts the column names in Indonesian or English, or the stable keys of ``COLUMNS``. Files are read by
``mou.tabular.read_grid`` (``;`` or ``,`` CSV, XLSX; type checked by content; formulas refused), and each row is
checked by ``ProgrammeForm``'s own fields and the model's rules, so the rules are not written twice.

Rows are matched to the plan's programmes by name (case and spacing aside): a new name adds a programme, a known
one changes it, and programmes missing from the file stay as they are. An import is two steps, as the MoU
import: ``read_file`` and ``validate`` give the preview and save nothing; ``apply`` locks the plan, checks the
officer and the status again, validates the same rows again and saves them, with history, in one transaction,
only if the outcome is still the one previewed.
"""

import csv
import hashlib
import io
import json
import re

import openpyxl
import structlog
from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from masterplans import services
from masterplans.choices import BimtekStage, FundingSource, Horizon
from masterplans.forms import PROGRAMME_FIELDS, ProgrammeForm
from masterplans.models import Dimension, Programme, SubDimension
from mou import tabular
from mou.tabular import (
    ADD,
    CHANGE,
    EXTRA_CELLS,
    MAX_IMPORT_SIZE,
    REJECT,
    UNCHANGED,
    ImportFileError,
    Preview,
    grid_rows,
    header_keys,
    normalise_header,
    read_grid,
)
from regencies.spreadsheets import defuse

logger = structlog.get_logger(__name__)

MAX_ROWS = 1000
COLUMNS = PROGRAMME_FIELDS
REQUIRED_COLUMNS = ["dimension", "name", "horizon", "start_year", "end_year", "budget", "funding_source", "agency"]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def languages():
    return [code for code, _name in settings.LANGUAGES]


def column_label(key):
    """A column's name in the active language: the programme field's own label."""
    return str(capfirst(Programme._meta.get_field(key).verbose_name))


def _in_every_language(function):
    """``function()``'s text in each language of the portal."""
    texts = []
    for language in languages():
        with translation.override(language):
            texts.append(str(function()))
    return texts


def header_names():
    """Each accepted header, normalised, to its column key: the key and the label in every language."""
    names = {}
    for key in COLUMNS:
        names[key] = names[key.replace("_", " ")] = key
        for label in _in_every_language(lambda key=key: column_label(key)):
            names[normalise_header(label)] = key
    return names


def _text(value):
    return normalise_header(value)


def _choice_names(choices):
    """A choice's value and its label in every language, normalised, to the value."""
    names = {}
    for value, _label in choices.choices:
        names[_text(value)] = value
        for label in _in_every_language(lambda value=value: choices(value).label):
            names[_text(label)] = value
    return names


def yes_no_names():
    names = dict.fromkeys(("yes", "ya", "y", "1", "true", "x"), True)
    names.update(dict.fromkeys(("no", "tidak", "n", "0", "false"), False))
    for text in _in_every_language(lambda: _("Yes")):
        names[_text(text)] = True
    for text in _in_every_language(lambda: _("No")):
        names[_text(text)] = False
    return names


class Taxonomy:
    """The dimensions and sub-dimensions, read once (two queries), and every name a cell may give a choice by."""

    def __init__(self):
        self.dimensions = list(
            Dimension.objects.prefetch_related(Prefetch("sub_dimensions", SubDimension.objects.order_by("order")))
        )
        self.dimension_names, self.sub_names = {}, {}
        for dimension in self.dimensions:
            for text in (dimension.code, dimension.name_id, dimension.name_en):
                self.dimension_names[_text(text)] = dimension
            for sub in dimension.sub_dimensions.all():
                sub.dimension = dimension  # no query to reach it later
                for text in (sub.code, sub.name_id, sub.name_en):
                    self.sub_names.setdefault(_text(text), []).append(sub)
        self.horizons = _choice_names(Horizon)
        self.funding_sources = _choice_names(FundingSource)
        self.bimtek_stages = _choice_names(BimtekStage)
        for stage, roman in ROMAN.items():
            self.bimtek_stages[_text(roman)] = stage
        self.yes_no = yes_no_names()

    def sub_dimension(self, dimension, text):
        """The sub-dimension ``text`` names, in ``dimension`` if it has one by that name, else elsewhere (the
        model then says it belongs to another dimension); ``None`` if there is none."""
        candidates = self.sub_names.get(_text(text), [])
        return next((s for s in candidates if dimension and s.dimension_id == dimension.pk), None) or next(
            iter(candidates), None
        )


class NamedChoiceField(forms.Field):
    """A choice given by any of its names (``names``: normalised text to value), or refused with those to use."""

    def __init__(self, names, shown, **kwargs):
        self.names, self.shown = names, shown
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.names[_text(value)]
        except KeyError:
            raise forms.ValidationError(
                _("unknown value “%(value)s”; use one of: %(names)s") % {"value": value, "names": self.shown},
                code="invalid_choice",
            ) from None

    def clean(self, value):
        value = self.to_python(value)
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return value


def _shown(choices):
    return ", ".join(str(label) for _value, label in choices.choices)


class ProgrammeRowForm(ProgrammeForm):
    """``ProgrammeForm`` for one row of a file: its number, year and text fields as they are, and its choices
    read by name from preloaded rows, so that checking a row runs no query (the database's constraints still
    guard the save)."""

    def __init__(self, *args, taxonomy, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy
        labels = {name: self.fields[name].label for name in self.fields}
        dimensions = ", ".join(dimension.name for dimension in taxonomy.dimensions)
        self.fields["dimension"] = NamedChoiceField(taxonomy.dimension_names, dimensions, label=labels["dimension"])
        self.fields["sub_dimension"] = forms.CharField(label=labels["sub_dimension"], required=False)
        self.fields["horizon"] = NamedChoiceField(taxonomy.horizons, _shown(Horizon), label=labels["horizon"])
        self.fields["funding_source"] = NamedChoiceField(
            taxonomy.funding_sources, _shown(FundingSource), label=labels["funding_source"]
        )
        self.fields["bimtek_stage"] = NamedChoiceField(
            taxonomy.bimtek_stages, ", ".join(ROMAN.values()), label=labels["bimtek_stage"], required=False
        )
        self.fields["is_quick_win"] = NamedChoiceField(
            taxonomy.yes_no, f"{_('Yes')}, {_('No')}", label=labels["is_quick_win"], required=False
        )

    def clean(self):
        cleaned = super().clean()
        self._validate_unique = False  # a query per row; a programme has no unique field to check
        text = cleaned.get("sub_dimension")
        if text:
            sub = self.taxonomy.sub_dimension(cleaned.get("dimension"), text)
            if sub is None:
                self.add_error("sub_dimension", _("unknown sub-dimension “%(value)s”") % {"value": text})
            else:
                cleaned["sub_dimension"] = sub
        else:
            cleaned["sub_dimension"] = None
        cleaned["is_quick_win"] = bool(cleaned.get("is_quick_win"))
        return cleaned

    def _post_clean(self):
        # Model.full_clean checks the check constraints with a query each; the form's choice fields and
        # Programme.clean check the same rules here, and the database's constraints still guard the save.
        self.instance.validate_constraints = lambda exclude=None: None
        try:
            super()._post_clean()
        finally:
            del self.instance.validate_constraints

    def _get_validation_exclusions(self):
        # Foreign keys are read from preloaded rows; ``Model.clean`` still checks the sub-dimension's dimension.
        return {*super()._get_validation_exclusions(), "dimension", "sub_dimension"}


class RowResult(tabular.RowResult):
    """A programme row's outcome, labelled by the programme's name; ``version`` fingerprints the stored programme."""

    column_label = staticmethod(column_label)


def read_file(name, content):
    """Rows of an uploaded CSV/XLSX as dicts of strings by column key (None for a blank row); ``ImportFileError``
    when the file as a whole cannot be used: type, size, encoding, header, formulas, more than ``MAX_ROWS`` rows."""
    if len(content) > MAX_IMPORT_SIZE:
        raise ImportFileError(_("The file is larger than 5 MB."))
    grid = read_grid(name, content, max_rows=MAX_ROWS, refuse_formulas=True)
    expected = [column_label(key) for key in COLUMNS]
    keys = header_keys(grid[0] if grid else [], header_names(), REQUIRED_COLUMNS, expected)
    rows = grid_rows(grid, keys)
    if not any(rows):
        raise ImportFileError(_("The file has a header but no programme below it."))
    return rows


def match_key(name):
    """How a row finds its programme: the name, case and runs of spaces aside."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def _stored(programme):
    """A programme's values as compared with a row's (line breaks as ``\\n``)."""
    values = {}
    for name in COLUMNS:
        value = getattr(programme, Programme._meta.get_field(name).attname)
        values[name] = value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
    return values


def _fingerprint(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _data(programme):
    """A stored programme as the text a file gives, for the columns a file leaves out."""
    if programme.pk is None:
        return dict.fromkeys(COLUMNS, "")
    return {
        "dimension": programme.dimension.code,
        "sub_dimension": programme.sub_dimension.code if programme.sub_dimension_id else "",
        "name": programme.name,
        "description": programme.description,
        "horizon": programme.horizon,
        "start_year": str(programme.start_year),
        "end_year": str(programme.end_year),
        "budget": str(programme.budget),
        "funding_source": programme.funding_source,
        "agency": programme.agency,
        "is_quick_win": "yes" if programme.is_quick_win else "no",
        "bimtek_stage": str(programme.bimtek_stage or ""),
    }


def _messages(form):
    return [
        f"{form.fields[name].label}: {message}" if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]


def validate(plan, rows, taxonomy=None):
    """Classify each row against ``plan``; returns a ``Preview`` and, by row number, the unsaved programme each
    valid row would save. Three queries whatever the number of rows (the taxonomy and the plan's programmes)."""
    taxonomy = taxonomy or Taxonomy()
    by_dimension = {dimension.pk: dimension for dimension in taxonomy.dimensions}
    subs = {sub.pk: sub for dimension in taxonomy.dimensions for sub in dimension.sub_dimensions.all()}
    existing = {}
    for programme in plan.programmes.all():
        programme.plan = plan
        programme.dimension = by_dimension[programme.dimension_id]
        if programme.sub_dimension_id:
            programme.sub_dimension = subs[programme.sub_dimension_id]
        existing.setdefault(match_key(programme.name), []).append(programme)
    seen, results, pending = {}, [], {}
    for index, row in enumerate(rows):
        number = index + 2  # the header is row 1
        if row is None:
            continue
        name = row.get("name", "")
        key = match_key(name)
        errors = []
        if EXTRA_CELLS in row:
            errors.append(_("more cells than the header has columns (a separator in a value needs quotes)"))
        if key and key in seen:
            errors.append(_("“%(name)s” appears again (first in row %(row)d)") % {"name": name, "row": seen[key]})
        seen.setdefault(key, number)
        matches = existing.get(key, []) if key else []
        if len(matches) > 1:
            errors.append(
                _("the plan has %(count)d programmes named “%(name)s”: rename them on the plan's page first")
                % {"count": len(matches), "name": name}
            )
        if errors:
            results.append(RowResult(number, REJECT, name, errors))
            continue
        programme = matches[0] if matches else Programme(plan=plan)
        before = _stored(programme) if programme.pk else None
        data = {**_data(programme), **{k: v for k, v in row.items() if k in COLUMNS}}
        form = ProgrammeRowForm(data, instance=programme, taxonomy=taxonomy)
        if not form.is_valid():
            results.append(RowResult(number, REJECT, name, _messages(form)))
            if programme.pk:  # the form changed the stored programme's attributes: put them back
                existing[key] = [_restored(programme, before)]
            continue
        if before is None:
            results.append(RowResult(number, ADD, form.instance.name))
            pending[number] = form.instance
            continue
        after = _stored(form.instance)
        changes = [name for name in COLUMNS if after[name] != before[name]]
        if not changes:
            results.append(RowResult(number, UNCHANGED, form.instance.name))
            continue
        results.append(RowResult(number, CHANGE, form.instance.name, changes=changes, version=_fingerprint(before)))
        pending[number] = form.instance
    return Preview(results), pending


def _restored(programme, values):
    for name, value in values.items():
        setattr(programme, Programme._meta.get_field(name).attname, value)
    return programme


def apply(user, plan_id, rows, expected_outcome, filename):
    """Save the valid rows in one transaction, if validation still gives what the user saw in the preview.

    The plan is locked and the officer and its status are checked again (``services.editing``: PermissionDenied
    or ValidationError). Returns the fresh ``Preview`` and whether anything was saved: every valid row or none.
    """
    with translation.override(settings.LANGUAGE_CODE):  # the history speaks one language, whoever acted
        reason = (_("Imported from %(filename)s") % {"filename": filename})[:100]
    with services.editing(user, plan_id) as plan:
        preview, pending = validate(plan, rows)
        if preview.outcome() != expected_outcome:
            return preview, False
        added = [programme for programme in pending.values() if programme.pk is None]
        changed = [programme for programme in pending.values() if programme.pk is not None]
        bulk_create_with_history(added, Programme, default_user=user, default_change_reason=reason)
        if changed:
            bulk_update_with_history(
                changed, Programme, fields=COLUMNS, default_user=user, default_change_reason=reason
            )
    counts = preview.counts
    logger.info(
        "programmes_imported",
        plan=plan_id,
        user=user.pk,
        filename=filename,
        added=counts[ADD],
        changed=counts[CHANGE],
        unchanged=counts[UNCHANGED],
        rejected=counts[REJECT],
    )
    return preview, True


# Writing ------------------------------------------------------------------------------------------------------


def _choice_label(choices, value):
    return str(choices(value).label) if value not in (None, "") else ""


def programme_cells(programme):
    """A programme as the cells of its row, in ``COLUMNS`` order, in the active language."""
    return [
        programme.dimension.name,
        programme.sub_dimension.name if programme.sub_dimension_id else "",
        programme.name,
        programme.description,
        _choice_label(Horizon, programme.horizon),
        programme.start_year,
        programme.end_year,
        programme.budget,
        _choice_label(FundingSource, programme.funding_source),
        programme.agency,
        _("Yes") if programme.is_quick_win else _("No"),
        _choice_label(BimtekStage, programme.bimtek_stage),
    ]


def instructions(plan):
    """How to fill the file, for the template's first lines and the import page (the active language)."""
    return [
        _("One row per programme, below the header. Keep the column names: Indonesian, English or the keys are read."),
        _("Required columns: %(names)s.") % {"names": ", ".join(column_label(key) for key in REQUIRED_COLUMNS)},
        _(
            "A row is matched to the plan's programme of the same name (upper and lower case and spaces aside): a "
            "new name adds a programme, a known name changes it. Programmes missing from the file stay as they are; "
            "rename or remove them on the plan's page."
        ),
        _("Years within the plan's period, %(start)s to %(end)s; the budget in whole rupiah (1250000000).")
        % {"start": plan.start_year, "end": plan.end_year},
        _(
            "Dimension, sub-dimension, horizon, funding source and bimtek stage by their names (see the Lists sheet), "
            "in Indonesian or English; quick win: Yes or No."
        ),
        _(
            "Values only: a cell with a formula refuses the whole file. CSV in UTF-8, cells separated by commas or "
            "semicolons. At most %(rows)d rows and 5 MB."
        )
        % {"rows": MAX_ROWS},
    ]


def list_rows(taxonomy):
    """The Lists sheet: each name a choice column takes."""
    rows = [[column_label("dimension"), column_label("sub_dimension"), _("Code")]]
    for dimension in taxonomy.dimensions:
        rows.append([dimension.name, "", dimension.code])
        rows.extend([dimension.name, sub.name, sub.code] for sub in dimension.sub_dimensions.all())
    for key, choices in (("horizon", Horizon), ("funding_source", FundingSource), ("bimtek_stage", BimtekStage)):
        rows.append([])
        rows.append([column_label(key), "", _("Code")])
        rows.extend([str(label), "", str(value)] for value, label in choices.choices)
    rows.append([])
    rows.append([column_label("is_quick_win")])
    rows.extend([[_("Yes")], [_("No")]])
    return rows


def _safe(value, file_format):
    value = defuse(value)
    if file_format == "xlsx" and isinstance(value, str):
        # Control characters (Word's line break \x0b, say) are legal in our text but not in an XLSX cell.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def export(plan, programmes, file_format, taxonomy=None):
    """``programmes`` of ``plan`` as CSV or XLSX bytes, headers in the active language (no rows: the template).

    Every text that a spreadsheet would take for a formula is prefixed with an apostrophe (``defuse``), so no
    export ever holds a formula; an import takes the apostrophe off again."""
    header = [column_label(key) for key in COLUMNS]
    rows = [[_safe(value, file_format) for value in programme_cells(programme)] for programme in programmes]
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the byte-order mark tells Excel it is UTF-8
    taxonomy = taxonomy or Taxonomy()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Programmes")[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (22, 26, 40, 40, 16, 10, 10, 18, 22, 30, 10, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    lists = workbook.create_sheet(_("Lists")[:31])
    for row in list_rows(taxonomy):
        lists.append([_safe(value, "xlsx") for value in row])
    for letter, width in zip("ABC", (30, 36, 26), strict=True):
        lists.column_dimensions[letter].width = width
    notes = workbook.create_sheet(_("Instructions")[:31])
    for line in instructions(plan):
        notes.append([_safe(line, "xlsx")])
    notes.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(plan, file_format, template=False):
    stem = "templat-program" if template else "program"
    return f"{stem}-{plan.regency.code}-v{plan.version}.{file_format}"
