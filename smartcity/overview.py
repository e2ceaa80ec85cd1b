"""Figures for the public programme overview on any past day, each an SQL aggregate.

Demo members are always counted apart from real ones, so the page can mark them, or leave them out.
"""

from django.db.models import F

from mou.models import Cohort, Goal, MoU, member_count_expressions
from regencies.models import Province

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
