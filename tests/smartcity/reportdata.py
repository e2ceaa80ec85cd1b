"""A small programme whose every figure is worked out by hand, and members in bulk for query counts: shared by the
report and dashboard tests."""

import datetime

from django.utils import timezone

from masterplans.choices import FundingSource, Horizon, PlanAction, PlanStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate
from mou.models import Cohort, MoU
from regencies.models import Regency
from tests.factories import mous_for


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def build_dataset():
    """A small programme whose every figure for October 2026 is worked out by hand in the tests that use it.

    Members on 31 October 2026: Muara Enim (16.03, real, 2018), Palembang (16.71, real, 2019, plan approved on
    10 October), Bandung (32.73, real, signed 20 October 2026) and Makassar (73.71, demo, 2018). Aceh (11) has none.
    """
    regency = {code: Regency.objects.get(code=code) for code in ("16.03", "16.71", "32.73", "73.71")}
    cohort_2019, cohort_2018 = Cohort.objects.get(year=2019), Cohort.objects.get(year=2018)
    cohort_2026 = Cohort.objects.create(year=2026, target=10, label="Angkatan 2026")
    (palembang,) = mous_for([regency["16.71"]], cohort_2019)
    MoU.objects.filter(pk=palembang.pk).update(signed_on=datetime.date(2019, 5, 15))
    (bandung,) = mous_for([regency["32.73"]], cohort_2026)
    MoU.objects.filter(pk=bandung.pk).update(signed_on=datetime.date(2026, 10, 20))
    mous_for([regency["73.71"]], cohort_2018, is_demo=True)

    def plan(code, status, events):
        mou = MoU.objects.get(regency=regency[code])
        made = MasterPlan.objects.create(
            regency=regency[code], mou=mou, title=f"Masterplan {code}", start_year=2026, end_year=2030, status=status
        )
        previous = ""
        for action, to_status, when in events:
            PlanEvent.objects.create(
                plan=made, action=action, from_status=previous, to_status=to_status, created_at=when
            )
            previous = to_status
        return made

    palembang_plan = plan(
        "16.71",
        PlanStatus.APPROVED,
        [
            (PlanAction.CREATED, PlanStatus.DRAFT, at(2026, 9, 1)),
            (PlanAction.SUBMITTED, PlanStatus.SUBMITTED, at(2026, 9, 15)),
            (PlanAction.APPROVED, PlanStatus.APPROVED, at(2026, 10, 10)),
        ],
    )
    plan(
        "16.03",
        PlanStatus.SUBMITTED,
        [
            (PlanAction.CREATED, PlanStatus.DRAFT, at(2026, 10, 28)),
            (PlanAction.SUBMITTED, PlanStatus.SUBMITTED, at(2026, 11, 5)),
        ],
    )
    plan("32.73", PlanStatus.DRAFT, [(PlanAction.CREATED, PlanStatus.DRAFT, at(2026, 10, 25))])

    dimension = {d.code: d for d in Dimension.objects.all()}

    def programme_(code, horizon, years, budget, source):
        return Programme.objects.create(
            plan=palembang_plan,
            dimension=dimension[code],
            name=f"{code} {horizon}",
            horizon=horizon,
            start_year=years[0],
            end_year=years[1],
            budget=budget,
            funding_source=source,
            agency="Diskominfo",
        )

    governance = programme_("governance", Horizon.SHORT, (2026, 2027), 1_000_000_000, FundingSource.APBD)
    economy = programme_("economy", Horizon.QUICK_WIN, (2026, 2026), 3_000_000_000, FundingSource.APBN)
    programme_("living", Horizon.LONG, (2028, 2030), 6_000_000_000, FundingSource.KPBU)  # not due in 2026
    programme_("living", Horizon.MEDIUM, (2026, 2028), 2_000_000_000, FundingSource.APBD)  # due, missing
    # 2026 Q3 updates were due on 15 October 2026: one on time, one late.
    for programme, percent, spent, reported in (
        (governance, 50, 400_000_000, at(2026, 10, 5)),
        (economy, 90, 2_000_000_000, at(2026, 10, 20)),
    ):
        update = ProgressUpdate.objects.create(
            programme=programme, year=2026, quarter=3, physical_percent=percent, spent=spent, status="on_track"
        )
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=reported)


def member_regencies(count):
    """``count`` members, each with an approved plan of three programmes that reported 2026 Q3."""
    regencies = list(Regency.objects.order_by("code")[:count])
    mous = mous_for(regencies, Cohort.objects.get(year=2018))
    plans = MasterPlan.objects.bulk_create(
        MasterPlan(regency=r, mou=m, title="Plan", start_year=2026, end_year=2030, status=PlanStatus.APPROVED)
        for r, m in zip(regencies, mous, strict=True)
    )
    PlanEvent.objects.bulk_create(
        PlanEvent(plan=p, action=PlanAction.APPROVED, to_status=PlanStatus.APPROVED, created_at=at(2026, 1, 5))
        for p in plans
    )
    dimensions = list(Dimension.objects.all()[:3])
    programmes = Programme.objects.bulk_create(
        Programme(
            plan=p,
            dimension=d,
            name="P",
            horizon=Horizon.SHORT,
            start_year=2026,
            end_year=2027,
            budget=10**9,
            funding_source=FundingSource.APBD,
            agency="OPD",
        )
        for p in plans
        for d in dimensions
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(programme=p, year=2026, quarter=3, physical_percent=40, spent=10**8, status="on_track")
        for p in programmes
    )


def approve_palembang_on(day):
    """Palembang's plan of ``build_dataset`` as if approved at 10:00 on ``day``: its workflow event and its decision
    time."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    plan = MasterPlan.objects.get(regency__code="16.71")
    PlanEvent.objects.filter(plan=plan, action=PlanAction.APPROVED).update(created_at=when)
    MasterPlan.objects.filter(pk=plan.pk).update(decided_at=when)
