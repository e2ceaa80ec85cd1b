"""The bimtek stages of members: ministry admins record and edit them from the regency's dashboard page, nobody else
may; the page shows them as they stood on the day; the national dashboard counts the members that finished each
stage in its pipeline, in the same aggregate (no query more), and the cached figures follow a new stage; the demo
stages; fixed query counts at two sizes."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from masterplans.choices import BimtekStage
from mou.choices import MoUStatus
from mou.models import Cohort, MoU
from regencies.models import Regency
from smartcity.dashboards import national
from smartcity.demo.bimtek import seed_bimtek
from smartcity.demo.bimtek import summary as demo_summary
from smartcity.evaluation.models import BimtekSession
from tests.factories import mous_for

MUARA_ENIM = "16.03"  # signed its MoU on 8 May 2018 (load_programme)


def stage_url(stage, code=MUARA_ENIM):
    return reverse("evaluation:bimtek-stage", args=[code, stage])


def regency_page(client, code=MUARA_ENIM, **params):
    return client.get(reverse("dashboard-regency", args=[code]), params)


def dates(start, end, **extra):
    """The form's date parts, as the browser posts them."""
    data = {}
    for name, day in (("started_on", start), ("ended_on", end)):
        data |= {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}
    return data | {"guide": "Tim Bimtek Ditjen Aptika", "note": ""} | extra


def shown(response, slug="bimtek"):
    with translation.override("en"):
        return list(response.context["sections"][slug].displayed())


def session(regency_code, stage, start, end, mou=None, **fields):
    regency = Regency.objects.get(code=regency_code)
    mou = mou or MoU.objects.get(regency=regency, status=MoUStatus.ACTIVE)
    return BimtekSession.objects.create(
        regency=regency, mou=mou, stage=stage, started_on=start, ended_on=end, guide="Narasumber", **fields
    )


