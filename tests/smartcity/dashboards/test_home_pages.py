"""The home page by role: a reviewer's queue with ages, an officer's regencies with what to do next, the ministry's
key figures; visitors and partners keep the public home."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from masterplans import services
from masterplans.choices import FundingSource, Horizon, PlanAction, PlanStatus, ProgressStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate
from masterplans.schedule import Quarter
from mou.models import Cohort, MoU
from regencies.models import Regency
from smartcity import roles
from smartcity.dashboards import home
from tests.factories import MoUFactory, RegencyMembershipFactory, UserFactory, complete_plan, mous_for

pytestmark = pytest.mark.django_db

# Every signed-in page: the session, its user, the header's demo marker and role badges, the user's permissions
# (user and group), and the officer's regencies (asked of everyone: it decides the officer panel).
PAGE_QUERIES = 7
REVIEWER_QUERIES = PAGE_QUERIES + 4  # queue counts, plans taken up, the oldest plans, self-assessments to confirm
OFFICER_QUERIES = PAGE_QUERIES + 8  # regencies, MoUs, plans, programmes of drafts, exemptions, dimensions, progress,
# self-assessments due
MINISTRY_QUERIES = PAGE_QUERIES + 5  # members, goals, plan counts, progress, latest report

MAKASSAR, SURABAYA, BANDUNG, DENPASAR = "73.71", "35.78", "32.73", "51.71"
RUPIAH = 1_000_000_000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the pages in English."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def member(code, username=None):
    """A regency/city with an active MoU (signed 8 May 2018 unless it has one) and an officer of it."""
    regency = Regency.objects.get(code=code)
    if not MoU.objects.filter(regency=regency).exists():
        MoUFactory(regency=regency, cohort=Cohort.objects.get(year=2018), signed_on=datetime.date(2018, 5, 8))
    user = UserFactory(username=username or f"officer-{code}", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=user, regency=regency)
    return regency, user


def draft_of(regency, officer, start_year=2019, complete=True):
    plan = MasterPlan(
        regency=regency, title=f"Masterplan {regency.name}", start_year=start_year, end_year=start_year + 4
    )
    services.create_draft(officer, plan)
    if complete:
        complete_plan(plan)
    return plan


def submit(plan, officer, days_ago):
    """Submit ``plan``, as if at the start of the Jakarta day ``days_ago`` days ago: at least that many whole days,
    and that many calendar days whatever the hour the test runs (an hour earlier crossed a day after midnight)."""
    services.submit(plan.pk, officer)
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    MasterPlan.objects.filter(pk=plan.pk).update(submitted_at=submitted_at)


def approve(plan, officer, reviewer, comment="Sesuai panduan."):
    services.submit(plan.pk, officer)
    services.take_up(plan.pk, reviewer)
    return services.approve(plan.pk, reviewer, comment)


def main_html(response):
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def text(html):
    """The page's text, tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def figure(response, name):
    return re.search(rf'data-figure="{name}">([^<]*)<', main_html(response)).group(1)


def get_home(client, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("home"))


# --- Who sees which home --------------------------------------------------------------------------------------------


def test_visitors_keep_the_public_home(client, programme):
    response = get_home(client)

    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "dashboards/public_home.html"
    assert (response.context["province_count"], response.context["regency_count"]) == (38, 514)
    assert "panels" not in response.context


@pytest.mark.parametrize("role", [roles.PARTNER, None])
def test_partners_and_accounts_without_a_role_keep_the_public_home(client, programme, role):
    user = UserFactory(username="someone", role=role)

    response = get_home(client, user)

    assert response.templates[0].name == "dashboards/public_home.html"
    assert "Gerakan Menuju 100 Smart City" in main_html(response)


