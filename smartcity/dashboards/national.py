"""The ministry's national dashboard on any day: the report figures (``smartcity.reports.figures.snapshot``) for the
12 months up to that day, plus what a morning look needs: the forecast of the goal, the pipeline from MoU to
progress, what is at risk, and the latest activity. A fixed number of queries, whatever the data size."""

import datetime
import math

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from masterplans.choices import BimtekStage, PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent, Programme, ProgressUpdate
from masterplans.progress import owing
from mou.models import MoU, in_force
from smartcity.dashboards.charts import BarChart
from smartcity.evaluation import results
from smartcity.evaluation.models import BimtekSession
from smartcity.reports.evaluation import progress_section
from smartcity.reports.figures import Scope, local_midnight, percent, snapshot, status_then
from smartcity.reports.periods import quarter_ended_by
from smartcity.reports.sections import DATE, NUMBER, PERCENT, Column, Section, display, sections

WINDOW_DAYS = 365  # the recent signing pace is measured over this many days
AT_RISK_MONTHS = 6  # an MoU this old without an approved plan is at risk
REVIEW_WAIT_DAYS = 30  # a plan waiting this long for the ministry is at risk
ACTIVITY_ITEMS = 12
# Where each province sits on the tile grid (row, column): west to east, north to south, roughly as on a map.
TILES = {
    "11": (0, 0), "12": (0, 1), "21": (0, 3), "65": (0, 7), "71": (0, 10), "82": (0, 12),
    "13": (1, 1), "14": (1, 2), "61": (1, 5), "64": (1, 7), "75": (1, 9), "72": (1, 10), "96": (1, 12), "92": (1, 13),
    "17": (2, 1), "15": (2, 2), "19": (2, 3), "62": (2, 5), "63": (2, 6), "76": (2, 8), "73": (2, 9), "74": (2, 10),
    "81": (2, 12), "94": (2, 13),
    "16": (3, 2), "18": (3, 3), "91": (3, 12), "95": (3, 13),
    "36": (4, 3), "31": (4, 4), "32": (4, 5), "33": (4, 6), "35": (4, 7), "93": (4, 13),
    "34": (5, 6), "51": (5, 8), "52": (5, 9), "53": (5, 10),
}  # fmt: skip
SHADES = [0, 1, 3, 6, 11]  # lower bounds of the tile shades 0-4


def shade(count):
    return max(index for index, bound in enumerate(SHADES) if count >= bound)


PROVINCE_SORTS = {
    "code": lambda row: row["code"],
    "name": lambda row: row["name"],
    "-members": lambda row: (-row["members"], row["code"]),
    "-plans": lambda row: (-row["approved_plans"], row["code"]),
}


def build(as_of, sort="code", province=None):
    """Everything the dashboard shows on ``as_of``, nationally or for one ``province`` (its table then lists its
    regencies), as data and as sections (tables, charts, CSV)."""
    scope = Scope(province)
    quarter = quarter_ended_by(as_of)
    figures = snapshot(scope, as_of - datetime.timedelta(days=WINDOW_DAYS - 1), as_of, quarter, seen_until=as_of)
    end = local_midnight(as_of + datetime.timedelta(days=1))
    by_slug = {section.slug: section for section in sections(figures)}

    funnel = pipeline(scope, as_of, end, quarter)
    waiting = waiting_for_review(scope, end, as_of)
    overdue = overdue_updates(scope, end, quarter) if quarter.due().date < as_of else []
    # Plain values, not model instances: the result is cached, and must not carry user rows into the cache.
    activity = [
        {
            "when": event.created_at,
            "url": event.plan.get_absolute_url(),
            "regency": event.plan.regency.name,
            "version": event.plan.version,
            "code": event.action,
            "action": event.get_action_display(),
            "actor": (event.actor.get_full_name() or event.actor.get_username()) if event.actor else "",
        }
        for event in PlanEvent.objects.filter(scope.regencies("plan__"), created_at__lt=end)
        .select_related("plan__regency", "actor")
        .order_by("-created_at", "-pk")[:ACTIVITY_ITEMS]
    ]
    tables = {
        "cohorts": by_slug["cohorts"],
        "pipeline": pipeline_section(funnel),
        "bimtek": bimtek_section(funnel),
        "provinces": provinces_section(sorted(figures["table"], key=PROVINCE_SORTS[sort]), national=province is None),
        "programmes": by_slug["programmes"],
        "funding": by_slug["budget_funding"],
        "completeness": by_slug["completeness"],
        "no_plan": no_plan_section(figures["without_plan"]),
        "waiting": waiting_section(waiting, as_of),
        "overdue": overdue_section(overdue, quarter),
        "evaluation": progress_section(results.round_progress(as_of, province), by_regency=province is not None),
    }
    return {
        "figures": figures,
        "goals": [dict(goal, forecast=forecast(goal, figures, as_of)) for goal in figures["goals"]],
        "pace": round(len(figures["signed"]) * 30.44 / WINDOW_DAYS, 1),
        "tiles": tiles(figures["table"]) if province is None else [],
        "activity": activity,
        "sections": tables,
        "at_risk": [tables["no_plan"], tables["waiting"], tables["overdue"]],
        "charts": {
            "cohorts": BarChart(tables["cohorts"], label=0, value=2, target=1),
            "pipeline": BarChart(tables["pipeline"], label=0, value=1),
            "funding": BarChart(tables["funding"], label=0, value=3, target=2, style="muted"),
        },
    }


