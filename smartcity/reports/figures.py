"""The figures of a progress report, each an SQL aggregate over the scope (the nation or one province).

Every figure reads the records as they stood at the end of the period (or today, for a period still running): an
MoU in force then, a plan's status then (from its workflow events), the progress updates of the latest quarter
that had ended. The number of queries is fixed: tables grouped by province (or by regency, for a province report)
come from grouped queries, never one query per row.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from masterplans.choices import EvidenceStatus, PlanAction, PlanStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme
from masterplans.progress import owing
from mou.models import Cohort, Goal, MoU, in_force
from regencies.models import Province, Regency
from smartcity.evaluation import results
from smartcity.reports.choices import NATIONAL

FIGURES_VERSION = 1


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def months_between(earlier, later):
    """Whole months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def percent(part, whole, places="0.1"):
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places)))


class Scope:
    """The rows a report covers, and what its table is grouped by: provinces nationally, regencies in a province."""

    def __init__(self, province=None):
        self.province = province

    @property
    def key(self):
        return self.province.code if self.province else NATIONAL

    def regencies(self, prefix):
        """A Q for records whose regency (reached through ``prefix``) lies in the scope."""
        return Q(**{f"{prefix}regency__province": self.province}) if self.province else Q()

    def group(self, prefix):
        """The field that a row of the scope's table groups by, reached through ``prefix``."""
        return f"{prefix}regency__province__code" if self.province is None else f"{prefix}regency__code"

    def rows(self):
        """The rows of the table, in code order: every province, or every regency of the province. Inactive ones
        too: the register keeps a dropped regency only while records point to it, and then its figures count."""
        if self.province is None:
            return list(Province.objects.order_by("code").values("code", "name"))
        return list(Regency.objects.filter(province=self.province).order_by("code").values("code", "name"))


def status_then(end):
    """A plan's status at ``end``: the status its last workflow event before then moved it to."""
    events = PlanEvent.objects.filter(plan=OuterRef("pk"), created_at__lt=end).order_by("-created_at", "-pk")
    return Subquery(events.values("to_status")[:1])


def compute(scope, period, today=None):
    """The report's figures as plain JSON-ready data (no labels: the page and the files add them per language).

    Progress updates are read as they are on the day the report is made: those of a quarter come in after it
    ends, up to and past their due date."""
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    figures = snapshot(scope, period.start, as_of, period.progress_quarter(), seen_until=today)
    figures["period"] = {
        "key": period.key,
        "kind": period.kind,
        "start": period.start.isoformat(),
        "end": as_of.isoformat(),
    }
    figures["complete_period"] = as_of == period.end
    figures["evaluation"] = results.published_summary(as_of, scope.province)
    if figures["evaluation"] and figures["evaluation"]["is_demo"]:
        figures["has_demo"] = True
    return figures


