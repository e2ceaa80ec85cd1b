"""A national-scale demo dataset for benchmarks: every regency a member, two plan versions each (the second
approved), 60 programmes per approved plan and quarterly progress for ten years, about 1.2 million rows at scale 1.

Deterministic for a seed. Everything it makes is demo data (``is_demo``). Rows go in with ``bulk_create``, and the
progress updates, which are most of them, with PostgreSQL's COPY where the database is PostgreSQL.
"""

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from masterplans.choices import FundingSource, Horizon, PlanAction, PlanStatus, ProgressStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate
from masterplans.schedule import Quarter
from mou.choices import MoUStatus
from mou.models import Cohort, MoU
from regencies import data_version
from regencies.models import Regency

COHORT_YEARS = range(2017, 2024)
# Of every 514 members, how many join in each year: the real 25, 50 and 25, then the rest spread over 2020-2023.
COHORT_SHARES = {2017: 25, 2018: 50, 2019: 25, 2020: 50, 2021: 100, 2022: 130, 2023: 134}
PLAN_YEARS = (2017, 2026)  # ten years, so that ten years of quarters can be reported
PROGRAMMES_PER_PLAN = 60
FIRST_QUARTER, LAST_QUARTER = Quarter(2017, 1), Quarter(2026, 3)
HORIZONS = [Horizon.QUICK_WIN] * 6 + [Horizon.SHORT] * 20 + [Horizon.MEDIUM] * 22 + [Horizon.LONG] * 12
SOURCES = [FundingSource.APBD] * 5 + [FundingSource.APBN] * 2 + [FundingSource.KPBU, FundingSource.CSR]
BATCH = 5000
SOURCE_NOTE = "generate_scale_data (demo data for benchmarks)"
UPDATE_COLUMNS = ["programme_id", "year", "quarter", "physical_percent", "spent", "status", "note", "evidence"]
UPDATE_COLUMNS += ["created_at", "updated_at"]


def quarters():
    quarter, result = FIRST_QUARTER, []
    while quarter <= LAST_QUARTER:
        result.append(quarter)
        quarter = quarter.next()
    return result


