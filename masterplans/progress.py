"""Progress of a plan per quarter: which quarters can be reported, and the plan-level roll-up."""

from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from masterplans.models import ProgressUpdate
from masterplans.schedule import Quarter


def reportable_quarters(plan, today=None):
    """The quarters of ``plan``'s period that have started, newest first."""
    current = Quarter.containing(today or timezone.localdate())
    quarter, first = min(current, Quarter(plan.end_year, 4)), Quarter(plan.start_year, 1)
    quarters = []
    while quarter >= first:
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


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
        budget=Sum("programme__budget"),
        spent=Sum("spent"),
    )
    budget = figures["budget"] or 0
    return {
        "reported": figures["reported"],
        "physical": (Decimal(figures["weighted"]) / budget).quantize(Decimal("0.1")) if budget else None,
        "financial": (Decimal(figures["spent"]) * 100 / budget).quantize(Decimal("0.1")) if budget else None,
        "spent": figures["spent"] or 0,
        "budget": budget,
    }