def forecast(goal, figures, as_of):
    """When the goal is reached at the pace of the last 12 months' signings; None without signings."""
    if goal["remaining"] == 0:
        return {"reached": True}
    signed = len(figures["signed"])
    if not signed:
        return None
    days = math.ceil(goal["remaining"] * WINDOW_DAYS / signed)
    return {"reached": False, "day": as_of + datetime.timedelta(days=days)}


def bimtek_key(stage):
    return f"bimtek_{stage}"


def pipeline(scope, as_of, end, quarter):
    """Members on ``as_of``, and how many of them had drafted, submitted and had approved a plan by then, had
    reported progress for ``quarter``, and had finished each bimtek stage by then: one aggregate."""
    events = PlanEvent.objects.filter(plan__regency=OuterRef("regency"), created_at__lt=end)
    updates = ProgressUpdate.objects.filter(
        programme__plan__regency=OuterRef("regency"), year=quarter.year, quarter=quarter.quarter, created_at__lt=end
    )
    bimtek = BimtekSession.objects.completed_by(as_of).filter(regency=OuterRef("regency"))

    def members(condition=None):
        return Count("regency", distinct=True, filter=condition)

    return MoU.objects.filter(scope.regencies(""), in_force(as_of)).aggregate(
        signed=members(),
        drafted=members(Q(Exists(events))),
        submitted=members(Q(Exists(events.filter(action=PlanAction.SUBMITTED)))),
        approved=members(Q(Exists(events.filter(action=PlanAction.APPROVED)))),
        reporting=members(Q(Exists(updates))),
        **{bimtek_key(stage): members(Q(Exists(bimtek.filter(stage=stage)))) for stage in BimtekStage.values},
    )


def waiting_for_review(scope, end, as_of):
    """Plans that were with the ministry on ``as_of`` and had been submitted over ``REVIEW_WAIT_DAYS`` before."""
    submitted = PlanEvent.objects.filter(plan=OuterRef("pk"), action=PlanAction.SUBMITTED, created_at__lt=end)
    return list(
        MasterPlan.objects.filter(scope.regencies(""))
        .annotate(
            status_then=status_then(end),
            submitted_then=Subquery(submitted.order_by("-created_at").values("created_at")[:1]),
        )
        .filter(
            status_then__in=[PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW],
            submitted_then__lt=local_midnight(as_of - datetime.timedelta(days=REVIEW_WAIT_DAYS)),
        )
        .select_related("regency__province")
        .order_by("submitted_then")
    )


def overdue_updates(scope, end, quarter):
    """Per plan in force, the programmes that owed an update for ``quarter`` and had none by ``end``; a plan approved
    on or after the due day owed none by then (its programmes are not reported, not overdue)."""
    in_force_plans = (
        MasterPlan.objects.filter(scope.regencies(""), owing(quarter))
        .annotate(status_then=status_then(end))
        .filter(status_then=PlanStatus.APPROVED)
    )
    reported = ProgressUpdate.objects.filter(
        programme=OuterRef("pk"), year=quarter.year, quarter=quarter.quarter, created_at__lt=end
    )
    return list(
        Programme.objects.filter(
            plan__in=in_force_plans.values("pk"), start_year__lte=quarter.year, end_year__gte=quarter.year
        )
        .filter(~Exists(reported))
        .values("plan_id", "plan__regency__code", "plan__regency__name", "plan__regency__province__name")
        .annotate(missing=Count("pk"))
        .order_by("-missing", "plan__regency__code")
    )


