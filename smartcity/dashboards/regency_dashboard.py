"""One regency/city on the staff dashboard, as of any day: its MoUs, its master-plan versions with their workflow
history, the programmes of the plan in force with their progress in the quarter ended by then, and that plan's
progress quarter by quarter. Records made after the day are left out. A fixed number of queries, whatever the
number of MoUs, versions, events, programmes or quarters."""

import datetime
from collections import defaultdict

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masterplans.choices import BimtekStage, FundingSource, Horizon, PlanAction, PlanStatus, ProgressStatus
from masterplans.models import PlanEvent, Programme, ProgressUpdate
from masterplans.progress import reportable_quarters
from masterplans.schedule import Quarter
from mou.models import in_force
from smartcity.dashboards.charts import BarChart
from smartcity.evaluation.models import BimtekSession
from smartcity.reports.figures import local_midnight, percent, status_then
from smartcity.reports.periods import quarter_ended_by
from smartcity.reports.sections import DATE, MONEY, NUMBER, PERCENT, Column, Section, display

HORIZONS = list(Horizon.values)


def build(regency, as_of):
    """Everything the regency page shows on ``as_of``, as data and as sections (tables, the chart, CSV)."""
    end = local_midnight(as_of + datetime.timedelta(days=1))
    quarter = quarter_ended_by(as_of)

    mous = list(
        with_bimtek(regency.mous.filter(signed_on__lte=as_of))
        .annotate(in_force_then=ExpressionWrapper(in_force(as_of), output_field=BooleanField()))
        .select_related("cohort")
        .order_by("signed_on", "pk")
    )
    # A version exists on the day once its first workflow event has happened; its status is that of its last event.
    plans = list(
        regency.plans.annotate(status_then=status_then(end)).filter(status_then__isnull=False).order_by("version")
    )
    events_by_plan = defaultdict(list)
    for event in (
        PlanEvent.objects.filter(plan__regency=regency, created_at__lt=end)
        .select_related("actor")
        .order_by("created_at", "pk")
    ):
        events_by_plan[event.plan_id].append(event)
    for plan in plans:
        plan.events_so_far = events_by_plan[plan.pk]
    guided = next((mou for mou in reversed(mous) if mou.in_force_then), mous[-1] if mous else None)
    stages = bimtek_stages(regency, guided, as_of)
    in_force_plan = next((plan for plan in reversed(plans) if plan.status_then == PlanStatus.APPROVED), None)

    programmes = programmes_with_progress(in_force_plan, quarter, end) if in_force_plan else []
    timeline = progress_timeline(in_force_plan, quarter, end, as_of) if in_force_plan else []
    histories = [history_section(plans, plan) for plan in plans]
    groups = programme_groups(programmes)
    tables = {
        "mous": mous_section(mous, as_of),
        "plans": plans_section(plans),
        "history": history_section(plans),
        "programmes": programmes_section(programmes, quarter),
        "timeline": timeline_section(timeline),
        "bimtek": bimtek_section(stages),
    } | {section.slug: section for section in histories + groups}
    return {
        "member": next((mou for mou in reversed(mous) if mou.in_force_then), None),
        "mous": mous,
        "plans": plans,
        "in_force_plan": in_force_plan,
        "quarter": quarter,
        "timeline": timeline,
        "current": current_progress(timeline, quarter),
        "sections": tables,
        "histories": list(zip(plans, histories, strict=True)),
        "programme_groups": groups,
        "bimtek_mou": guided,
        "bimtek_stages": stages,
        "bimtek_rows": list(zip(tables["bimtek"].rendered(), stages, strict=True)),
        "charts": {"timeline": BarChart(tables["timeline"], label=0, value=2)},
    }


BIMTEK_STATUS = {
    "done": gettext_lazy("Done"),
    "under_way": gettext_lazy("Under way"),
    "not_yet": gettext_lazy("Not yet"),
}


BIMTEK_FIELDS = ["pk", "started_on", "ended_on", "guide", "is_demo"]


def with_bimtek(mous):
    """``mous`` with each one's bimtek sessions as annotations (``bimtek_<stage>_<field>``): the page reads them in
    the query of its MoUs rather than in one of their own (it keeps to the 12 queries of issue 8)."""
    annotations = {}
    for stage in BimtekStage.values:
        sessions = BimtekSession.objects.filter(mou=OuterRef("pk"), stage=stage)
        for field in BIMTEK_FIELDS:
            annotations[f"bimtek_{stage}_{field}"] = Subquery(sessions.values(field)[:1])
    return mous.annotate(**annotations)