def test_each_role_gets_its_own_panel(client, programme, officer, reviewer, ministry_admin):
    assert set(home.panels(officer)) == {"officer"}
    assert set(home.panels(reviewer)) == {"reviewer"}
    assert set(home.panels(ministry_admin)) == {"ministry"}

    response = get_home(client, reviewer)

    assert response.templates[0].name == "dashboards/home.html"
    html = main_html(response)
    assert 'id="home-reviewer"' in html and 'id="home-ministry"' not in html and "regency-home" not in html


# --- Reviewer -------------------------------------------------------------------------------------------------------


@pytest.fixture
def queue(programme, reviewer):
    """Makassar submitted 40 days ago, untouched; Surabaya 10 days ago, taken up by ``reviewer``; Bandung 5 days ago,
    taken up by another reviewer; Denpasar approved by ``reviewer``; Muara Enim a draft."""
    other = UserFactory(username="reviewer2", role=roles.MINISTRY_REVIEWER)
    plans = {}
    for code, days_ago, taker in [(MAKASSAR, 40, None), (SURABAYA, 10, reviewer), (BANDUNG, 5, other)]:
        regency, officer = member(code)
        plans[code] = draft_of(regency, officer)
        submit(plans[code], officer, days_ago)
        if taker:
            services.take_up(plans[code].pk, taker)
    regency, officer = member(DENPASAR)
    plans[DENPASAR] = approve(draft_of(regency, officer), officer, reviewer)
    regency, officer = member("16.03")
    plans["16.03"] = draft_of(regency, officer, complete=False)
    return plans


def test_the_reviewer_sees_the_queue_counts(queue, reviewer):
    counts = home.reviewer_panel(reviewer, timezone.now())["counts"]

    # Waiting: Makassar, Surabaya, Bandung. Over 30 days: Makassar. Taken up by this reviewer: Surabaya and Denpasar.
    assert counts == {"waiting": 3, "not_taken_up": 1, "late": 1, "with_me": 1, "taken_up": 2}


def test_the_reviewer_sees_the_oldest_plans_with_their_age_in_days(client, queue, reviewer):
    response = get_home(client, reviewer)

    oldest = response.context["panels"]["reviewer"]["oldest"]
    assert [(plan.regency.code, plan.age_days, plan.is_mine) for plan in oldest] == [
        (MAKASSAR, 40, False),
        (SURABAYA, 10, True),
        (BANDUNG, 5, False),
    ]
    html = main_html(response)
    assert [figure(response, name) for name in ("waiting", "not_taken_up", "late", "with_me")] == ["3", "1", "1", "1"]
    assert "You have taken up 2 plans for review so far." in text(html)
    rows = re.findall(r"<tr>\s*<td class=\"num\">(\d+)</td>.*?<code>([\d.]+)</code>", html, re.S)
    assert rows == [("40", MAKASSAR), ("10", SURABAYA), ("5", BANDUNG)]
    assert html.count('<span class="badge">with you</span>') == 1
    assert f'href="{reverse("masterplans:review-queue")}"' in html
    for plan in (queue[MAKASSAR], queue[SURABAYA], queue[BANDUNG]):
        assert f'href="{plan.get_absolute_url()}"' in html
    assert queue[DENPASAR].get_absolute_url() not in html and queue["16.03"].get_absolute_url() not in html


def test_the_reviewer_sees_at_most_ten_plans_oldest_first(programme, reviewer):
    queued_plans(13, reviewer)

    oldest = home.reviewer_panel(reviewer, timezone.now())["oldest"]

    assert len(oldest) == home.QUEUE_ITEMS == 10
    assert [plan.age_days for plan in oldest] == list(range(13, 3, -1))


def test_an_empty_queue_says_so(client, programme, reviewer):
    response = get_home(client, reviewer)

    assert "Nothing waits for review." in main_html(response)
    assert [figure(response, name) for name in ("waiting", "not_taken_up", "late", "with_me")] == ["0", "0", "0", "0"]
    assert "You have taken up 0 plans for review so far." in text(main_html(response))


