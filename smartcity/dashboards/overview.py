"""Figures for the public programme overview on any past day, each an SQL aggregate.

Demo members are always counted apart from real ones, so the page can mark them, or leave them out. The page is
public: it names regencies, provinces and plans, never people (no officer, reviewer or signatory, no comment).
"""

import datetime

from django.db.models import BigIntegerField, Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent, Programme
from mou.models import Cohort, Goal, MoU, member_count_expressions
from regencies.models import Province
from smartcity.dashboards.charts import BarChart
from smartcity.evaluation import results
from smartcity.reports.evaluation import results_section
from smartcity.reports.figures import local_midnight, status_then
from smartcity.reports.sections import DATE, MONEY, NUMBER, PERCENT, Column, Section

LATEST_SIGNINGS = 10
PROVINCE_ORDER = {"-members": ["-members", "code"], "name": ["name"], "code": ["code"]}


def overview(day, include_demo=True, province_sort="-members"):
    members = MoU.objects.member_counts(day)
    if not include_demo:
        members["demo"] = 0
    members["total"] = members["real"] + members["demo"]
    counted = F("real") + F("demo") if include_demo else F("real")

    goals = []
    for goal in Goal.objects.filter(is_active=True):
        real_percent = min(100.0, 100 * members["real"] / goal.target)
        goals.append(
            {
                "goal": goal,
                "real_percent": real_percent,
                "demo_percent": min(100.0 - real_percent, 100 * members["demo"] / goal.target),
                "remaining": max(0, goal.target - members["total"]),
            }
        )

    cohorts = (
        Cohort.objects.filter(year__lte=day.year)
        .annotate(**member_count_expressions(day, "mous__"))
        .annotate(members=counted)
    )
    provinces = (
        Province.objects.annotate(**member_count_expressions(day, "regencies__mous__"))
        .annotate(members=counted)
        .order_by(*PROVINCE_ORDER[province_sort])
    )
    latest = MoU.objects.filter(signed_on__lte=day).select_related("regency__province", "cohort", "event")
    if not include_demo:
        latest = latest.filter(is_demo=False)
    return {
        "day": day,
        "members": members,
        "goals": goals,
        "cohorts": list(cohorts),
        "provinces": list(provinces),
        "latest": list(latest.order_by("-signed_on", "regency__code")[:LATEST_SIGNINGS]),
    }


def public_overview(day, include_demo=True, province_sort="-members"):
    """The overview's figures, the master plans in force on ``day`` and the latest evaluation round published by
    then with its ranking: what the public page shows."""
    plans = plans_in_force(day)
    if not include_demo:
        plans = plans.filter(is_demo=False)
    evaluation = results.latest_round(day, include_demo)
    return overview(day, include_demo, province_sort) | {
        "plans": list(plans),
        "evaluation": evaluation,
        "evaluation_scores": list(results.ranked_scores(evaluation)) if evaluation else [],
    }


def plans_in_force(day):
    """The master plans in force at the end of ``day`` (approved then, by their workflow events), each with the day
    it was approved, its number of programmes and its total planned budget: one query."""
    end = local_midnight(day + datetime.timedelta(days=1))
    approvals = PlanEvent.objects.filter(plan=OuterRef("pk"), action=PlanAction.APPROVED, created_at__lt=end)
    programmes = Programme.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    return (
        MasterPlan.objects.annotate(status_then=status_then(end))
        .filter(status_then=PlanStatus.APPROVED)
        .annotate(
            approved_at=Subquery(approvals.order_by("-created_at", "-pk").values("created_at")[:1]),
            programme_count=Coalesce(
                Subquery(programmes.annotate(n=Count("pk")).values("n")), Value(0), output_field=IntegerField()
            ),
            budget_total=Coalesce(
                Subquery(programmes.annotate(total=Sum("budget")).values("total")),
                Value(0),
                output_field=BigIntegerField(),
            ),
        )
        .select_related("regency__province")
        .order_by("regency__code", "version")
    )


def sections(figures, include_demo=True):
    """The overview's tables, in the active language: what the page shows and what ``?export=<slug>`` downloads."""
    demo = [Column(_("of which demo"), NUMBER)] if include_demo else []
    cohorts = Section(
        "cohorts",
        _("Members per cohort"),
        [Column(_("Cohort")), Column(_("Target"), NUMBER), Column(_("Members"), NUMBER), *demo]
        + [Column(_("Against target"), PERCENT)],
        [
            [cohort.label or str(cohort.year), cohort.target, cohort.members]
            + ([cohort.demo] if include_demo else [])
            + [round(100 * cohort.members / cohort.target, 1) if cohort.target else None]
            for cohort in figures["cohorts"]
        ],
    )
    provinces = Section(
        "provinces",
        _("Members per province"),
        [Column(_("Code")), Column(_("Province")), Column(_("Members"), NUMBER), *demo],
        [
            [province.code, province.name, province.members] + ([province.demo] if include_demo else [])
            for province in figures["provinces"]
        ],
    )
    plans = Section(
        "plans",
        _("Master plans in force"),
        [
            Column(_("Code")),
            Column(_("Regency/city")),
            Column(_("Province")),
            Column(_("Version"), NUMBER),
            Column(_("Approved on"), DATE),
            Column(_("Period")),
            Column(_("Programmes"), NUMBER),
            Column(_("Planned budget"), MONEY),
        ]
        + ([Column(_("Demo"))] if include_demo else []),
        [
            [plan.regency.code, plan.regency.name, plan.regency.province.name, plan.version, approved_on(plan)]
            + [period(plan), plan.programme_count, plan.budget_total]
            + ([plan.is_demo] if include_demo else [])
            for plan in figures["plans"]
        ],
        note=_("Plans approved by the ministry and in force on the day; the budget is the sum of their programmes'."),
    )
    tables = [cohorts, provinces, plans]
    if "evaluation" in figures:
        tables.append(results_section(figures["evaluation"], figures["evaluation_scores"]))
    return {section.slug: section for section in tables}


def cohort_chart(section):
    return BarChart(section, label=0, value=2, target=1)


def approved_on(plan):
    return timezone.localtime(plan.approved_at).date() if plan.approved_at else None


def period(plan):
    return f"{plan.start_year}–{plan.end_year}"