def aware(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class ScaleData:
    def __init__(self, scale, seed):
        self.scale, self.rng = scale, random.Random(seed)
        self.counts = {}

    def generate(self):
        """Make the dataset; returns the number of rows made per model."""
        # Regencies that have plans already (the demo plans of seed_demo) are left as they are.
        regencies = list(Regency.objects.active().filter(plans__isnull=True).order_by("code"))
        self.rng.shuffle(regencies)
        regencies = regencies[: max(1, round(len(regencies) * self.scale))]
        with transaction.atomic():
            mous = self.memberships(regencies)
            plans = self.plans(mous)
            programmes = self.programmes(plans)
        self.progress(programmes)
        data_version.bump()  # bulk writes send no signals
        return self.counts

    def cohorts(self, count):
        """The cohort year of each of ``count`` members, in the real proportions."""
        total = sum(COHORT_SHARES.values())
        years = []
        for year in COHORT_YEARS:
            years += [year] * round(count * COHORT_SHARES[year] / total)
        return (years + [COHORT_YEARS[-1]] * count)[:count]

    def memberships(self, regencies):
        """An MoU in its cohort's year for every regency that has no active one (real MoUs are kept)."""
        existing = {
            mou.regency_id: mou for mou in MoU.objects.filter(status=MoUStatus.ACTIVE).select_related("regency")
        }
        cohorts = {}
        for year in COHORT_YEARS:
            cohorts[year], _ = Cohort.objects.get_or_create(
                year=year,
                defaults={"target": COHORT_SHARES[year], "label": f"Angkatan {year}", "source": SOURCE_NOTE},
            )
        new = []
        for regency, year in zip(regencies, self.cohorts(len(regencies)), strict=True):
            if regency.pk not in existing:
                signed = datetime.date(year, 5, 8) + datetime.timedelta(days=self.rng.randrange(0, 120))
                new.append(
                    MoU(regency=regency, cohort=cohorts[year], signed_on=signed, is_demo=True, source=SOURCE_NOTE)
                )
        MoU.objects.bulk_create(new, batch_size=BATCH)
        self.counts["mous"] = len(new)
        return [existing.get(regency.pk) for regency in regencies if regency.pk in existing] + new

    def plans(self, mous):
        """Version 1 (superseded) and version 2 (approved) of each member's plan, with their workflow events."""
        first, events = [], []
        for mou in mous:
            first.append(self.plan(mou, 1, PlanStatus.SUPERSEDED))
        MasterPlan.objects.bulk_create(first, batch_size=BATCH)
        second = [self.plan(plan.mou, 2, PlanStatus.APPROVED, previous=plan) for plan in first]
        MasterPlan.objects.bulk_create(second, batch_size=BATCH)
        draft, submitted, approved = PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED
        for old, new in zip(first, second, strict=True):
            for plan, start in ((old, PlanAction.CREATED), (new, PlanAction.NEW_VERSION)):
                events += [
                    PlanEvent(plan=plan, action=start, to_status=draft, created_at=plan.created),
                    PlanEvent(
                        plan=plan,
                        action=PlanAction.SUBMITTED,
                        from_status=draft,
                        to_status=submitted,
                        created_at=plan.submitted_at,
                    ),
                    PlanEvent(
                        plan=plan,
                        action=PlanAction.APPROVED,
                        from_status=submitted,
                        to_status=approved,
                        created_at=plan.decided_at,
                    ),
                ]
            events.append(
                PlanEvent(
                    plan=old,
                    action=PlanAction.SUPERSEDED,
                    from_status=approved,
                    to_status=PlanStatus.SUPERSEDED,
                    created_at=new.decided_at,
                )
            )
        PlanEvent.objects.bulk_create(events, batch_size=BATCH)
        self.counts["plans"], self.counts["plan events"] = len(first) + len(second), len(events)
        return second

    def plan(self, mou, version, status, previous=None):
        start = previous.decided_at.date() if previous else mou.signed_on
        created = start + datetime.timedelta(days=self.rng.randrange(20, 90))
        submitted = created + datetime.timedelta(days=self.rng.randrange(30, 120))
        decided = submitted + datetime.timedelta(days=self.rng.randrange(5, 60))
        plan = MasterPlan(
            regency=mou.regency,
            mou=mou,
            title=f"Masterplan Smart City {mou.regency.name} (demo)",
            start_year=PLAN_YEARS[0],
            end_year=PLAN_YEARS[1],
            version=version,
            status=status,
            summary="Rencana demo untuk uji kinerja; bukan dokumen nyata.",
            previous=previous,
            is_demo=True,
            submitted_at=aware(submitted),
            decided_at=aware(decided),
        )
        plan.created = aware(created)
        return plan

    def programmes(self, plans):
        dimensions = list(Dimension.objects.order_by("order", "pk"))
        programmes = []
        for plan in plans:
            for index in range(PROGRAMMES_PER_PLAN):
                horizon = HORIZONS[index]
                first = PLAN_YEARS[0] + self.rng.randrange(0, 6)
                last = first if horizon == Horizon.QUICK_WIN else min(PLAN_YEARS[1], first + self.rng.randrange(1, 6))
                programmes.append(
                    Programme(
                        plan=plan,
                        dimension=dimensions[index % len(dimensions)],
                        name=f"Program demo {index + 1}",
                        horizon=horizon,
                        is_quick_win=horizon == Horizon.QUICK_WIN,
                        start_year=first,
                        end_year=last,
                        budget=self.rng.randrange(1, 400) * 25_000_000,
                        funding_source=SOURCES[index % len(SOURCES)],
                        agency="Dinas Komunikasi dan Informatika",
                    )
                )
        Programme.objects.bulk_create(programmes, batch_size=BATCH)
        self.counts["programmes"] = len(programmes)
        return programmes

    def progress(self, programmes):
        """One update per programme and quarter, cumulative, each reported within a month of its quarter's end
        (a few late); by COPY on PostgreSQL, in batches elsewhere."""
        rows = (self.update_row(programme, quarter) for programme in programmes for quarter in quarters())
        if connection.vendor == "postgresql":
            count = 0
            with connection.cursor() as cursor, transaction.atomic():
                columns = ", ".join(UPDATE_COLUMNS)
                with cursor.copy(f"COPY masterplans_progressupdate ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
        else:
            count, batch = 0, []
            for row in rows:
                batch.append(ProgressUpdate(**dict(zip(UPDATE_COLUMNS, row, strict=True))))
                if len(batch) == BATCH:
                    count += len(ProgressUpdate.objects.bulk_create(batch))
                    batch = []
            count += len(ProgressUpdate.objects.bulk_create(batch))
        self.counts["progress updates"] = count

    def update_row(self, programme, quarter):
        total = (programme.end_year - programme.start_year + 1) * 4
        elapsed = max(0, min(total, (quarter.year - programme.start_year) * 4 + quarter.quarter))
        physical = (Decimal(100) * elapsed / total).quantize(Decimal("0.01"))
        status = ProgressStatus.COMPLETED if physical >= 100 else ProgressStatus.ON_TRACK
        spent = programme.budget * elapsed // total // 1000 * 1000
        reported = aware(quarter.end + datetime.timedelta(days=self.rng.randrange(1, 31)))
        return [programme.pk, quarter.year, quarter.quarter, physical, spent, status, "", "", reported, reported]
