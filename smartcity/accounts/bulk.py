"""Inviting many people from a CSV file, in two steps like the MoU import (``mou.tabular``).

``read_csv`` turns the upload into rows of text, or refuses the whole file; ``validate`` says, row by row, whom each
row would invite or what is wrong with it, in a fixed number of queries (the preview); ``apply`` invites every valid
row through ``services.invite`` in one transaction, after validating the same rows again, and saves nothing unless
the outcome is still the one previewed.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from mou.tabular import ImportFileError, csv_text, detect_delimiter
from regencies.models import Regency
from regencies.spreadsheets import FORMULA_STARTS
from smartcity.accounts import services
from smartcity.accounts.choices import Role
from smartcity.accounts.models import Invitation

MAX_SIZE = 1024 * 1024
MAX_ROWS = 1000
REQUIRED_COLUMNS = ["email", "role"]
OPTIONAL_COLUMNS = ["name", "regency_codes", "organisation"]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Other spellings of a header, after lower-casing and turning spaces and hyphens into underscores.
HEADER_ALIASES = {
    "regency_code": "regency_codes",
    "regencies": "regency_codes",
    "organization": "organisation",
}
CODES = re.compile(r"[\s,;]+")
CODE = re.compile(r"^\d{2}\.\d{2}$")
EXTRA_CELLS = "_cells"


class BulkFileError(Exception):
    """The file as a whole cannot be read: too big, not UTF-8 text, or a wrong header."""


@dataclass
class Row:
    number: int
    email: str
    name: str = ""
    role: Role | None = None
    regencies: list = field(default_factory=list)
    organisation: str = ""
    errors: list = field(default_factory=list)

    @property
    def valid(self):
        return not self.errors


@dataclass
class Preview:
    rows: list

    @property
    def valid_rows(self):
        return [row for row in self.rows if row.valid]

    @property
    def rejected(self):
        return len(self.rows) - len(self.valid_rows)

    def outcome(self):
        """What the preview promised, to check that a confirmation still means the same (JSON-ready)."""
        return [[row.number, row.valid] for row in self.rows]


def _header(text):
    name = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return HEADER_ALIASES.get(name, name)


def read_csv(content):
    """Rows of an uploaded CSV as dicts of stripped strings by column (None for a blank line, to keep numbers true).

    UTF-8 with or without a byte-order mark; cells separated by commas or by semicolons, as the header shows.
    """
    if len(content) > MAX_SIZE:
        raise BulkFileError(_("The file is larger than 1 MB: split it into several files."))
    try:
        text = csv_text(content)
    except ImportFileError as exc:
        raise BulkFileError(str(exc)) from exc
    try:
        grid = list(csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text)))
    except csv.Error as exc:
        raise BulkFileError(_("The file is not readable as CSV (%(error)s).") % {"error": exc}) from exc
    headers = [_header(cell) for cell in grid[0]] if grid else []
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise BulkFileError(_("The file is empty: the first row must name the columns."))
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    unknown = [name for name in headers if name not in COLUMNS]
    repeated = sorted({name for name in headers if headers.count(name) > 1})
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown column(s): %(names)s") % {"names": ", ".join(name[:40] for name in unknown[:10])})
    if repeated:
        problems.append(_("repeated column(s): %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        raise BulkFileError(
            _("Wrong header: %(problems)s. Expected columns: %(expected)s.")
            % {"problems": "; ".join(problems), "expected": ", ".join(COLUMNS)}
        )
    rows = []
    for values in grid[1:]:
        cells = {name: value.strip() for name, value in zip(headers, values, strict=False) if name}
        extra = [value for value in values[len(headers) :] if value.strip()]
        if extra:
            cells[EXTRA_CELLS] = len(headers) + len(extra)
        rows.append(cells if any(cells.values()) else None)
    while rows and rows[-1] is None:
        rows.pop()
    count = sum(1 for row in rows if row)
    if not count:
        raise BulkFileError(_("The file has a header but no person to invite."))
    if count > MAX_ROWS:
        raise BulkFileError(
            _("The file has %(count)d people; at most %(max)d can be invited at once. Split it into several files.")
            % {"count": count, "max": MAX_ROWS}
        )
    return rows


def role_names():
    """Each role by its stable value and by its label in every language of the portal, lower-cased."""
    names = {}
    for role in Role:
        names[role.value] = role
        for language in ("en", "id"):
            with translation.override(language):
                names[str(role.label).lower()] = role
    return names


def _in_use(emails):
    """By lower-cased address, why it cannot be invited: two queries, whatever the number of addresses."""
    User = get_user_model()
    accounts = (
        User.objects.annotate(email_lower=Lower("email"), username_lower=Lower("username"))
        .filter(Q(email_lower__in=emails) | Q(username_lower__in=emails))
        .values_list("email_lower", "username_lower", "is_active")
    )
    problems = {}
    for email, username, active in accounts:
        problem = (
            _("An account with this address exists already.")
            if active
            else _("A deactivated account has this address: reactivate it from its page instead.")
        )
        problems.update({address: problem for address in (email, username) if address in emails})
    open_invitations = (
        Invitation.objects.open()
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
    for email in open_invitations:
        problems.setdefault(email, _("An invitation to this address is still open."))
    return problems


def validate(rows):
    """A ``Preview`` of every non-blank row: whom it invites, or its problems. Three queries, whatever the size."""
    roles = role_names()
    emails = {row.get("email", "").lower() for row in rows if row}
    codes = {code for row in rows if row for code in CODES.split(row.get("regency_codes", "")) if CODE.match(code)}
    in_use = _in_use(emails)
    regencies = Regency.objects.active().in_bulk(codes, field_name="code")
    seen, results = {}, []
    for index, cells in enumerate(rows):
        if cells is None:
            continue
        number = index + 2  # the header is row 1
        email = cells.get("email", "").lower()
        row = Row(number, email, name=cells.get("name", ""), organisation=cells.get("organisation", ""))
        results.append(row)
        errors = row.errors
        if EXTRA_CELLS in cells:
            errors.append(_("more cells than the header has columns (a separator in a value needs quotes)"))
        formulas = [
            name for name, value in cells.items() if isinstance(value, str) and value.startswith(FORMULA_STARTS)
        ]
        if formulas:
            errors.append(
                _("a cell starts like a spreadsheet formula (%(columns)s): remove the leading sign")
                % {"columns": ", ".join(formulas)}
            )
        if not email:
            errors.append(_("the email address is empty"))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(email)s” is not a valid email address") % {"email": email[:160]})
            else:
                if len(email) > 150:
                    errors.append(_("the email address is longer than 150 characters"))
                if email in seen:
                    errors.append(_("this address is also in row %(row)d") % {"row": seen[email]})
                elif email in in_use:
                    errors.append(in_use[email])
                seen.setdefault(email, number)
        role_text = cells.get("role", "")
        row.role = roles.get(role_text.lower())
        if row.role is None:
            errors.append(
                _("unknown role “%(role)s” (use %(roles)s)")
                % {"role": role_text[:60], "roles": ", ".join(role.value for role in Role)}
                if role_text
                else _("the role is empty")
            )
        elif row.role == Role.ADMIN:
            errors.append(
                _("ministry admins are not invited in bulk: invite each one on the invite page, with confirmation")
            )
        row_codes = list(dict.fromkeys(code for code in CODES.split(cells.get("regency_codes", "")) if code))
        unknown = [code[:20] for code in row_codes if code not in regencies]
        if unknown:
            errors.append(_("no regency/city in the register has the code %(codes)s") % {"codes": ", ".join(unknown)})
        row.regencies = [regencies[code] for code in row_codes if code in regencies]
        if len(row.organisation) > 200:
            errors.append(_("the organisation is longer than 200 characters"))
        if len(row.name) > 300:
            errors.append(_("the name is longer than 300 characters"))
        if row.role is not None and row.role != Role.ADMIN and not unknown:
            problems = services.role_problems(
                row.role, regencies=row.regencies, organisation=row.organisation, confirm_admin=False
            )
            errors.extend(str(problem) for problem in problems.values())
    return Preview(results)


def apply(actor, rows, expected_outcome):
    """Invite every valid row, if validation still gives what the preview showed; either all or none are invited.

    Returns the fresh ``Preview`` and whether the invitations were saved.
    """
    with transaction.atomic():
        preview = validate(rows)
        if preview.outcome() != expected_outcome:
            return preview, False
        try:
            with transaction.atomic():
                for row in preview.valid_rows:
                    services.invite(actor, row.email, row.role, regencies=row.regencies, organisation=row.organisation)
        except ValidationError:  # another admin invited one of the addresses since the validation just above
            return validate(rows), False
    return preview, True


def template_csv():
    """A file to start from: the header and one row per role that may be invited in bulk."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["andi@makassarkota.go.id", "officer", "Andi Pratama", "73.71", ""])
    writer.writerow(["sari@muaraenimkab.go.id", "officer", "Sari Wulandari", "16.03 73.71", ""])
    writer.writerow(["budi@kemendagri.go.id", "reviewer", "Budi Santoso", "", ""])
    writer.writerow(["dewi@example.ac.id", "partner", "Dewi Lestari", "", "Universitas Hasanuddin"])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
