"""A report's figures as titled tables in the active language: what the page, the CSV, the XLSX and the PDF show.

Each cell keeps its value and its kind (a number, rupiah, a percentage, a date, text), so the page and the CSV
print it in Indonesian (or English) form while the XLSX stores real numbers and dates with a number format.
"""

import datetime
from dataclasses import dataclass, field

import lokal
from django.utils import formats
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from masterplans.choices import EvidenceStatus, FundingSource, Horizon, PlanStatus
from masterplans.schedule import Quarter
from smartcity.evaluation.choices import PartKind

TEXT, NUMBER, MONEY, PERCENT, DATE = "text", "number", "money", "percent", "date"
SCORE = "score"  # a score from 0 to 100 with two decimals: an achievement index or one of its parts
EVIDENCE_COLUMNS = [EvidenceStatus.VERIFIED, EvidenceStatus.REJECTED, EvidenceStatus.PENDING]


@dataclass(frozen=True)
class Cell:
    """A value with a kind of its own, in a column whose rows differ (the summary's figures)."""

    value: object
    kind: str


@dataclass
class Column:
    title: str
    kind: str = TEXT


@dataclass
class Section:
    slug: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    note: str = ""

    def cells(self):
        """Each row as (value, kind) pairs, dates parsed."""
        for row in self.rows:
            yield [typed(value, column.kind) for value, column in zip(row, self.columns, strict=True)]

    def displayed(self):
        """Each row as the strings the CSV and the PDF show."""
        for row in self.cells():
            yield [display(value, kind) for value, kind in row]

    def rendered(self):
        """Each row for the page: the string, and whether it is a figure (aligned right)."""
        for row in self.cells():
            yield [(display(value, kind), kind != TEXT) for value, kind in row]


def typed(value, kind):
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if kind == DATE and isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    elif kind == TEXT and value is not None:
        value = display(value, TEXT)  # labels (lazy translations) and yes/no, as text in the active language
    return value, kind


