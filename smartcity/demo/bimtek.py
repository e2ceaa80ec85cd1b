"""Demo bimtek stages for ``seed_demo``: Kota Makassar (73.71, the demo officer's member with a plan) through all
four stages of technical guidance, Kabupaten Muara Enim (16.03) through the first two (its real 2018 MoU; the
records are demo, its demo officer drafts the plan in the browser), and the first two demo members of each cohort
(by code) through four, three, two and one stage in turn. Each stage starts a few weeks after the one before, the
first a month after the signing, and lasts three days; a stage that would end after ``today`` is left out. Every
record is marked ``is_demo`` and kept in history. A stage already recorded for an MoU is left alone: a second run
adds nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from masterplans.choices import BimtekStage
from mou.choices import MoUStatus
from mou.models import MoU
from smartcity.evaluation.models import BimtekSession

MAKASSAR, MUARA_ENIM = "73.71", "16.03"
STAGES_DONE = {MAKASSAR: 4, MUARA_ENIM: 2}
PER_COHORT = 2  # demo members of each cohort that get stages, besides the two above
PATTERN = [4, 3, 2, 1]  # how many stages those members have been through, in turn
FIRST_AFTER_SIGNING = datetime.timedelta(days=30)
BETWEEN_STAGES = datetime.timedelta(days=35)
LENGTH = datetime.timedelta(days=2)  # a three-day session: first day plus two
GUIDE = "Demo Narasumber Kementerian (Direktorat Jenderal Aplikasi Informatika)"
DEMO_NOTE = "Data demo yang dibuat oleh seed_demo untuk peragaan portal, bukan bimtek sungguhan."


def demo_members():
    """``(mou, stages done)`` for the members that get demo stages: active MoUs only (stages are recorded under
    the active one), the same on every run."""
    active = MoU.objects.filter(status=MoUStatus.ACTIVE).select_related("regency", "cohort")
    chosen = [(mou, STAGES_DONE[mou.regency.code]) for mou in active.filter(regency__code__in=STAGES_DONE)]
    picked = {mou.regency.code for mou, _done in chosen}
    count = 0
    for cohort_year in sorted(set(active.filter(is_demo=True).values_list("cohort__year", flat=True))):
        mous = active.filter(is_demo=True, cohort__year=cohort_year).exclude(regency__code__in=picked)
        for mou in mous.order_by("regency__code")[:PER_COHORT]:
            chosen.append((mou, PATTERN[count % len(PATTERN)]))
            count += 1
    return chosen


def seed_bimtek(today=None):
    """Record the demo stages (see the module's docstring) held by ``today`` (default and latest: the local date).
    Returns the sessions created; none on a second run."""
    today = min(today or timezone.localdate(), timezone.localdate())
    guide_account = get_user_model().objects.filter(username="demo-admin", is_active=True).first()
    members = demo_members()
    recorded = set(BimtekSession.objects.filter(mou__in=[mou for mou, _done in members]).values_list("mou_id", "stage"))
    new = []
    for mou, done in members:
        for index, stage in enumerate(list(BimtekStage)[:done]):
            started = mou.signed_on + FIRST_AFTER_SIGNING + index * BETWEEN_STAGES
            if (mou.pk, stage.value) in recorded or started + LENGTH > today:
                continue
            session = BimtekSession(
                regency=mou.regency,
                mou=mou,
                stage=stage,
                started_on=started,
                ended_on=started + LENGTH,
                guide=GUIDE,
                guide_account=guide_account,
                note=DEMO_NOTE,
                is_demo=True,
            )
            session.full_clean()
            new.append(session)
    return bulk_create_with_history(new, BimtekSession, default_user=guide_account, default_change_reason="Demo data")


def summary():
    """How many members have each stage recorded as demo data, by the stage's number."""
    counts = dict.fromkeys(BimtekStage.values, 0)
    for stage in BimtekSession.objects.filter(is_demo=True).values_list("stage", flat=True):
        counts[stage] += 1
    return counts
