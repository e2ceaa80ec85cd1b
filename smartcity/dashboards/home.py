"""What the home page shows a signed-in user, by role: a reviewer's queue, an officer's regencies and what to do
next, the ministry's key figures. Visitors and roles without a panel get the public home.

Each panel runs a fixed number of SQL queries whatever the data size: counts are aggregates, lists are capped or
bounded (a regency has at most one working and one approved plan), and rows of many plans come in one query.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from masterplans.choices import EDITABLE_STATUSES, REVIEW_QUEUE_STATUSES, WORKING_STATUSES, PlanAction, PlanStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate, officer_regency_ids
from masterplans.progress import owes_update, reportable_quarters
from masterplans.schedule import Quarter
from masterplans.services import can_review, completeness_problems
from mou.choices import MoUStatus
from mou.models import Goal, MoU, in_force, member_count_expressions
from regencies.models import Regency
from smartcity.evaluation import services as evaluation_services
from smartcity.evaluation.choices import AssessmentStatus, RoundStatus
from smartcity.evaluation.models import Assessment
from smartcity.reports.choices import ReportStatus
from smartcity.reports.models import ProgressReport

QUEUE_ITEMS = 10  # the oldest plans waiting, on a reviewer's home
REVIEW_WAIT_DAYS = 30  # a plan waiting longer is late (as on the dashboard's "at risk" list)
DASHBOARD_PERMISSION = "reports.view_dashboard"

# The steps an officer can be at with a regency, in the order the page lists them.
NO_MOU, START, FINISH, SUBMIT, WAIT, REPORT = "no_mou", "start", "finish", "submit", "wait", "report"


def panels(user, now=None):
    """The panels of ``user``'s home page, by role: ``officer``, ``reviewer`` and ``ministry``, and ``evaluation``
    when self-assessments are to be filled in or confirmed; none for visitors, partners and accounts without a role,
    who see the public home."""
    if not (user.is_authenticated and user.is_active):
        return {}
    now = now or timezone.now()
    result = {}
    regency_ids = officer_regency_ids(user)
    if regency_ids:
        result["officer"] = officer_panel(regency_ids, timezone.localdate(now))
    if can_review(user):
        result["reviewer"] = reviewer_panel(user, now)
    elif user.has_perm(DASHBOARD_PERMISSION):
        result["ministry"] = ministry_panel(now)
    if regency_ids or evaluation_services.can_assess(user):
        tasks = evaluation_tasks(user, regency_ids)
        if tasks:
            result["evaluation"] = tasks
    return result


# --- Yearly evaluation ----------------------------------------------------------------------------------------------

EVALUATION_ITEMS = 20


def evaluation_tasks(user, regency_ids):
    """In open rounds, the self-assessments that ``user``'s regencies have not submitted yet (soonest deadline first),
    and the submitted ones assigned to ``user`` to confirm: one query, at most ``EVALUATION_ITEMS``."""
    wanted = Q(regency__in=regency_ids, status=AssessmentStatus.DRAFT) | Q(
        assessor=user, status=AssessmentStatus.SUBMITTED
    )
    tasks = list(
        Assessment.objects.filter(wanted, round__status=RoundStatus.OPEN)
        .select_related("round", "regency")
        .order_by("round__closes_on", "regency__code")[:EVALUATION_ITEMS]
    )
    for task in tasks:
        task.to_confirm = task.status == AssessmentStatus.SUBMITTED
    return tasks


# --- Reviewer -------------------------------------------------------------------------------------------------------


def last_taken_up_by():
    """Who last took the plan up for review, as a subquery."""
    events = PlanEvent.objects.filter(plan=OuterRef("pk"), action=PlanAction.TAKEN_UP)
    return Subquery(events.order_by("-created_at", "-pk").values("actor")[:1])


def reviewer_panel(user, now):
    """The review queue's size, the oldest plans in it with their age in days, and the plans ``user`` took up: three
    queries."""
    queue = MasterPlan.objects.filter(status__in=REVIEW_QUEUE_STATUSES).annotate(taken_up_by=last_taken_up_by())
    counts = queue.aggregate(
        waiting=Count("pk"),
        not_taken_up=Count("pk", filter=Q(status=PlanStatus.SUBMITTED)),
        late=Count("pk", filter=Q(submitted_at__lt=now - datetime.timedelta(days=REVIEW_WAIT_DAYS))),
        with_me=Count("pk", filter=Q(status=PlanStatus.IN_REVIEW, taken_up_by=user.pk)),
    )
    counts["taken_up"] = PlanEvent.objects.filter(actor=user, action=PlanAction.TAKEN_UP).aggregate(
        plans=Count("plan", distinct=True)
    )["plans"]
    oldest = list(
        queue.select_related("regency__province")
        .annotate(programme_count=Count("programmes"))
        .order_by("submitted_at", "pk")[:QUEUE_ITEMS]
    )
    for plan in oldest:
        plan.age_days = (now - plan.submitted_at).days if plan.submitted_at else None
        plan.is_mine = plan.status == PlanStatus.IN_REVIEW and plan.taken_up_by == user.pk
    return {"counts": counts, "oldest": oldest, "late_after_days": REVIEW_WAIT_DAYS}


# --- Officer --------------------------------------------------------------------------------------------------------


def officer_panel(regency_ids, today):
    """Each of the officer's regencies: its MoU, its current plan with the ministry's last word on it, and what to
    do next. Seven queries, however many regencies, plans and programmes."""
    regencies = list(Regency.objects.filter(pk__in=regency_ids).select_related("province").order_by("code"))
    mous = {
        mou.regency_id: mou
        for mou in MoU.objects.filter(regency__in=regency_ids, status=MoUStatus.ACTIVE).select_related("cohort")
    }
    decisions = PlanEvent.objects.filter(
        plan=OuterRef("pk"), action__in=[PlanAction.REVISION_REQUESTED, PlanAction.APPROVED]
    ).order_by("-created_at", "-pk")
    plans = {}
    for plan in (
        MasterPlan.objects.filter(regency__in=regency_ids)
        .exclude(status=PlanStatus.SUPERSEDED)  # so at most a working and an approved plan per regency
        .annotate(
            feedback=Subquery(decisions.values("comment")[:1]),
            feedback_action=Subquery(decisions.values("action")[:1]),
            feedback_at=Subquery(decisions.values("created_at")[:1]),
        )
        .order_by("-version")
    ):
        plans.setdefault(plan.regency_id, []).append(plan)
    problems = draft_problems(regency_ids, [plan for rows in plans.values() for plan in rows if plan.is_editable])
    due_quarter = Quarter.containing(today).previous()
    progress = missing_updates(regency_ids, due_quarter)
    rows = []
    for regency in regencies:
        versions = plans.get(regency.pk, [])
        working = next((plan for plan in versions if plan.status in WORKING_STATUSES), None)
        approved = next((plan for plan in versions if plan.status == PlanStatus.APPROVED), None)
        current = working or approved
        mou = mous.get(regency.pk)
        steps = []
        if working is None and approved is None:
            steps.append({"kind": START if mou else NO_MOU})
        if working is not None and working.is_editable:
            found = problems[working.pk]
            steps.append({"kind": FINISH if found else SUBMIT, "plan": working, "problems": found})
        elif working is not None:
            submitted = timezone.localdate(working.submitted_at) if working.submitted_at else today
            steps.append({"kind": WAIT, "plan": working, "submitted": submitted, "days": (today - submitted).days})
        if approved is not None:
            steps.append(progress_step(approved, progress.get(approved.pk, (0, 0)), due_quarter, today))
        rows.append(
            {
                "regency": regency,
                "mou": mou,
                "current": current,
                "approved": approved if approved is not current else None,
                "feedback": current if current is not None and current.feedback_action else None,
                "steps": steps,
            }
        )
    return {"rows": rows}


def draft_problems(regency_ids, drafts):
    """What each draft (or plan sent back) still lacks before it can be submitted, by plan id: three queries."""
    programmes, not_applicable = {}, {}
    for programme in Programme.objects.filter(
        plan__regency__in=regency_ids, plan__status__in=EDITABLE_STATUSES
    ).order_by("pk"):
        programmes.setdefault(programme.plan_id, []).append(programme)
    exemptions = MasterPlan.not_applicable.through.objects.filter(
        masterplan__regency__in=regency_ids, masterplan__status__in=EDITABLE_STATUSES
    )
    for plan_id, dimension_id in exemptions.values_list("masterplan_id", "dimension_id"):
        not_applicable.setdefault(plan_id, set()).add(dimension_id)
    dimensions = list(Dimension.objects.all())
    return {
        plan.pk: completeness_problems(
            plan, programmes.get(plan.pk, []), dimensions, not_applicable.get(plan.pk, set())
        )
        for plan in drafts
    }


def missing_updates(regency_ids, quarter):
    """Per approved plan of these regencies: (programmes that owe an update for ``quarter``, how many of them have
    none yet). One query."""
    reported = ProgressUpdate.objects.filter(programme=OuterRef("pk"), year=quarter.year, quarter=quarter.quarter)
    rows = (
        Programme.objects.filter(
            plan__regency__in=regency_ids,
            plan__status=PlanStatus.APPROVED,
            start_year__lte=quarter.year,
            end_year__gte=quarter.year,
        )
        .order_by()
        .values("plan")
        .annotate(expected=Count("pk"), missing=Count("pk", filter=~Q(Exists(reported))))
    )
    return {row["plan"]: (row["expected"], row["missing"]) for row in rows}


def progress_step(plan, counts, due_quarter, today):
    """The progress update an approved plan owes next: for the quarter that is due (the last one that ended) while
    programmes still miss it, else for the next quarter it will owe. The first is overdue after its due date only if
    the plan was approved before then; otherwise it is not reported, not late."""
    quarters = reportable_quarters(plan, today)
    expected, missing = counts if due_quarter in quarters else (0, 0)
    step = {"kind": REPORT, "plan": plan}
    if missing:
        due = due_quarter.due()
        owed = owes_update(plan, due_quarter)
        return step | {
            "quarter": due_quarter,
            "due": due,
            "expected": expected,
            "missing": missing,
            "overdue": owed and today > due.date,
            "before_approval": not owed,
            "link_quarter": str(due_quarter),
        }
    upcoming = max(Quarter.containing(today), Quarter(plan.start_year, 1))
    if upcoming > Quarter(plan.end_year, 4):
        return step | {"ended": True}
    return step | {
        "quarter": upcoming,
        "due": upcoming.due(),
        "missing": 0,
        "reported": due_quarter if expected else None,
        "expected": expected,
        "link_quarter": str(upcoming) if upcoming in quarters else "",
    }


# --- Ministry -------------------------------------------------------------------------------------------------------


def ministry_panel(now):
    """The programme today in a few figures, for ministry staff, with links to the dashboard and the reports: five
    queries."""
    today = timezone.localdate(now)
    approved = MasterPlan.objects.filter(regency=OuterRef("regency"), status=PlanStatus.APPROVED)
    members = MoU.objects.aggregate(
        **member_count_expressions(today),
        without_plan=Count("regency", distinct=True, filter=in_force(today) & ~Q(Exists(approved))),
        without_plan_demo=Count(
            "regency", distinct=True, filter=in_force(today) & Q(is_demo=True) & ~Q(Exists(approved))
        ),
    )
    members["total"] = members["real"] + members["demo"]
    goals = [
        {"goal": goal, "percent": min(100.0, 100 * members["total"] / goal.target)}
        for goal in Goal.objects.filter(is_active=True)
    ]
    in_queue = Q(status__in=REVIEW_QUEUE_STATUSES)
    plans = MasterPlan.objects.aggregate(
        approved=Count("pk", filter=Q(status=PlanStatus.APPROVED)),
        approved_demo=Count("pk", filter=Q(status=PlanStatus.APPROVED, is_demo=True)),
        working=Count("pk", filter=Q(status__in=EDITABLE_STATUSES)),
        waiting=Count("pk", filter=in_queue),
        late=Count("pk", filter=in_queue & Q(submitted_at__lt=now - datetime.timedelta(days=REVIEW_WAIT_DAYS))),
    )
    quarter = Quarter.containing(today).previous()
    reported = ProgressUpdate.objects.filter(programme=OuterRef("pk"), year=quarter.year, quarter=quarter.quarter)
    progress = Programme.objects.filter(
        plan__status=PlanStatus.APPROVED, start_year__lte=quarter.year, end_year__gte=quarter.year
    ).aggregate(expected=Count("pk"), missing=Count("pk", filter=~Q(Exists(reported))))
    due = quarter.due()
    progress |= {"quarter": quarter, "due": due, "overdue": today > due.date}
    report = (
        ProgressReport.objects.filter(province__isnull=True, status=ReportStatus.DONE)
        .defer("figures")
        .order_by("-finished_at", "-pk")
        .first()
    )
    return {
        "members": members,
        "goals": goals,
        "plans": plans,
        "progress": progress,
        "report": report,
        "late_after_days": REVIEW_WAIT_DAYS,
    }