def queued_plans(count, reviewer):
    """``count`` plans waiting for review, submitted 1 to ``count`` days ago, every other one taken up by
    ``reviewer``, each with three programmes: made in bulk, for sizes."""
    now = timezone.now()
    regencies = list(Regency.objects.filter(mous__isnull=True).order_by("code")[:count])
    mous = mous_for(regencies, Cohort.objects.get(year=2018))
    plans = MasterPlan.objects.bulk_create(
        [
            MasterPlan(
                regency=mou.regency,
                mou=mou,
                title=f"Masterplan {mou.regency.name}",
                start_year=2027,
                end_year=2031,
                status=PlanStatus.IN_REVIEW if index % 2 else PlanStatus.SUBMITTED,
                submitted_at=now - datetime.timedelta(days=index + 1, hours=1),
            )
            for index, mou in enumerate(mous)
        ]
    )
    PlanEvent.objects.bulk_create(
        PlanEvent(plan=plan, actor=reviewer, action=PlanAction.TAKEN_UP, to_status=PlanStatus.IN_REVIEW)
        for plan in plans
        if plan.status == PlanStatus.IN_REVIEW
    )
    dimension = Dimension.objects.first()
    Programme.objects.bulk_create(
        Programme(
            plan=plan,
            dimension=dimension,
            name=f"Program {n}",
            horizon=Horizon.SHORT,
            start_year=2027,
            end_year=2031,
            budget=RUPIAH,
            funding_source=FundingSource.APBD,
            agency="Diskominfo",
        )
        for plan in plans
        for n in range(3)
    )
    return plans


@pytest.mark.parametrize("size", [1, 25])
def test_the_reviewer_home_runs_the_same_queries_for_1_and_25_plans(
    client, programme, reviewer, django_assert_num_queries, size
):
    queued_plans(size, reviewer)
    client.force_login(reviewer)

    with django_assert_num_queries(REVIEWER_QUERIES):
        response = client.get(reverse("home"))

    assert response.context["panels"]["reviewer"]["counts"]["waiting"] == size
    assert len(response.context["panels"]["reviewer"]["oldest"]) == min(size, 10)


# --- Officer --------------------------------------------------------------------------------------------------------


def steps(response, code="16.03"):
    row = next(row for row in response.context["panels"]["officer"]["rows"] if row["regency"].code == code)
    return [step["kind"] for step in row["steps"]]


def regency_html(response, code="16.03"):
    html = main_html(response)
    return re.search(
        rf'<section class="home-panel regency-home" id="regency-{re.escape(code)}">(.*?)</section>', html, re.S
    )[1]


def test_an_officer_without_a_plan_is_told_to_start_one(client, programme, officer):
    response = get_home(client, officer)

    assert steps(response) == [home.START]
    html = regency_html(response)
    assert "Signed on 8 May 2018, cohort 2018" in text(html)
    assert "None yet" in html
    assert f'href="{reverse("masterplans:plan-create", args=["16.03"])}"' in html


def test_an_officer_of_a_regency_without_an_mou_cannot_start_a_plan(client, programme):
    officer = UserFactory(username="palembang", role=roles.REGENCY_OFFICER)
    RegencyMembershipFactory(user=officer, regency=Regency.objects.get(code="16.71"))

    response = get_home(client, officer)

    assert steps(response, "16.71") == [home.NO_MOU]
    html = regency_html(response, "16.71")
    assert "No active MoU" in html and "cannot be started yet" in html
    assert "/plans/new/" not in html


def test_an_officer_with_an_incomplete_draft_sees_what_is_missing(client, programme, officer):
    plan = draft_of(Regency.objects.get(code="16.03"), officer, complete=False)

    response = get_home(client, officer)

    assert steps(response) == [home.FINISH]
    [step] = response.context["panels"]["officer"]["rows"][0]["steps"]
    names = ", ".join(dimension.name_en for dimension in Dimension.objects.order_by("order", "code"))
    assert step["problems"] == services.load_completeness(plan)
    assert step["problems"] == [
        "Upload the main document (PDF).",
        "Add at least one programme.",
        f"Add a programme to each dimension or mark it not applicable: {names}.",
    ]
    html = regency_html(response)
    assert "Finish the draft of version 1. Still missing:" in text(html)
    assert "Upload the main document (PDF)." in html and "Add at least one programme." in html
    assert f'href="{plan.get_absolute_url()}"' in html
    assert "/plans/new/" not in html