@pytest.fixture(autouse=True)
def default_language():
    """A page in English leaves English active in the thread: the next test starts in the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def admin_client(programme, english, ministry_admin):
    english.force_login(ministry_admin)
    return english


@pytest.fixture
def reviewer_client(programme, english, reviewer):
    english.force_login(reviewer)
    return english


# --- Recording a stage ------------------------------------------------------------------------------------------


def test_an_admin_records_a_stage_from_the_regency_page_and_edits_it(admin_client, ministry_admin):
    page = regency_page(admin_client).content.decode()
    assert stage_url(BimtekStage.READINESS) in page and "Record" in page

    form = admin_client.get(stage_url(BimtekStage.READINESS))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="started_on_day"' in html and 'name="ended_on_month"' in html and 'name="ended_on_year"' in html

    response = admin_client.post(
        stage_url(BimtekStage.READINESS),
        dates(datetime.date(2018, 7, 10), datetime.date(2018, 7, 12), guide_account=ministry_admin.pk),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard-regency", args=[MUARA_ENIM]) + "#bimtek"
    recorded = BimtekSession.objects.get()
    muara_enim = MoU.objects.get(regency__code=MUARA_ENIM)
    assert (recorded.regency, recorded.mou, recorded.stage) == (muara_enim.regency, muara_enim, BimtekStage.READINESS)
    assert (recorded.started_on, recorded.ended_on) == (datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))
    assert recorded.guide_account == ministry_admin and not recorded.is_demo
    assert recorded.history.get().history_user == ministry_admin

    # The same stage again edits its record: one per MoU and stage.
    edit = admin_client.get(stage_url(BimtekStage.READINESS)).content.decode()
    assert 'value="Tim Bimtek Ditjen Aptika"' in edit
    response = admin_client.post(
        stage_url(BimtekStage.READINESS),
        dates(datetime.date(2018, 7, 9), datetime.date(2018, 7, 12), guide="Direktorat Layanan Aplikasi"),
    )
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert (recorded.started_on, recorded.guide, recorded.guide_account) == (
        datetime.date(2018, 7, 9),
        "Direktorat Layanan Aplikasi",
        None,
    )
    assert BimtekSession.objects.count() == 1 and recorded.history.count() == 2
    assert "Edit" in regency_page(admin_client).content.decode()


def test_the_form_takes_dates_in_indonesian(programme, client, ministry_admin):
    client.force_login(ministry_admin)
    html = client.get(stage_url(BimtekStage.MAPPING)).content.decode()
    assert ">Mei<" in html and "Tanggal" in html  # the month by name, the parts labelled, in the page's language


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ((2018, 7, 12), (2018, 7, 10), "ended_on", "A stage cannot end before it starts."),
        ((2018, 5, 1), (2018, 5, 3), "started_on", "a stage cannot start before it was signed (8 May 2018)"),
        ((2018, 7, 10), (2999, 7, 12), "ended_on", "The end date cannot be in the future"),
    ],
)
def test_bad_dates_are_a_form_error_and_nothing_is_saved(admin_client, start, end, field, message):
    response = admin_client.post(stage_url(BimtekStage.READINESS), dates(datetime.date(*start), datetime.date(*end)))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not BimtekSession.objects.exists()


def test_a_day_that_does_not_exist_is_refused(admin_client):
    data = dates(datetime.date(2018, 7, 10), datetime.date(2018, 7, 12)) | {"ended_on_day": "31", "ended_on_month": "2"}
    response = admin_client.post(stage_url(BimtekStage.READINESS), data)
    assert response.status_code == 200 and "ended_on" in response.context["form"].errors
    assert not BimtekSession.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "partner", "reviewer"])
def test_only_ministry_admins_may_record_a_stage(programme, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(stage_url(BimtekStage.READINESS)).status_code == 403
    post = client.post(stage_url(BimtekStage.READINESS), dates(datetime.date(2018, 7, 10), datetime.date(2018, 7, 12)))
    assert post.status_code == 403
    assert client.get(stage_url(9, code="99.99")).status_code == 403  # no hint of which codes exist
    assert not BimtekSession.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(programme, client):
    for response in (
        client.get(stage_url(BimtekStage.READINESS)),
        client.post(stage_url(BimtekStage.READINESS), dates(datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not BimtekSession.objects.exists()


def test_an_unknown_stage_or_regency_or_one_without_an_active_mou_is_not_found(admin_client):
    assert admin_client.get(stage_url(5)).status_code == 404
    assert admin_client.get(stage_url(BimtekStage.READINESS, code="99.99")).status_code == 404
    assert admin_client.get(stage_url(BimtekStage.READINESS, code="32.73")).status_code == 404  # not a member
    mou = MoU.objects.get(regency__code=MUARA_ENIM)
    MoU.objects.filter(pk=mou.pk).update(status=MoUStatus.TERMINATED, ended_on=datetime.date(2020, 1, 1))
    assert admin_client.get(stage_url(BimtekStage.READINESS)).status_code == 404


# --- The regency page ---------------------------------------------------------------------------------------------


def test_the_regency_page_shows_the_stages_as_they_stood_on_the_day(reviewer_client):
    session(MUARA_ENIM, BimtekStage.READINESS, datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))
    session(MUARA_ENIM, BimtekStage.MAPPING, datetime.date(2018, 9, 3), datetime.date(2018, 9, 5), is_demo=True)

    response = regency_page(reviewer_client, as_of="2018-09-04")
    assert response.status_code == 200
    assert shown(response) == [
        ["I: readiness", "Done", "10 July 2018", "12 July 2018", "Narasumber", "no"],
        ["II: mapping RPJMD and Renstra OPD programmes", "Under way", "3 September 2018", "5 September 2018"]
        + ["Narasumber", "yes"],
        ["III: proposing innovations", "Not yet", "—", "—", "—", "—"],
        ["IV: implementation plan and quick wins", "Not yet", "—", "—", "—", "—"],
    ]
    html = response.content.decode()
    assert "Technical guidance (bimtek)" in html and "12 July 2018" in html
    assert stage_url(BimtekStage.READINESS) not in html  # reviewers read, admins record

    before = regency_page(reviewer_client, as_of="2018-07-01")
    assert [row[1] for row in shown(before)] == ["Not yet"] * 4
    assert "10 July 2018" not in before.content.decode()

    not_yet_signed = regency_page(reviewer_client, as_of="2018-05-07")
    assert shown(not_yet_signed) == []
    assert "no technical guidance yet" in not_yet_signed.content.decode()


def test_the_regency_page_reads_the_stages_in_indonesian(programme, client, reviewer):
    session(MUARA_ENIM, BimtekStage.READINESS, datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))
    client.force_login(reviewer)
    html = regency_page(client, as_of="2018-08-01").content.decode()
    assert "12 Juli 2018" in html


def test_the_stages_download_as_csv(reviewer_client):
    session(MUARA_ENIM, BimtekStage.READINESS, datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))
    response = regency_page(reviewer_client, as_of="2018-08-01", export="bimtek")
    assert response.status_code == 200 and "10 July 2018" in response.content.decode("utf-8-sig")


# --- The dashboard's pipeline -------------------------------------------------------------------------------------


def members_with_stages(count, skip=0):
    """``count`` members of the 2019 cohort (signed 8 May 2019), from West, Central and East Java after the first
    ``skip``; the n-th finished ``n % 5`` stages by 2019-12-31, one a month from July."""
    java = Regency.objects.filter(province__code__in=["32", "33", "35"]).exclude(code="33.01").order_by("code")
    regencies = list(java[skip : skip + count])
    mous = mous_for(regencies, Cohort.objects.get(year=2019))
    BimtekSession.objects.bulk_create(
        BimtekSession(
            regency=mou.regency,
            mou=mou,
            stage=stage,
            started_on=datetime.date(2019, 6 + stage, 1),
            ended_on=datetime.date(2019, 6 + stage, 3),
            guide="Narasumber",
        )
        for n, mou in enumerate(mous)
        for stage in BimtekStage.values[: n % 5]
    )
    return mous


def bimtek_rows(board):
    return list(board["sections"]["bimtek"].displayed())


@pytest.fixture
def in_english():
    with translation.override("en"):
        yield


def test_the_pipeline_counts_the_members_that_finished_each_stage(programme, in_english):
    members_with_stages(10)  # stages done: 0,1,2,3,4,0,1,2,3,4
    session(MUARA_ENIM, BimtekStage.READINESS, datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))
    # Not a member on the day: an ended MoU's stages are not counted.
    ended = mous_for(
        [Regency.objects.get(code="33.01")],
        Cohort.objects.get(year=2018),
        status=MoUStatus.EXPIRED,
        ended_on=datetime.date(2019, 1, 1),
    )[0]
    session("33.01", BimtekStage.READINESS, datetime.date(2018, 7, 10), datetime.date(2018, 7, 12), mou=ended)

    board = national.build(datetime.date(2019, 12, 31))
    # 11 members: Muara Enim and ten of 2019; stage I finished by 8 + Muara Enim, II by 6, III by 4, IV by 2.
    assert bimtek_rows(board) == [
        ["I: readiness", "9", "81.8%"],
        ["II: mapping RPJMD and Renstra OPD programmes", "6", "54.5%"],
        ["III: proposing innovations", "4", "36.4%"],
        ["IV: implementation plan and quick wins", "2", "18.2%"],
    ]
    # A stage counts once its last day has come: on 2 August 2019, stage II (1-3 August) is still under way.
    assert [row[1] for row in bimtek_rows(national.build(datetime.date(2019, 8, 2)))] == ["9", "0", "0", "0"]
    # A province's board counts its own members.
    south_sumatra = national.build(datetime.date(2019, 12, 31), province=Regency.objects.get(code=MUARA_ENIM).province)
    assert [row[1] for row in bimtek_rows(south_sumatra)] == ["1", "0", "0", "0"]


def test_the_dashboard_shows_the_bimtek_counts(reviewer_client):
    members_with_stages(5)
    response = reviewer_client.get(reverse("dashboard"), {"as_of": "2019-12-31"})
    html = response.content.decode()
    assert "Technical guidance (bimtek) finished" in html and "IV: implementation plan and quick wins" in html
    csv = reviewer_client.get(reverse("dashboard"), {"as_of": "2019-12-31", "export": "bimtek"})
    assert csv.status_code == 200 and "I: readiness" in csv.content.decode("utf-8-sig")


def test_a_new_stage_refreshes_the_cached_figures(admin_client, django_capture_on_commit_callbacks):
    def finished_stage_one():
        board = admin_client.get(reverse("dashboard"), {"as_of": "2019-12-31"}).context
        return board["sections"]["bimtek"].rows[0][1]

    assert finished_stage_one() == 0
    assert finished_stage_one() == 0  # cached
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            stage_url(BimtekStage.READINESS), dates(datetime.date(2018, 7, 10), datetime.date(2018, 7, 12))
        )
    assert finished_stage_one() == 1
    with django_capture_on_commit_callbacks(execute=True):
        BimtekSession.objects.get().delete()
    assert finished_stage_one() == 0


# --- Fixed query counts -------------------------------------------------------------------------------------------


def count_queries(call):
    """The queries of one look at a page, computed afresh (bulk inserts move no data version: no cached figures)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert call().status_code == 200
    return len(queries)


