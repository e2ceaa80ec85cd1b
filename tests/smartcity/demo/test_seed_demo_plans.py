"""The demo master plans of seed_demo: every status, all marked demo, none for Muara Enim, the same on every run."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from masterplans import services
from masterplans.choices import PlanAction, PlanStatus, ProgressStatus
from masterplans.models import MasterPlan, PlanEvent, Programme, ProgressUpdate
from masterplans.schedule import Quarter
from smartcity.celery import app as celery_app
from smartcity.demo.management.commands.seed_demo import emails_kept_in_memory

pytestmark = pytest.mark.django_db

OFFICER_ACTIONS = {PlanAction.CREATED, PlanAction.SUBMITTED, PlanAction.NEW_VERSION}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Demo documents go to a temporary folder, not the project's media/ (set before the demo fixture runs)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def user(username):
    return get_user_model().objects.get(username=username)


def last_quarter():
    return Quarter.containing(timezone.localdate()).previous()


def counts():
    """Everything a second run could duplicate."""
    return {
        "plans": MasterPlan.objects.count(),
        "plan history": MasterPlan.history.count(),
        "programmes": Programme.objects.count(),
        "events": PlanEvent.objects.count(),
        "progress": ProgressUpdate.objects.count(),
        "progress history": ProgressUpdate.history.count(),
        "users": get_user_model().objects.count(),
        "files": sorted(path.name for path in Path(django_settings.MEDIA_ROOT).rglob("*") if path.is_file()),
    }


def signature():
    """The demo plans as data, without ids or clock times: what must come out the same on every run."""
    plans = []
    for plan in MasterPlan.objects.select_related("regency").order_by("regency__code", "version"):
        plans.append(
            (
                plan.regency.code,
                plan.version,
                plan.status,
                plan.title,
                plan.summary,
                plan.main_document.name,
                timezone.localtime(plan.submitted_at).date() if plan.submitted_at else None,
                sorted(
                    plan.programmes.values_list(
                        "name", "dimension__code", "horizon", "start_year", "end_year", "budget"
                    )
                ),
                [
                    (event.action, event.actor.username, timezone.localtime(event.created_at).date(), event.comment)
                    for event in plan.events.select_related("actor")
                ],
                ProgressUpdate.objects.filter(programme__plan=plan).aggregate(
                    n=Count("pk"), spent=Sum("spent"), physical=Sum("physical_percent")
                ),
            )
        )
    return plans


def test_demo_plans_cover_every_status_all_marked_demo_and_complete(demo, settings):
    plans = list(MasterPlan.objects.select_related("mou").prefetch_related("programmes__dimension"))
    assert {plan.status for plan in plans} == set(PlanStatus.values)
    assert len(plans) >= 12
    for plan in plans:
        assert plan.is_demo and plan.mou.is_demo and plan.mou.regency_id == plan.regency_id
        assert "demo" in plan.summary.lower() and plan.rpjmd_reference and plan.renstra_reference
        assert 5 <= plan.end_year - plan.start_year + 1 <= 10
        programmes = list(plan.programmes.all())
        assert len({programme.dimension.code for programme in programmes}) == 6
        assert any(programme.counts_as_quick_win for programme in programmes)
        assert all(isinstance(programme.budget, int) and programme.budget > 0 for programme in programmes)
        assert all(programme.agency and programme.funding_source for programme in programmes)
        if plan.status == PlanStatus.DRAFT:
            continue
        assert services.load_completeness(plan) == [], plan
        assert Path(plan.main_document.path).is_relative_to(settings.MEDIA_ROOT)
        with plan.main_document.open("rb") as document:
            reader = PdfReader(document)
            assert len(reader.pages) == 1 and "DEMO" in reader.pages[0].extract_text()
    drafts = [plan for plan in plans if plan.status == PlanStatus.DRAFT]
    assert {bool(services.load_completeness(plan)) for plan in drafts} == {True, False}  # one still lacks its PDF


def test_muara_enim_is_left_for_the_demo_officer_to_draft(demo):
    assert not MasterPlan.objects.filter(regency__code="16.03").exists()
    officer = user("demo-officer")
    regency = officer.regency_memberships.get().regency
    plan = services.create_draft(
        officer, MasterPlan(regency=regency, title="Masterplan Smart City Muara Enim", start_year=2027, end_year=2031)
    )
    assert plan.status == PlanStatus.DRAFT and plan.mou.is_demo is False


def test_makassar_has_an_approved_plan_whose_officer_can_report_right_away(demo, client):
    plan = MasterPlan.objects.get(regency__code="73.71")
    officer = user("demo-officer-makassar")
    assert plan.status == PlanStatus.APPROVED
    assert plan.events.filter(action=PlanAction.CREATED, actor=officer).exists()
    programmes = list(plan.programmes.all())
    last, current = last_quarter(), Quarter.containing(timezone.localdate())
    assert ProgressUpdate.objects.filter(programme__plan=plan).count() > 10 * len(programmes)
    assert not ProgressUpdate.objects.filter(programme__plan=plan, year=current.year, quarter=current.quarter).exists()

    client.force_login(officer)
    response = client.get(reverse("masterplans:plan-progress", kwargs={"pk": plan.pk}), {"quarter": str(last)})
    assert response.status_code == 200
    assert response.context["can_report"] is True
    assert 0 < response.context["missing"] < len(programmes)  # a few have not reported yet

    update = ProgressUpdate(
        programme=programmes[0],
        year=current.year,
        quarter=current.quarter,
        physical_percent=Decimal("50"),
        spent=0,
        status=ProgressStatus.ON_TRACK,
    )
    services.save_progress(officer, update)
    assert update.pk and update.reported_by == officer


def test_events_follow_the_workflow_with_demo_actors_in_the_past_and_one_version_superseded(demo):
    reviewer, now = user("demo-reviewer"), timezone.now()
    for plan in MasterPlan.objects.all():
        events = list(plan.events.select_related("actor"))
        assert events[0].action in (PlanAction.CREATED, PlanAction.NEW_VERSION) and events[0].from_status == ""
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert before.created_at <= after.created_at
        assert events[-1].to_status == plan.status
        assert all(event.created_at < now for event in events)
        for event in events:
            if event.action in OFFICER_ACTIONS:
                assert services.is_officer_of(event.actor, plan.regency_id), event
            else:
                assert event.actor == reviewer, event
        submitted = [event.created_at for event in events if event.action == PlanAction.SUBMITTED]
        assert plan.submitted_at == (submitted[-1] if submitted else None)
        assert plan.created_at == events[0].created_at
    revisions = PlanEvent.objects.filter(action=PlanAction.REVISION_REQUESTED)
    assert revisions.count() >= 3 and all(len(event.comment) > 20 for event in revisions)
    for plan in MasterPlan.objects.filter(status=PlanStatus.REVISION_REQUESTED):
        assert plan.events.last().action == PlanAction.REVISION_REQUESTED

    old = MasterPlan.objects.get(status=PlanStatus.SUPERSEDED)  # one regency: version 1 replaced by version 2
    new = MasterPlan.objects.get(regency=old.regency, status=PlanStatus.APPROVED)
    assert (old.version, new.version, new.previous) == (1, 2, old)
    assert new.start_year == old.end_year + 1 and old.main_document.name != new.main_document.name
    assert new.events.first().action == PlanAction.NEW_VERSION
    superseded = old.events.get(action=PlanAction.SUPERSEDED)
    assert superseded.created_at == new.events.get(action=PlanAction.APPROVED).created_at

    officers = get_user_model().objects.filter(username__startswith="demo-officer-")
    officers = officers.exclude(username="demo-officer-makassar")
    assert officers.count() >= 10  # one per seeded regency: no password, no email, marked demo
    assert all(not officer.has_usable_password() and officer.email == "" for officer in officers)
    assert all(officer.groups.filter(name="Demo accounts").exists() for officer in officers)


def test_the_review_queue_shows_plans_of_different_ages(demo, client):
    queue = MasterPlan.objects.filter(status__in=[PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW])
    ages = sorted((timezone.now() - plan.submitted_at).days for plan in queue)
    assert len(ages) >= 5 and len(set(ages)) == len(ages)
    assert ages[0] < 7 and ages[-1] >= 21
    client.force_login(user("demo-reviewer"))
    response = client.get(reverse("masterplans:review-queue"))
    assert response.status_code == 200
    assert [plan.pk for plan in response.context["plans"]] == list(
        queue.order_by("submitted_at").values_list("pk", flat=True)
    )
    assert response.content.decode().count("badge-demo") >= len(ages)


def test_progress_covers_each_quarter_with_valid_figures(demo):
    today, last = timezone.localdate(), last_quarter()
    updates = list(ProgressUpdate.objects.select_related("programme__plan"))
    for update in updates:
        plan = update.programme.plan
        assert plan.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED)
        assert 0 <= update.physical_percent <= 100
        assert 0 <= update.spent <= update.programme.budget
        assert Quarter(update.year, update.quarter).end < today
        assert plan.start_year <= update.year <= plan.end_year
        assert update.reported_by and services.is_officer_of(update.reported_by, plan.regency_id)
        assert Quarter(update.year, update.quarter).end <= timezone.localdate(update.created_at) <= today
    statuses = {update.status for update in updates}
    assert statuses == set(ProgressStatus.values)
    for plan in MasterPlan.objects.filter(status=PlanStatus.APPROVED):
        programme_count = plan.programmes.count()
        quarter = Quarter(plan.start_year, 1)
        while quarter < last:
            reported = ProgressUpdate.objects.filter(
                programme__plan=plan, year=quarter.year, quarter=quarter.quarter
            ).count()
            assert reported == programme_count, (plan, quarter)
            quarter = quarter.next()
        latest = ProgressUpdate.objects.filter(programme__plan=plan, year=last.year, quarter=last.quarter).count()
        assert 0 < latest < programme_count


def test_running_seed_demo_again_adds_nothing(demo):
    before = counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    line = next(line for line in out.getvalue().splitlines() if line.startswith("DEMO plans:"))
    assert line.startswith(f"DEMO plans: 0 created, {before['plans']} in all (")
    for status in PlanStatus.values:
        assert status.replace("_", " ") in line


def test_seed_demo_builds_the_same_plans_every_time(programme, settings):
    settings.DEBUG = True
    with transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        first = signature()
        transaction.set_rollback(True)
    assert not MasterPlan.objects.exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert signature() == first


def test_workflow_emails_of_the_seed_stay_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    eager = celery_app.conf.task_always_eager
    with emails_kept_in_memory():
        assert django_settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
        assert celery_app.conf.task_always_eager is True
    assert django_settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert celery_app.conf.task_always_eager == eager