def test_an_officer_with_a_complete_draft_is_told_to_submit_it(client, programme, officer):
    draft_of(Regency.objects.get(code="16.03"), officer)

    response = get_home(client, officer)

    assert steps(response) == [home.SUBMIT]
    assert "The draft of version 1 is complete: submit it for review." in text(regency_html(response))


def test_an_officer_waiting_for_review_sees_how_long_it_has_waited(client, programme, officer, reviewer):
    plan = draft_of(Regency.objects.get(code="16.03"), officer)
    submit(plan, officer, days_ago=12)

    response = get_home(client, officer)

    assert steps(response) == [home.WAIT]
    html = text(regency_html(response))
    assert "Version 1 waits for the ministry's review" in html and "12 days ago" in html
    assert "No reviewer has taken it up yet." in html

    services.take_up(plan.pk, reviewer)
    assert "A reviewer has taken it up." in text(regency_html(get_home(client)))


def test_an_officer_sees_the_reviewers_last_comment_without_the_reviewers_name(client, programme, officer, reviewer):
    reviewer.first_name, reviewer.last_name = "Rina", "Penelaah"
    reviewer.save()
    plan = draft_of(Regency.objects.get(code="16.03"), officer)
    services.submit(plan.pk, officer)
    services.take_up(plan.pk, reviewer)
    services.request_revision(plan.pk, reviewer, "Lengkapi rujukan RPJMD.")

    response = get_home(client, officer)

    assert steps(response) == [home.SUBMIT]
    html = regency_html(response)
    assert '<blockquote class="feedback">Lengkapi rujukan RPJMD.</blockquote>' in html
    assert "Revision requested" in html
    assert "Version 1 is complete: check it against the ministry's comment, then submit it again." in text(html)
    assert "Rina" not in html and "Penelaah" not in html


@pytest.fixture
def in_force(programme, officer, reviewer):
    """Muara Enim's approved plan running from last year, with one of its six programmes reported for the quarter
    that is due (the last one that ended)."""
    plan = approve(
        draft_of(Regency.objects.get(code="16.03"), officer, start_year=timezone.localdate().year - 1),
        officer,
        reviewer,
    )
    quarter = Quarter.containing(timezone.localdate()).previous()
    first = plan.programmes.order_by("pk").first()
    ProgressUpdate.objects.create(
        programme=first, year=quarter.year, quarter=quarter.quarter, physical_percent=50, spent=RUPIAH // 2,
        status=ProgressStatus.ON_TRACK,
    )  # fmt: skip
    return plan


def approved_on(plan, day):
    """``plan`` as if approved at 10:00 on ``day``."""
    decided_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    MasterPlan.objects.filter(pk=plan.pk).update(decided_at=decided_at)
    plan.decided_at = decided_at
    return plan


def test_an_officer_with_an_approved_plan_sees_the_update_that_is_due_and_what_misses_it(client, in_force, officer):
    today = timezone.localdate()
    quarter = Quarter.containing(today).previous()
    due = quarter.due()
    approved_on(in_force, quarter.start)  # before the update fell due: it is overdue once the due date has passed

    response = get_home(client, officer)

    assert steps(response) == [home.REPORT]
    [step] = response.context["panels"]["officer"]["rows"][0]["steps"]
    assert (step["quarter"], step["due"], step["expected"], step["missing"]) == (quarter, due, 6, 5)
    assert step["overdue"] == (today > due.date)
    html = text(regency_html(response))
    due_text = f"{due.date.day} {due.date:%B %Y}"
    if step["overdue"]:
        assert f"The progress update for {quarter.year} Q{quarter.quarter} was due on {due_text} and is overdue" in html
        assert "5 of 6 programmes have not reported." in html
    else:
        assert f"Report progress for {quarter.year} Q{quarter.quarter} by {due_text}" in html
        assert "5 of 6 programmes still have to report." in html
    link = reverse("masterplans:plan-progress", args=[in_force.pk]) + f"?quarter={quarter.year}%20Q{quarter.quarter}"
    assert f'href="{link}"' in regency_html(response)
    assert '<blockquote class="feedback">Sesuai panduan.</blockquote>' in regency_html(response)