def bimtek_stages(regency, mou, as_of):
    """The four bimtek stages as they stood on ``as_of`` under ``mou`` (the MoU in force then, or the last one signed
    by then, read ``with_bimtek``): each with its session (None if not held yet), the status, and the dates and guide
    once started. No query."""
    if mou is None:
        return []
    stages = []
    for stage in BimtekStage:
        values = {field: getattr(mou, f"bimtek_{stage.value}_{field}") for field in BIMTEK_FIELDS}
        session = BimtekSession(regency=regency, mou=mou, stage=stage.value, **values) if values["pk"] else None
        status = session.status_on(as_of) if session else "not_yet"
        started = session if session and status != "not_yet" else None
        stages.append({"stage": stage, "session": session, "status": status, "started": started})
    return stages


def bimtek_section(stages):
    return Section(
        "bimtek",
        _("Technical guidance (bimtek)"),
        [
            Column(_("Stage")),
            Column(_("Status on the day")),
            Column(_("Started on"), DATE),
            Column(_("Ended on"), DATE),
            Column(_("Guide")),
            Column(_("Demo")),
        ],
        [
            [stage["stage"].label, BIMTEK_STATUS[stage["status"]]]
            + (
                [session.started_on, session.ended_on, session.guide, session.is_demo]
                if (session := stage["started"])
                else [None, None, None, None]
            )
            for stage in stages
        ],
    )


def programmes_with_progress(plan, quarter, end):
    """The plan's programmes, each with its update for ``quarter`` as recorded before ``end`` (or None): one query."""
    report = FilteredRelation(
        "progress_updates",
        condition=Q(
            progress_updates__year=quarter.year,
            progress_updates__quarter=quarter.quarter,
            progress_updates__created_at__lt=end,
        ),
    )
    programmes = (
        Programme.objects.filter(plan=plan)
        .select_related("dimension")
        .annotate(
            report=report,
            physical=F("report__physical_percent"),
            spent=F("report__spent"),
            progress_status=F("report__status"),
        )
    )
    return sorted(
        programmes,
        key=lambda p: (p.dimension.order, p.dimension.code, HORIZONS.index(p.horizon), p.name, p.pk),
    )


def progress_timeline(plan, last, end, as_of):
    """The plan's physical and financial progress in each of its quarters up to ``last``, from the updates recorded
    before ``end``: one query grouped by year and quarter. Physical progress is the budget-weighted mean of the
    programmes that reported, financial progress their money spent over their budget (as ``rollup`` computes it);
    a programme without an update is left out, never counted as zero."""
    quarters = sorted(quarter for quarter in reportable_quarters(plan, today=as_of) if quarter <= last)
    if not quarters:
        return []
    weighted = ExpressionWrapper(
        F("physical_percent") * F("programme__budget"), output_field=DecimalField(max_digits=30, decimal_places=2)
    )
    sums = {
        Quarter(row["year"], row["quarter"]): row
        for row in ProgressUpdate.objects.filter(
            programme__plan=plan, created_at__lt=end, year__gte=quarters[0].year, year__lte=last.year
        )
        .values("year", "quarter")
        .annotate(
            reported=Count("pk"),
            weighted=Sum(weighted),
            physical_sum=Sum("physical_percent"),
            budget=Sum("programme__budget"),
            spent=Sum("spent"),
        )
        .order_by()
    }
    timeline = []
    for quarter in quarters:
        row = sums.get(quarter)
        if row is None:
            timeline.append({"quarter": quarter, "reported": 0, "physical": None, "financial": None, "spent": None})
            continue
        timeline.append(
            {
                "quarter": quarter,
                "reported": row["reported"],
                "physical": percent(row["weighted"], row["budget"] * 100)
                if row["budget"]
                else percent(row["physical_sum"], row["reported"] * 100),
                "financial": percent(row["spent"], row["budget"]),
                "spent": row["spent"],
            }
        )
    return timeline


def current_progress(timeline, quarter):
    """The plan's progress in ``quarter`` (the last of the timeline), with its percentages as the page shows them."""
    if not timeline or timeline[-1]["quarter"] != quarter:
        return None
    row = timeline[-1]
    return dict(row, physical_text=display(row["physical"], PERCENT), financial_text=display(row["financial"], PERCENT))


def mou_status(mou, as_of):
    """What the MoU was on ``as_of``: in force, ended (expired or terminated), or past its validity date."""
    if mou.in_force_then:
        return _("In force")
    if mou.ended_on and mou.ended_on <= as_of:
        return mou.get_status_display()
    return _("Past its validity date")