def tiles(table):
    """The provinces on the tile grid, each with its shade by members and by plans in force."""
    return [
        dict(row, row_index=TILES[row["code"]][0] + 1, column=TILES[row["code"]][1] + 1)
        | {"member_shade": shade(row["members"]), "plan_shade": shade(row["approved_plans"])}
        for row in table
        if row["code"] in TILES
    ]


def pipeline_section(funnel):
    steps = [
        ("signed", _("MoU signed")),
        ("drafted", _("Plan drafted")),
        ("submitted", _("Plan submitted")),
        ("approved", _("Plan approved")),
        ("reporting", _("Reporting progress")),
    ]
    rows, previous = [], None
    for key, label in steps:
        rows.append([label, funnel[key], percent(funnel[key], previous) if previous is not None else None])
        previous = funnel[key]
    return Section(
        "pipeline",
        _("From MoU to progress"),
        [Column(_("Step")), Column(_("Regencies/cities"), NUMBER), Column(_("Of the step before"), PERCENT)],
        rows,
        note=_("Members on the day, and how many of them had reached each step by then."),
    )


def bimtek_section(funnel):
    """How many of the members on the day had finished each stage of technical guidance (bimtek) by then."""
    return Section(
        "bimtek",
        _("Technical guidance (bimtek) finished"),
        [Column(_("Stage")), Column(_("Regencies/cities"), NUMBER), Column(_("Of the members"), PERCENT)],
        [
            [str(stage.label), funnel[bimtek_key(stage)], percent(funnel[bimtek_key(stage)], funnel["signed"])]
            for stage in BimtekStage
        ],
        note=_("Members on the day that had finished each stage by then (its last day on or before the day)."),
    )


def provinces_section(table, national=True):
    return Section(
        "provinces",
        _("Members and plans per province") if national else _("Members and plans per regency/city"),
        [
            Column(_("Code")),
            Column(_("Province") if national else _("Regency/city")),
            Column(_("Members"), NUMBER),
            Column(_("Plans in force"), NUMBER),
            Column(_("Without an approved plan"), NUMBER),
            Column(_("Physical progress"), PERCENT),
        ],
        [
            [row["code"], row["name"], row["members"], row["approved_plans"], row["without_plan"], row["physical"]]
            for row in table
        ],
    )


def no_plan_section(without_plan):
    return Section(
        "no_plan",
        _("MoU signed over six months ago, no approved plan"),
        [
            Column(_("Code")),
            Column(_("Regency/city")),
            Column(_("Province")),
            Column(_("MoU signed on"), DATE),
            Column(_("Months since the MoU"), NUMBER),
        ],
        [
            [row["regency_code"], row["regency"], row["province"], row["signed_on"], row["months"]]
            for row in without_plan
            if row["months"] >= AT_RISK_MONTHS
        ],
    )


def waiting_section(plans, as_of):
    return Section(
        "waiting",
        _("Plans waiting for review over 30 days"),
        [
            Column(_("Code")),
            Column(_("Regency/city")),
            Column(_("Province")),
            Column(_("Submitted"), DATE),
            Column(_("Days waiting"), NUMBER),
        ],
        [
            [plan.regency.code, plan.regency.name, plan.regency.province.name, submitted, (as_of - submitted).days]
            for plan, submitted in ((plan, timezone.localtime(plan.submitted_then).date()) for plan in plans)
        ],
    )


def overdue_section(rows, quarter):
    return Section(
        "overdue",
        _("Progress updates overdue for %(quarter)s") % {"quarter": quarter.label},
        [Column(_("Code")), Column(_("Regency/city")), Column(_("Province")), Column(_("Programmes missing"), NUMBER)],
        [
            [row["plan__regency__code"], row["plan__regency__name"], row["plan__regency__province__name"]]
            + [row["missing"]]
            for row in rows
        ],
        note=_("Updates were due on %(due)s.") % {"due": display(quarter.due().date, DATE)},
    )