def test_an_update_that_fell_due_before_the_plan_was_approved_is_not_reported_not_overdue(client, in_force, officer):
    quarter = Quarter.containing(timezone.localdate()).previous()
    due = quarter.due().date
    approved_on(in_force, due)  # on the due day itself: the update was not owed by then

    response = get_home(client, officer)

    [step] = response.context["panels"]["officer"]["rows"][0]["steps"]
    assert (step["quarter"], step["missing"], step["overdue"], step["before_approval"]) == (quarter, 5, False, True)
    html = text(regency_html(response))
    assert (
        f"The progress update for {quarter.year} Q{quarter.quarter} fell due on {due.day} {due:%B %Y}, before this "
        "plan was approved, so it is not late: 5 of 6 programmes have not reported." in html
    )
    assert "overdue" not in html


def test_once_every_programme_reported_the_officer_sees_the_next_due_date(client, in_force, officer):
    quarter = Quarter.containing(timezone.localdate()).previous()
    for programme in in_force.programmes.order_by("pk")[1:]:
        ProgressUpdate.objects.create(
            programme=programme, year=quarter.year, quarter=quarter.quarter, physical_percent=10, spent=0,
            status=ProgressStatus.ON_TRACK,
        )  # fmt: skip

    response = get_home(client, officer)

    [step] = response.context["panels"]["officer"]["rows"][0]["steps"]
    upcoming = Quarter.containing(timezone.localdate())
    assert (step["missing"], step["reported"], step["quarter"], step["due"]) == (0, quarter, upcoming, upcoming.due())
    html = text(regency_html(response))
    assert f"Every programme has reported for {quarter.year} Q{quarter.quarter}." in html
    due = upcoming.due().date
    assert (
        f"The next progress update, for {upcoming.year} Q{upcoming.quarter}, is due on {due.day} {due:%B %Y}." in html
    )


def test_a_new_version_in_the_works_and_the_plan_in_force_each_have_a_step(client, in_force, officer):
    new = services.start_new_version(in_force.pk, officer)

    response = get_home(client, officer)

    assert steps(response) == [home.SUBMIT, home.REPORT]  # the copy is complete; the approved plan still reports
    row = response.context["panels"]["officer"]["rows"][0]
    assert (row["current"], row["approved"]) == (new, in_force)
    assert "Approved plan in force" in regency_html(response)


def plan_2023_2027():
    return MasterPlan(start_year=2023, end_year=2027, version=1)


@pytest.mark.parametrize(
    "today, overdue",
    [(datetime.date(2024, 10, 15), False), (datetime.date(2024, 10, 16), True)],
    ids=["on-the-due-day", "the-day-after"],
)
def test_the_update_for_the_quarter_that_ended_is_due_15_days_later(today, overdue):
    step = home.progress_step(plan_2023_2027(), (6, 2), Quarter(2024, 3), today)

    # 2024 Q3 ended on 30 September; 15 days later is Tuesday 15 October 2024, a working day.
    assert (step["quarter"], step["due"].date, step["missing"], step["expected"]) == (
        Quarter(2024, 3),
        datetime.date(2024, 10, 15),
        2,
        6,
    )
    assert step["overdue"] is overdue
    assert step["link_quarter"] == "2024 Q3"