def mous_section(mous, as_of):
    return Section(
        "mous",
        _("MoUs"),
        [
            Column(_("Cohort")),
            Column(_("Signed on"), DATE),
            Column(_("Valid until"), DATE),
            Column(_("Ended on"), DATE),
            Column(_("Status on the day")),
            Column(_("Demo")),
        ],
        [
            [str(mou.cohort), mou.signed_on, mou.valid_until]
            + [mou.ended_on if mou.ended_on and mou.ended_on <= as_of else None, mou_status(mou, as_of), mou.is_demo]
            for mou in mous
        ],
    )


def event_day(plan, action):
    """The day of ``plan``'s latest ``action`` among its events so far, or None."""
    days = [timezone.localtime(event.created_at).date() for event in plan.events_so_far if event.action == action]
    return days[-1] if days else None


def plans_section(plans):
    return Section(
        "plans",
        _("Master plan versions"),
        [
            Column(_("Version"), NUMBER),
            Column(_("Title")),
            Column(_("Years")),
            Column(_("Status on the day")),
            Column(_("Submitted on"), DATE),
            Column(_("Approved on"), DATE),
        ],
        [
            [plan.version, plan.title, f"{plan.start_year}–{plan.end_year}", PlanStatus(plan.status_then).label]
            + [event_day(plan, PlanAction.SUBMITTED), event_day(plan, PlanAction.APPROVED)]
            for plan in plans
        ],
    )


def history_section(plans, only=None):
    """The versions' workflow events up to the day: all of them (the CSV), or ``only`` one version's (the page)."""
    columns = [
        Column(_("When"), DATE),
        Column(_("Action")),
        Column(_("Status")),
        Column(_("By")),
        Column(_("Comment")),
    ]

    def row(event):
        change = PlanStatus(event.to_status).label
        if event.from_status:
            change = f"{PlanStatus(event.from_status).label} → {change}"
        actor = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _("system")
        when = timezone.localtime(event.created_at).date()
        return [when, PlanAction(event.action).label, change, actor, event.comment or None]

    if only is not None:
        title = _("Version %(version)s: history") % {"version": only.version}
        return Section(f"history-v{only.version}", title, columns, [row(event) for event in only.events_so_far])
    return Section(
        "history",
        _("Workflow history"),
        [Column(_("Version"), NUMBER)] + columns,
        [[plan.version] + row(event) for plan in plans for event in plan.events_so_far],
    )


def programme_row(programme):
    status = ProgressStatus(programme.progress_status).label if programme.progress_status else None
    return [
        programme.name,
        Horizon(programme.horizon).label,
        f"{programme.start_year}–{programme.end_year}",
        programme.budget,
        FundingSource(programme.funding_source).label,
        programme.physical,
        programme.spent,
        status,
    ]


def programme_columns():
    return [
        Column(_("Programme")),
        Column(_("Horizon")),
        Column(_("Years")),
        Column(_("Planned budget"), MONEY),
        Column(_("Funding source")),
        Column(_("Physical progress"), PERCENT),
        Column(_("Money spent"), MONEY),
        Column(_("Progress status")),
    ]


def programmes_section(programmes, quarter):
    return Section(
        "programmes",
        _("Programmes of the plan in force, with their progress in %(quarter)s") % {"quarter": quarter.label},
        [Column(_("Dimension"))] + programme_columns(),
        [[programme.dimension.name] + programme_row(programme) for programme in programmes],
        note=_("Progress as reported for %(quarter)s by the day shown; “—” where no update was recorded.")
        % {"quarter": quarter.label},
    )


def programme_groups(programmes):
    """The programmes by dimension, a section each (``programmes`` has them all in one table)."""
    groups = []
    for programme in programmes:
        slug = f"programmes-{programme.dimension.code}"
        if not groups or groups[-1].slug != slug:
            groups.append(Section(slug, programme.dimension.name, programme_columns()))
        groups[-1].rows.append(programme_row(programme))
    return groups


def timeline_section(timeline):
    return Section(
        "timeline",
        _("Progress of the plan in force per quarter"),
        [
            Column(_("Quarter")),
            Column(_("Programmes reported"), NUMBER),
            Column(_("Physical progress"), PERCENT),
            Column(_("Financial progress"), PERCENT),
            Column(_("Money spent"), MONEY),
        ],
        [[row["quarter"].label, row["reported"], row["physical"], row["financial"], row["spent"]] for row in timeline],
        note=_(
            "Physical progress is the budget-weighted mean of the programmes that reported; financial progress is "
            "their money spent over their budget. Programmes without an update are left out, not counted as zero."
        ),
    )
