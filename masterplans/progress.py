"""Progress of a plan per quarter: which quarters can be reported, which the plan owes on time, and the plan-level
roll-up."""

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from masterplans.models import ProgressUpdate
from masterplans.schedule import Quarter


def reportable_quarters(plan, today=None):
    """The quarters of ``plan``'s period that have started, newest first.

    A later version reports from the quarter in which it was approved: the quarters before belong to the version
    then in force, and keep their updates there.
    """
    current = Quarter.containing(today or timezone.localdate())
    quarter, first = min(current, Quarter(plan.end_year, 4)), Quarter(plan.start_year, 1)
    if plan.previous_id and plan.decided_at:
        first = max(first, Quarter.containing(timezone.localtime(plan.decided_at).date()))
    quarters = []
    while quarter >= first:
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


def due_from(quarter):
    """The moment ``quarter``'s update falls due: the start of its due day, local time."""
    return timezone.make_aware(datetime.datetime.combine(quarter.due().date, datetime.time.min))


def owes_update(plan, quarter):
    """Whether a missing or later update of ``quarter`` counts late for ``plan``: only if the plan was approved
    before the day the update fell due. For a quarter due earlier an update is "not reported" until it comes, never
    late. A plan without an approval time (made outside the workflow) owes every quarter. ``owing`` says the same
    in SQL."""
    return plan.decided_at is None or plan.decided_at < due_from(quarter)


def owing(quarter, prefix=""):
    """``owes_update`` as a condition on the plans reached through ``prefix`` (e.g. ``"plan__"``)."""
    return Q(**{f"{prefix}decided_at__isnull": True}) | Q(**{f"{prefix}decided_at__lt": due_from(quarter)})


def default_quarter(quarters, today=None):
    """The quarter a progress page opens on: the latest that has ended (its update is due or overdue)."""
    today = today or timezone.localdate()
    return next((quarter for quarter in quarters if quarter.end < today), quarters[0])


def rollup(plan, quarter):
    """The plan's progress in ``quarter``, in one SQL aggregate.

    Physical progress is the budget-weighted mean of the programmes that reported; financial progress is their
    money spent over their budget. Programmes without an update are left out, never counted as zero.
    """
    weighted = ExpressionWrapper(
        F("physical_percent") * F("programme__budget"), output_field=DecimalField(max_digits=30, decimal_places=2)
    )
    figures = ProgressUpdate.objects.filter(programme__plan=plan, year=quarter.year, quarter=quarter.quarter).aggregate(
        reported=Count("pk"),
        weighted=Sum(weighted),
        mean=Avg("physical_percent"),
        budget=Sum("programme__budget"),
        spent=Sum("spent"),
    )
    budget = figures["budget"] or 0
    # When the programmes that reported have no budget to weigh them by, a plain mean.
    physical = Decimal(figures["weighted"]) / budget if budget else figures["mean"]
    return {
        "reported": figures["reported"],
        "physical": None if physical is None else Decimal(physical).quantize(Decimal("0.1")),
        "financial": (Decimal(figures["spent"]) * 100 / budget).quantize(Decimal("0.1")) if budget else None,
        "spent": figures["spent"] or 0,
        "budget": budget,
    }