@pytest.mark.parametrize(
    "approved, overdue",
    [(datetime.date(2024, 10, 14), True), (datetime.date(2024, 10, 15), False), (datetime.date(2024, 10, 20), False)],
    ids=["the-day-before-the-due-day", "on-the-due-day", "after-the-due-day"],
)
def test_an_update_is_overdue_only_for_a_plan_approved_before_its_due_day(approved, overdue):
    plan = plan_2023_2027()
    plan.decided_at = timezone.make_aware(datetime.datetime.combine(approved, datetime.time(16)))

    step = home.progress_step(plan, (6, 2), Quarter(2024, 3), datetime.date(2024, 10, 21))

    # 2024 Q3 updates fell due on Tuesday 15 October 2024.
    assert (step["overdue"], step["before_approval"], step["missing"]) == (overdue, not overdue, 2)


def test_with_nothing_missing_the_next_update_is_the_running_quarters():
    step = home.progress_step(plan_2023_2027(), (6, 0), Quarter(2024, 3), datetime.date(2024, 10, 16))

    # 2024 Q4 ends on 31 December; its update is due on Wednesday 15 January 2025.
    assert (step["quarter"], step["due"].date, step["missing"]) == (Quarter(2024, 4), datetime.date(2025, 1, 15), 0)
    assert step["reported"] == Quarter(2024, 3)


def test_a_plan_that_starts_later_owes_its_first_update_for_its_first_quarter():
    plan = MasterPlan(start_year=2026, end_year=2030, version=1)

    step = home.progress_step(plan, (0, 0), Quarter(2024, 3), datetime.date(2024, 10, 16))

    assert (step["quarter"], step["due"].date, step["link_quarter"]) == (
        Quarter(2026, 1),
        datetime.date(2026, 4, 15),
        "",
    )


def test_a_plan_whose_period_has_ended_owes_nothing_more():
    plan = MasterPlan(start_year=2019, end_year=2023, version=1)

    step = home.progress_step(plan, (6, 6), Quarter(2024, 3), datetime.date(2024, 10, 16))

    assert step == {"kind": home.REPORT, "plan": plan, "ended": True}


def test_an_officer_of_two_regencies_sees_both(client, programme, officer):
    makassar, _ = member(MAKASSAR)
    RegencyMembershipFactory(user=officer, regency=makassar)

    response = get_home(client, officer)

    assert [row["regency"].code for row in response.context["panels"]["officer"]["rows"]] == ["16.03", MAKASSAR]
    assert steps(response, MAKASSAR) == [home.START]


def officer_of_many(officer, reviewer, count):
    """``officer`` acts for Muara Enim (a draft) and ``count`` more regencies, each with an approved plan with
    progress and a new version in the works."""
    draft_of(Regency.objects.get(code="16.03"), officer, complete=False)
    quarter = Quarter.containing(timezone.localdate()).previous()
    for regency in Regency.objects.filter(mous__isnull=True).order_by("code")[:count]:
        _, other = member(regency.code)
        RegencyMembershipFactory(user=officer, regency=regency)
        plan = approve(draft_of(regency, other, start_year=timezone.localdate().year - 1), other, reviewer)
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                programme=programme, year=quarter.year, quarter=quarter.quarter, physical_percent=10, spent=0,
                status=ProgressStatus.ON_TRACK,
            )
            for programme in plan.programmes.all()[:3]
        )  # fmt: skip
        services.start_new_version(plan.pk, other)


@pytest.mark.parametrize("size", [0, 4])
def test_the_officer_home_runs_the_same_queries_for_1_and_5_regencies(
    client, programme, officer, reviewer, django_assert_num_queries, size
):
    officer_of_many(officer, reviewer, size)
    client.force_login(officer)

    with django_assert_num_queries(OFFICER_QUERIES):
        response = client.get(reverse("home"))

    rows = response.context["panels"]["officer"]["rows"]
    assert len(rows) == size + 1
    assert sorted(kind for row in rows for kind in (step["kind"] for step in row["steps"])) == sorted(
        [home.FINISH] + [home.SUBMIT, home.REPORT] * size
    )