def snapshot(scope, first_day, as_of, quarter, seen_until):
    """The figures on ``as_of``: what was in force then, what happened from ``first_day``, and the progress updates
    of ``quarter`` made by ``seen_until`` (counted missing once their due date is before it). Reports and dashboards
    (which see updates up to their own day) alike."""
    start, end = local_midnight(first_day), local_midnight(as_of + datetime.timedelta(days=1))
    seen_end = local_midnight(seen_until + datetime.timedelta(days=1))
    due = quarter.due()
    due_end = local_midnight(due.date + datetime.timedelta(days=1))

    mous = MoU.objects.filter(scope.regencies(""))
    members = mous.aggregate(
        real=Count("regency", distinct=True, filter=in_force(as_of) & Q(is_demo=False)),
        demo=Count("regency", distinct=True, filter=in_force(as_of) & Q(is_demo=True)),
    )
    members["total"] = members["real"] + members["demo"]

    cohort_members = in_force(as_of, "mous__") & scope.regencies("mous__")
    cohorts = [
        {"year": cohort.year, "label": cohort.label, "target": cohort.target, "members": cohort.members}
        for cohort in Cohort.objects.filter(year__lte=as_of.year).annotate(
            members=Count("mous__regency", distinct=True, filter=cohort_members)
        )
    ]
    goals = [
        {
            "name": goal.name,
            "target": goal.target,
            "deadline_year": goal.deadline_year,
            "percent": percent(members["total"], goal.target),
            "remaining": max(0, goal.target - members["total"]),
        }
        for goal in (Goal.objects.filter(is_active=True) if scope.province is None else [])
    ]

    signed = [
        {
            "regency_code": mou.regency.code,
            "regency": mou.regency.name,
            "province": mou.regency.province.name,
            "cohort": mou.cohort.year,
            "signed_on": mou.signed_on.isoformat(),
            "is_demo": mou.is_demo,
        }
        for mou in mous.filter(signed_on__gte=first_day, signed_on__lte=as_of)
        .select_related("regency__province", "cohort")
        .order_by("signed_on", "regency__code")
    ]

    plans = MasterPlan.objects.filter(scope.regencies("")).annotate(status_then=status_then(end))
    plans_by_status = dict.fromkeys(PlanStatus.values, 0)
    plan_demo = 0
    for row in plans.filter(status_then__isnull=False).values("status_then", "is_demo").annotate(n=Count("pk")):
        plans_by_status[row["status_then"]] += row["n"]
        plan_demo += row["n"] if row["is_demo"] else 0

    approvals = PlanEvent.objects.filter(
        scope.regencies("plan__"), action=PlanAction.APPROVED, created_at__gte=start, created_at__lt=end
    )
    approved = [
        {
            "regency_code": event.plan.regency.code,
            "regency": event.plan.regency.name,
            "province": event.plan.regency.province.name,
            "version": event.plan.version,
            "approved_on": timezone.localtime(event.created_at).date().isoformat(),
            "is_demo": event.plan.is_demo,
        }
        for event in approvals.select_related("plan__regency__province").order_by("created_at", "pk")
    ]

    ever_approved = PlanEvent.objects.filter(
        plan__regency=OuterRef("regency"), action=PlanAction.APPROVED, created_at__lt=end
    )
    without_plan = [
        {
            "regency_code": mou.regency.code,
            "regency": mou.regency.name,
            "province": mou.regency.province.name,
            "cohort": mou.cohort.year,
            "signed_on": mou.signed_on.isoformat(),
            "months": months_between(mou.signed_on, as_of),
            "is_demo": mou.is_demo,
        }
        for mou in mous.filter(in_force(as_of))
        .filter(~Exists(ever_approved))
        .select_related("regency__province", "cohort")
        .order_by("signed_on", "regency__code")
    ]

    # The programmes of the plans in force at the end of the period, each with its update for the quarter, if any.
    in_force_plans = plans.filter(status_then=PlanStatus.APPROVED).values("pk")
    programmes = Programme.objects.filter(plan__in=in_force_plans).annotate(
        report=FilteredRelation(
            "progress_updates",
            condition=Q(
                progress_updates__year=quarter.year,
                progress_updates__quarter=quarter.quarter,
                progress_updates__created_at__lt=seen_end,
            ),
        )
    )
    runs = Q(start_year__lte=quarter.year, end_year__gte=quarter.year)
    # An update counts late only for a plan approved before its due day; for one approved later it is on time.
    late = Q(report__created_at__gte=due_end) & owing(quarter, "plan__")
    weighted = ExpressionWrapper(
        F("report__physical_percent") * F("budget"), output_field=DecimalField(max_digits=30, decimal_places=2)
    )
    measures = {
        "programmes": Count("pk"),
        "spent": Sum("report__spent", default=0),
        "reported": Count("report"),
        "reported_budget": Sum("budget", filter=Q(report__isnull=False), default=0),
        "weighted": Sum(weighted, default=0),
        "physical_sum": Sum("report__physical_percent", default=0),
        "due": Count("pk", filter=runs),
        "on_time": Count("report", filter=runs & ~late),
        "late": Count("report", filter=runs & late),
        # The ministry's check of the updates' evidence files (updates without a file are in none of them).
        **{
            f"evidence_{status}": Count("report", filter=Q(report__evidence_status=status) & ~Q(report__evidence=""))
            for status in EvidenceStatus.values
        },
        # Last: once an aggregate is named "budget", later expressions would read it instead of the field.
        "budget": Sum("budget", default=0),
    }

    def finish(row):
        """Ratios of a row of sums, and the updates still missing once the due date has passed."""
        row["physical"] = (
            percent(row["weighted"], row["reported_budget"] * 100)
            if row["reported_budget"]
            else percent(row["physical_sum"], row["reported"] * 100)
        )
        row["financial"] = percent(row["spent"], row["reported_budget"])
        row["missing"] = max(0, row["due"] - row["on_time"] - row["late"]) if due.date < seen_until else None
        del row["weighted"], row["physical_sum"]
        return row

    # One grouped query; the totals, the dimension, funding and table figures are sums of its rows.
    group = scope.group("plan__")
    grouped = list(
        programmes.values(group, "dimension__code", "horizon", "funding_source").annotate(**measures).order_by()
    )

    def sums(key):
        """The measures summed over ``grouped`` by ``key(row)``, each sum finished with its ratios."""
        result = {}
        for row in grouped:
            total = result.setdefault(key(row), dict.fromkeys(measures, 0))
            for name in measures:
                total[name] += row[name]
        return {name: finish(total) for name, total in result.items()}

    totals = sums(lambda row: None).get(None) or finish(dict.fromkeys(measures, 0))
    by_dimension = sums(lambda row: (row["dimension__code"], row["horizon"]))
    dimensions = []
    for dimension in Dimension.objects.order_by("order", "pk"):
        rows = {horizon: row for (code, horizon), row in sorted(by_dimension.items()) if code == dimension.code}
        dimensions.append(
            {
                "code": dimension.code,
                "name_id": dimension.name_id,
                "name_en": dimension.name_en,
                "programmes": sum(row["programmes"] for row in rows.values()),
                "budget": sum(row["budget"] for row in rows.values()),
                "spent": sum(row["spent"] for row in rows.values()),
                "horizons": {horizon: row["programmes"] for horizon, row in rows.items()},
            }
        )
    funding = [dict(row, source=source) for source, row in sorted(sums(lambda row: row["funding_source"]).items())]
    by_group = sums(lambda row: row[group])

    table = table_rows(
        scope, as_of, start, end, mous, plans, by_group, finish(dict.fromkeys(measures, 0)), without_plan
    )
    return {
        "version": FIGURES_VERSION,
        "scope": {"key": scope.key, "name": scope.province.name if scope.province else None},
        "generated_at": timezone.now().isoformat(),
        "has_demo": bool(members["demo"] or plan_demo or any(row["is_demo"] for row in signed)),
        "members": members,
        "goals": goals,
        "cohorts": cohorts,
        "signed": signed,
        "plans_by_status": plans_by_status,
        "approved": approved,
        "without_plan": without_plan,
        "quarter": {
            "key": str(quarter),
            "year": quarter.year,
            "quarter": quarter.quarter,
            "due": due.date.isoformat(),
            "due_passed": due.date < seen_until,
        },
        "dimensions": dimensions,
        "funding": funding,
        "totals": totals,
        "table": table,
    }


def table_rows(scope, as_of, start, end, mous, plans, programme_figures, no_programmes, without_plan):
    """The per-province (or per-regency) table: one grouped query per measure, merged by the row's code, with the
    programme figures already summed by it."""
    rows = {row["code"]: dict(row, members=0, signed=0, approved_plans=0, without_plan=0) for row in scope.rows()}
    group = scope.group("")
    for row in mous.filter(in_force(as_of)).values(group).annotate(n=Count("regency", distinct=True)).order_by():
        rows[row[group]]["members"] = row["n"]
    for row in (
        mous.filter(signed_on__gte=start.date(), signed_on__lt=end.date())
        .values(group)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows[row[group]]["signed"] = row["n"]
    for row in plans.filter(status_then=PlanStatus.APPROVED).values(group).annotate(n=Count("pk")).order_by():
        rows[row[group]]["approved_plans"] = row["n"]
    for item in without_plan:
        code = item["regency_code"] if scope.province else item["regency_code"][:2]
        rows[code]["without_plan"] += 1
    for code, row in rows.items():
        row.update(programme_figures.get(code, no_programmes))
    return list(rows.values())