def test_the_regency_page_and_the_dashboard_run_as_many_queries_at_two_sizes(admin_client):
    """The stages are one query on the regency page, whatever their number, and part of the pipeline's aggregate on
    the dashboard: members with stages cost it no query at all."""

    def regency():
        return regency_page(admin_client, as_of="2019-01-31")

    def dashboard():
        return admin_client.get(reverse("dashboard"), {"as_of": "2019-12-31"})

    members_with_stages(5)
    with_stages = count_queries(dashboard)
    BimtekSession.objects.all().delete()
    without_stages = count_queries(dashboard)
    session(MUARA_ENIM, 1, datetime.date(2018, 7, 1), datetime.date(2018, 7, 2))
    members_with_stages(5, skip=5)
    small = (count_queries(regency), count_queries(dashboard))
    for stage in (2, 3, 4):
        session(MUARA_ENIM, stage, datetime.date(2018, 6 + stage, 1), datetime.date(2018, 6 + stage, 2))
    members_with_stages(40, skip=10)
    large = (count_queries(regency), count_queries(dashboard))
    assert small == large and small[1] == with_stages == without_stages
    assert [row[1] for row in shown(regency())].count("Done") == 4
    assert dashboard().context["sections"]["bimtek"].rows[3][1] == 1 + 8 + 1  # every fifth of each batch, Muara Enim


# --- Demo data ------------------------------------------------------------------------------------------------------


def test_demo_stages_are_marked_and_a_second_run_adds_nothing(programme):
    makassar = Regency.objects.get(code="73.71")
    mous_for([makassar], Cohort.objects.get(year=2017), is_demo=True)
    java = list(Regency.objects.filter(province__code="32").order_by("code")[:3])
    demo = mous_for(java, Cohort.objects.get(year=2019), is_demo=True)
    created = seed_bimtek(today=datetime.date(2020, 1, 1))
    assert created and all(session.is_demo and session.history.exists() for session in created)
    by_regency = {}
    for item in BimtekSession.objects.select_related("regency"):
        by_regency.setdefault(item.regency.code, []).append(item.stage)
    assert by_regency["73.71"] == [1, 2, 3, 4]
    assert by_regency[MUARA_ENIM] == [1, 2]
    assert by_regency[demo[0].regency.code] == [1, 2, 3, 4] and by_regency[demo[1].regency.code] == [1, 2, 3]
    assert demo[2].regency.code not in by_regency  # two per cohort
    assert seed_bimtek(today=datetime.date(2020, 1, 1)) == []
    assert demo_summary() == {1: 4, 2: 4, 3: 3, 4: 2}