# --- Ministry -------------------------------------------------------------------------------------------------------


@pytest.fixture
def programme_today(programme, officer, reviewer):
    """Muara Enim (real, 2018) with its plan in force from last year, one of six programmes reported for the quarter
    that is due; Makassar and Surabaya members, Makassar's plan waiting 40 days, Surabaya's a draft; Bandung a demo
    member with nothing."""
    approve(
        draft_of(Regency.objects.get(code="16.03"), officer, start_year=timezone.localdate().year - 1),
        officer,
        reviewer,
    )
    quarter = Quarter.containing(timezone.localdate()).previous()
    ProgressUpdate.objects.create(
        programme=Programme.objects.filter(plan__regency__code="16.03").order_by("pk").first(), year=quarter.year,
        quarter=quarter.quarter, physical_percent=50, spent=0, status=ProgressStatus.ON_TRACK,
    )  # fmt: skip
    regency, makassar_officer = member(MAKASSAR)
    submit(draft_of(regency, makassar_officer), makassar_officer, days_ago=40)
    regency, surabaya_officer = member(SURABAYA)
    draft_of(regency, surabaya_officer, complete=False)
    MoUFactory(regency=Regency.objects.get(code=BANDUNG), cohort=Cohort.objects.get(year=2019), is_demo=True)


def test_the_ministry_sees_the_key_figures(client, programme_today, ministry_admin):
    response = get_home(client, ministry_admin)

    panel = response.context["panels"]["ministry"]
    assert panel["members"] == {"real": 3, "demo": 1, "total": 4, "without_plan": 3, "without_plan_demo": 1}
    assert panel["plans"] == {"approved": 1, "approved_demo": 0, "working": 1, "waiting": 1, "late": 1}
    quarter = Quarter.containing(timezone.localdate()).previous()
    assert (panel["progress"]["expected"], panel["progress"]["missing"]) == (6, 5)
    assert (panel["progress"]["quarter"], panel["progress"]["due"]) == (quarter, quarter.due())
    [goal] = panel["goals"]
    assert (goal["goal"].target, goal["percent"]) == (100, 4.0)
    assert [figure(response, name) for name in ("members", "approved", "without_plan", "waiting", "working")] == [
        "4 / 100",
        "1",
        "3",
        "1",
        "1",
    ]
    assert figure(response, "missing") == "5 / 6"
    html = main_html(response)
    assert "1 demo" in html
    assert "plans waiting for review, 1 of them over 30 days" in text(html)


def test_the_ministry_home_links_to_the_dashboard_and_the_reports(client, programme, ministry_admin):
    html = main_html(get_home(client, ministry_admin))

    assert f'href="{reverse("dashboard")}"' in html
    assert f'href="{reverse("report-list")}"' in html
    assert f'href="{reverse("mou:mou-list")}"' in html
    assert 'id="oldest-waiting"' not in html


def test_the_ministry_home_links_the_latest_national_report(client, programme, ministry_admin):
    from smartcity.reports.choices import PeriodKind, ReportStatus
    from smartcity.reports.models import ProgressReport

    ProgressReport.objects.create(
        period_kind=PeriodKind.MONTH, year=2026, number=9, status=ReportStatus.DONE, finished_at=timezone.now()
    )

    html = main_html(get_home(client, ministry_admin))

    report = ProgressReport.objects.get()
    assert f'Most recently generated national report: <a href="{report.get_absolute_url()}">September 2026</a>' in html


@pytest.mark.parametrize("size", [0, 30])
def test_the_ministry_home_runs_the_same_queries_for_small_and_large_data(
    client, programme, ministry_admin, reviewer, django_assert_num_queries, size
):
    queued_plans(size, reviewer)
    client.force_login(ministry_admin)

    with django_assert_num_queries(MINISTRY_QUERIES):
        response = client.get(reverse("home"))

    assert response.context["panels"]["ministry"]["members"]["total"] == size + 1
    assert response.context["panels"]["ministry"]["plans"]["waiting"] == size