def display(value, kind):
    """A value as people read it in the active language: ``1.234``, ``Rp1.500.000``, ``45,5%``, ``8 Mei 2018``."""
    if value is None:
        return "—"
    if kind == NUMBER:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if kind == MONEY:
        return lokal.format_rupiah(value)
    if kind == PERCENT:
        return f"{formats.number_format(value, 1, use_l10n=True, force_grouping=True)}%"
    if kind == SCORE:
        return formats.number_format(value, 2, use_l10n=True)
    if kind == DATE:
        return formats.date_format(value, "j F Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def dimension_name(dimension):
    return dimension["name_en"] if get_language() == "en" else dimension["name_id"]


def quarter_label(figures):
    return str(Quarter(figures["quarter"]["year"], figures["quarter"]["quarter"]).label)


def sections(figures):
    """The report's sections, in order, for the active language."""
    national = figures["scope"]["key"] == "national"
    totals = figures["totals"]
    members = figures["members"]
    quarter = quarter_label(figures)
    due = datetime.date.fromisoformat(figures["quarter"]["due"])
    result = [
        Section(
            "summary",
            _("Summary"),
            [Column(_("Figure")), Column(_("Value"))],
            [
                [_("Members"), Cell(members["total"], NUMBER)],
                [_("of which demo"), Cell(members["demo"], NUMBER)],
                [_("MoUs signed in the period"), Cell(len(figures["signed"]), NUMBER)],
                [_("Plans approved in the period"), Cell(len(figures["approved"]), NUMBER)],
                [_("Plans in force"), Cell(figures["plans_by_status"][PlanStatus.APPROVED], NUMBER)],
                [_("Members without an approved plan"), Cell(len(figures["without_plan"]), NUMBER)],
                [_("Programmes in plans in force"), Cell(totals["programmes"], NUMBER)],
                [_("Planned budget"), Cell(totals["budget"], MONEY)],
                [_("Money spent (%(quarter)s)") % {"quarter": quarter}, Cell(totals["spent"], MONEY)],
                [_("Physical progress (%(quarter)s)") % {"quarter": quarter}, Cell(totals["physical"], PERCENT)],
                [_("Financial progress (%(quarter)s)") % {"quarter": quarter}, Cell(totals["financial"], PERCENT)],
            ],
        )
    ]
    if national:
        result.append(
            Section(
                "goals",
                _("Members against the goal"),
                [
                    Column(_("Goal")),
                    Column(_("Target"), NUMBER),
                    Column(_("Members"), NUMBER),
                    Column(_("Reached"), PERCENT),
                    Column(_("Still to go"), NUMBER),
                ],
                [
                    [goal["name"], goal["target"], members["total"], goal["percent"], goal["remaining"]]
                    for goal in figures["goals"]
                ],
            )
        )
    result += [
        Section(
            "cohorts",
            _("Members per cohort"),
            [
                Column(_("Cohort")),
                Column(_("Target"), NUMBER),
                Column(_("Members"), NUMBER),
                Column(_("Against target"), PERCENT),
            ],
            [
                [
                    cohort["label"] or str(cohort["year"]),
                    cohort["target"],
                    cohort["members"],
                    round(100 * cohort["members"] / cohort["target"], 1) if cohort["target"] else None,
                ]
                for cohort in figures["cohorts"]
            ],
            note="" if national else _("Cohort targets are national; the members are this province's."),
        ),
        Section(
            "signed",
            _("MoUs signed in the period"),
            [
                Column(_("Code")),
                Column(_("Regency/city")),
                Column(_("Province")),
                Column(_("Cohort")),
                Column(_("Signed on"), DATE),
                Column(_("Demo")),
            ],
            [
                [row["regency_code"], row["regency"], row["province"], str(row["cohort"]), row["signed_on"]]
                + [row["is_demo"]]
                for row in figures["signed"]
            ],
        ),
        Section(
            "plans",
            _("Master plans by status"),
            [Column(_("Status")), Column(_("Plans"), NUMBER)],
            [[PlanStatus(status).label, count] for status, count in figures["plans_by_status"].items()],
            note=_("Each plan's status at the end of the period."),
        ),
        Section(
            "approved",
            _("Plans approved in the period"),
            [
                Column(_("Code")),
                Column(_("Regency/city")),
                Column(_("Province")),
                Column(_("Version"), NUMBER),
                Column(_("Approved on"), DATE),
            ],
            [
                [row["regency_code"], row["regency"], row["province"], row["version"], row["approved_on"]]
                for row in figures["approved"]
            ],
        ),
        Section(
            "without_plan",
            _("Members without an approved plan"),
            [
                Column(_("Code")),
                Column(_("Regency/city")),
                Column(_("Province")),
                Column(_("Cohort")),
                Column(_("MoU signed on"), DATE),
                Column(_("Months since the MoU"), NUMBER),
            ],
            [
                [row["regency_code"], row["regency"], row["province"], str(row["cohort"]), row["signed_on"]]
                + [row["months"]]
                for row in figures["without_plan"]
            ],
        ),
        Section(
            "programmes",
            _("Programmes by dimension and horizon"),
            [Column(_("Dimension"))]
            + [Column(str(label), NUMBER) for label in Horizon.labels]
            + [Column(_("Total"), NUMBER)],
            [
                [dimension_name(dimension)]
                + [dimension["horizons"].get(horizon, 0) for horizon in Horizon.values]
                + [dimension["programmes"]]
                for dimension in figures["dimensions"]
            ],
            note=_("Programmes of the plans in force at the end of the period."),
        ),
        Section(
            "budget_dimension",
            _("Budget and spending by dimension"),
            budget_columns(_("Dimension")),
            [
                [dimension_name(row), row["programmes"], row["budget"], row["spent"], spent_share(row)]
                for row in figures["dimensions"]
            ],
            note=_("Money spent as reported for %(quarter)s.") % {"quarter": quarter},
        ),
        Section(
            "budget_funding",
            _("Budget and spending by funding source"),
            budget_columns(_("Funding source")),
            [
                [FundingSource(row["source"]).label, row["programmes"], row["budget"], row["spent"], spent_share(row)]
                for row in figures["funding"]
            ],
        ),
        Section(
            "completeness",
            _("Progress updates for %(quarter)s") % {"quarter": quarter},
            [
                Column(_("Due"), NUMBER),
                Column(_("On time"), NUMBER),
                Column(_("Late"), NUMBER),
                Column(_("Missing"), NUMBER),
                Column(_("Physical progress"), PERCENT),
                Column(_("Financial progress"), PERCENT),
                Column(_("Evidence verified"), NUMBER),
                Column(_("Evidence rejected"), NUMBER),
                Column(_("Evidence not yet checked"), NUMBER),
            ],
            [
                [
                    totals["due"],
                    totals["on_time"],
                    totals["late"],
                    totals["missing"],
                    totals["physical"],
                    totals["financial"],
                ]
                # Reports kept from before the evidence checks have no such counts: "—".
                + [totals.get(f"evidence_{status}") for status in EVIDENCE_COLUMNS]
            ],
            note=_(
                "Updates were due on %(due)s. Physical progress is the budget-weighted mean of the programmes that "
                "reported; programmes without an update are left out, not counted as zero."
            )
            % {"due": display(due, DATE)}
            if figures["quarter"]["due_passed"]
            else _("Updates are due on %(due)s, so none is missing yet.") % {"due": display(due, DATE)},
        ),
        Section(
            "table",
            _("Per province") if national else _("Per regency/city"),
            [
                Column(_("Code")),
                Column(_("Province") if national else _("Regency/city")),
                Column(_("Members"), NUMBER),
                Column(_("MoUs signed"), NUMBER),
                Column(_("Plans in force"), NUMBER),
                Column(_("Without an approved plan"), NUMBER),
                Column(_("Programmes"), NUMBER),
                Column(_("Planned budget"), MONEY),
                Column(_("Money spent"), MONEY),
                Column(_("Updates due"), NUMBER),
                Column(_("Missing"), NUMBER),
                Column(_("Physical progress"), PERCENT),
            ],
            [
                [row["code"], row["name"], row["members"], row["signed"], row["approved_plans"], row["without_plan"]]
                + [row["programmes"], row["budget"], row["spent"], row["due"], row["missing"], row["physical"]]
                for row in figures["table"]
            ],
        ),
    ]
    if figures.get("evaluation"):  # reports made before the yearly evaluation have no such figures
        result.append(evaluation_section(figures["evaluation"], national))
    return result


def evaluation_section(evaluation, national=True):
    """The latest published evaluation round in the report's scope: its mean index per province (or regency/city),
    and in the note the mean of each part."""
    parts = ", ".join(f"{PartKind(part['kind']).label} {display(part['mean'], SCORE)}" for part in evaluation["parts"])
    rows = [
        [row["code"], row["name"], row["scored"], row["mean_index"], row["best_index"]] for row in evaluation["rows"]
    ]
    rows.append(["", _("All"), evaluation["scored"], evaluation["mean_index"], evaluation["best_index"]])
    title = _("Achievement index %(year)s") % {"year": evaluation["year"]}
    return Section(
        "evaluation",
        f"{title} ({_('demo data')})" if evaluation["is_demo"] else title,
        [
            Column(_("Code")),
            Column(_("Province") if national else _("Regency/city")),
            Column(_("Members scored"), NUMBER),
            Column(_("Mean index"), SCORE),
            Column(_("Best index"), SCORE),
        ],
        rows,
        note=_(
            "The latest evaluation round published by the end of the period, weighting %(weighting)s; mean parts: "
            "%(parts)s."
        )
        % {"weighting": evaluation["weighting"], "parts": parts},
    )


def budget_columns(first):
    return [
        Column(first),
        Column(_("Programmes"), NUMBER),
        Column(_("Planned budget"), MONEY),
        Column(_("Money spent"), MONEY),
        Column(pgettext("share of the budget", "Spent"), PERCENT),
    ]


def spent_share(row):
    return round(100 * row["spent"] / row["budget"], 1) if row["budget"] else None


def title(report):
    """The report's title in the active language, e.g. "Laporan kemajuan nasional – Oktober 2026"."""
    if report.province_id:
        return _("Progress report %(province)s – %(period)s") % {
            "province": report.province.name,
            "period": report.period.label,
        }
    return _("National progress report – %(period)s") % {"period": report.period.label}
