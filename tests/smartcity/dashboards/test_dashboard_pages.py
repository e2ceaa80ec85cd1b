"""The staff dashboard's province and regency pages: figures against a hand-computed dataset (South Sumatra in 2019,
and the day before Muara Enim signed in 2018), the links from the national page, CSV exports, who may open them,
and a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from masterplans.choices import FundingSource, Horizon, PlanAction, PlanStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate
from mou.models import Cohort, MoU
from regencies.models import Regency
from tests.factories import UserFactory, mous_for

# The session, the user, their permissions (2), the province, the figures (19), the latest evaluation round (none
# here), the header's demo marker and roles.
PROVINCE_QUERIES = 24
# The session, the user, their permissions (2), the regency, its MoUs (with their bimtek stages), its plans, their
# events, the programmes in force with their updates, the timeline, the header's demo marker and roles.
REGENCY_QUERIES = 12
BEFORE_SIGNING = "2018-05-07"  # Muara Enim signed on 8 May 2018


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def add_plan(regency, version, status, events, previous=None, start_year=2019):
    """A plan whose workflow ``events`` (action, to-status, when, by, comment) are recorded as they happened."""
    plan = MasterPlan.objects.create(
        regency=regency,
        mou=regency.mous.get(),
        title=f"Masterplan Smart City {regency.name} v{version}",
        start_year=start_year,
        end_year=start_year + 4,
        version=version,
        status=status,
        previous=previous,
    )
    before = ""
    for action, to_status, when, actor, comment in events:
        PlanEvent.objects.create(
            plan=plan,
            action=action,
            from_status=before,
            to_status=to_status,
            created_at=when,
            actor=actor,
            comment=comment,
        )
        before = to_status
    return plan


def add_programme(plan, dimension, horizon, years, budget, source):
    return Programme.objects.create(
        plan=plan,
        dimension=Dimension.objects.get(code=dimension),
        name=f"{dimension} {horizon}",
        horizon=horizon,
        start_year=years[0],
        end_year=years[1],
        budget=budget,
        funding_source=source,
        agency="Diskominfo",
    )


def report(programme, year, quarter, physical, spent, when):
    update = ProgressUpdate.objects.create(
        programme=programme, year=year, quarter=quarter, physical_percent=physical, spent=spent, status="on_track"
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=when)


@pytest.fixture
def south_sumatra(programme):
    """South Sumatra (16) in 2019, every figure worked out by hand in the tests below.

    Muara Enim (16.03) signed on 8 May 2018 (the real record). Its plan v1 (2019-2023) was created on 10 January
    2019, submitted on 1 February, taken up on 5 February and approved on 15 March; v2 was started on 1 October and
    submitted on 15 October. v1's programmes: governance (short, 2019-2020, Rp1 M, APBD), economy (quick win, 2019,
    Rp3 M, APBN), living (medium, 2019-2021, Rp2 M, APBD). Their updates: 2019 Q1 governance 10% Rp100 jt (5 April);
    2019 Q2 governance 30% Rp200 jt (10 July), economy 50% Rp1.000 jt (12 July), living 20% Rp100 jt (20 July, after
    the due date of 15 July); 2019 Q3 economy 80% Rp2.500 jt (25 October, late). Palembang (16.71) signed on 15 May
    2019 and has no plan. Bandung (32.73, West Java) signed in 2018 and has an approved plan with progress: it must
    not show in South Sumatra.
    """
    officer = UserFactory(username="siti", first_name="Siti", last_name="Rahma")
    reviewer = UserFactory(username="budi", first_name="Budi", last_name="Santoso")
    muara_enim, palembang, bandung = (Regency.objects.get(code=code) for code in ("16.03", "16.71", "32.73"))
    (mou,) = mous_for([palembang], Cohort.objects.get(year=2019))
    MoU.objects.filter(pk=mou.pk).update(signed_on=datetime.date(2019, 5, 15))
    mous_for([bandung], Cohort.objects.get(year=2018))

    v1 = add_plan(
        muara_enim,
        1,
        PlanStatus.APPROVED,
        [
            (PlanAction.CREATED, PlanStatus.DRAFT, at(2019, 1, 10), officer, ""),
            (PlanAction.SUBMITTED, PlanStatus.SUBMITTED, at(2019, 2, 1), officer, ""),
            (PlanAction.TAKEN_UP, PlanStatus.IN_REVIEW, at(2019, 2, 5), reviewer, ""),
            (PlanAction.APPROVED, PlanStatus.APPROVED, at(2019, 3, 15), reviewer, "Lengkap."),
        ],
    )
    v2 = add_plan(
        muara_enim,
        2,
        PlanStatus.SUBMITTED,
        [
            (PlanAction.NEW_VERSION, PlanStatus.DRAFT, at(2019, 10, 1), officer, "Copied from version 1."),
            (PlanAction.SUBMITTED, PlanStatus.SUBMITTED, at(2019, 10, 15), officer, ""),
        ],
        previous=v1,
    )
    governance = add_programme(v1, "governance", Horizon.SHORT, (2019, 2020), 1_000_000_000, FundingSource.APBD)
    economy = add_programme(v1, "economy", Horizon.QUICK_WIN, (2019, 2019), 3_000_000_000, FundingSource.APBN)
    living = add_programme(v1, "living", Horizon.MEDIUM, (2019, 2021), 2_000_000_000, FundingSource.APBD)
    add_programme(v2, "economy", Horizon.LONG, (2019, 2023), 9_000_000_000, FundingSource.KPBU)  # not in force
    report(governance, 2019, 1, 10, 100_000_000, at(2019, 4, 5))
    report(governance, 2019, 2, 30, 200_000_000, at(2019, 7, 10))
    report(economy, 2019, 2, 50, 1_000_000_000, at(2019, 7, 12))
    report(living, 2019, 2, 20, 100_000_000, at(2019, 7, 20))
    report(economy, 2019, 3, 80, 2_500_000_000, at(2019, 10, 25))

    bandung_plan = add_plan(
        bandung,
        1,
        PlanStatus.APPROVED,
        [
            (PlanAction.CREATED, PlanStatus.DRAFT, at(2019, 1, 2), None, ""),
            (PlanAction.APPROVED, PlanStatus.APPROVED, at(2019, 2, 1), None, ""),
        ],
    )
    bandung_programme = add_programme(
        bandung_plan, "governance", Horizon.SHORT, (2019, 2020), 5_000_000_000, FundingSource.CSR
    )
    report(bandung_programme, 2019, 2, 90, 4_000_000_000, at(2019, 7, 1))


@pytest.fixture
def staff(client, reviewer):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    return client


def province_page(client, code="16", **params):
    return client.get(reverse("dashboard-province", args=[code]), params)


def regency_page(client, code="16.03", **params):
    return client.get(reverse("dashboard-regency", args=[code]), params)


def shown(response, slug):
    """A table of the page as its rows of strings, in English."""
    with translation.override("en"):
        return list(response.context["sections"][slug].displayed())


def column(response, slug, index):
    return [row[index] for row in shown(response, slug)]


def by_code(response, slug):
    return {row[0]: row[1:] for row in shown(response, slug)}


# --- The province page ----------------------------------------------------------------------------------------------


def test_the_province_page_on_1_august_2019(south_sumatra, staff):
    response = province_page(staff, as_of="2019-08-01")

    assert response.status_code == 200
    context = response.context
    assert context["province"].code == "16"
    regencies = Regency.objects.filter(province__code="16", is_active=True).count()
    assert (context["figures"]["members"]["total"], context["regency_count"]) == (2, regencies)
    assert [row["regency_code"] for row in context["figures"]["signed"]] == ["16.71"]  # in the last 12 months
    assert shown(response, "cohorts") == [
        ["Angkatan 2017", "25", "0", "0.0%"],
        ["Angkatan 2018", "50", "1", "2.0%"],
        ["Angkatan 2019", "25", "1", "4.0%"],
    ]
    # Both are members; Muara Enim drafted, submitted, had approved a plan and reported for 2019 Q2.
    assert column(response, "pipeline", 1) == ["2", "1", "1", "1", "1"]
    table = by_code(response, "provinces")
    assert len(table) == regencies and "32.73" not in table
    assert table["16.03"] == ["Kabupaten Muara Enim", "1", "1", "0", "36.7%"]  # (30 x 1 + 50 x 3 + 20 x 2) / 6
    assert table["16.71"][1:] == ["1", "0", "1", "—"]

    programmes = {row[0]: row[1:] for row in shown(response, "programmes")}
    horizons = [column.title for column in context["sections"]["programmes"].columns[1:-1]]
    assert dict(zip(horizons, programmes["Smart Economy"][:-1], strict=True))["Quick win"] == "1"
    assert dict(zip(horizons, programmes["Smart Living"][:-1], strict=True))["Medium term"] == "1"
    # Totals of governance, branding, economy, living, society, environment.
    assert [row[-1] for row in programmes.values()] == ["1", "0", "1", "1", "0", "0"]
    assert shown(response, "funding") == [
        ["APBD (regional budget)", "2", "Rp3.000.000.000", "Rp300.000.000", "10.0%"],
        ["APBN (state budget)", "1", "Rp3.000.000.000", "Rp1.000.000.000", "33.3%"],
    ]
    # 2019 Q2 was due on 15 July: governance and economy on time, living late.
    # the last three: evidence verified, rejected and not yet checked (none of these updates has a file)
    assert shown(response, "completeness") == [["3", "2", "1", "0", "36.7%", "21.7%", "0", "0", "0"]]
    assert [shown(response, slug) for slug in ("no_plan", "waiting", "overdue")] == [[], [], []]
    assert [event["code"] for event in context["activity"]] == ["approved", "taken_up", "submitted", "created"]
    html = response.content.decode()
    assert html.count("<svg") == 3 and 'class="tile ' not in html


def test_the_province_page_lists_what_is_at_risk(south_sumatra, staff):
    october = province_page(staff, as_of="2019-10-20")
    # 2019 Q3 was due on 15 October; none of v1's three programmes had reported by the 20th.
    assert shown(october, "overdue") == [["16.03", "Kabupaten Muara Enim", "Sumatera Selatan", "3"]]
    assert shown(october, "no_plan") == [] and shown(october, "waiting") == []

    december = province_page(staff, as_of="2019-12-31")
    # Palembang signed seven months before without a plan; v2 has waited since 15 October.
    assert shown(december, "no_plan") == [["16.71", "Kota Palembang", "Sumatera Selatan", "15 May 2019", "7"]]
    assert shown(december, "waiting") == [
        ["16.03", "Kabupaten Muara Enim", "Sumatera Selatan", "15 October 2019", "77"]
    ]
    assert shown(december, "overdue") == []  # 2019 Q4 is due only on 15 January 2020


def test_the_province_page_the_day_before_the_2018_signing(south_sumatra, staff):
    response = province_page(staff, as_of=BEFORE_SIGNING)

    assert response.status_code == 200
    assert response.context["figures"]["members"]["total"] == 0
    assert column(response, "pipeline", 1) == ["0"] * 5
    assert by_code(response, "provinces")["16.03"] == ["Kabupaten Muara Enim", "0", "0", "0", "—"]
    assert column(response, "cohorts", 2) == ["0", "0"]  # the 2017 and 2018 cohorts; 2019 is yet to come
    assert response.context["activity"] == []


def test_the_province_table_sorts_and_links_each_regency_on_the_same_day(south_sumatra, staff):
    response = province_page(staff, as_of="2019-08-01", sort="-members")

    assert column(response, "provinces", 0)[:2] == ["16.03", "16.71"]
    html = response.content.decode()
    link = reverse("dashboard-regency", args=["16.03"]) + "?as_of=2019-08-01"
    assert f'<a href="{link}">Kabupaten Muara Enim</a>' in html
    assert f'href="{reverse("dashboard")}?as_of=2019-08-01"' in html
    assert "?as_of=2019-08-01&amp;sort=-members&amp;export=provinces" in html


def test_the_national_page_links_its_tiles_and_rows_to_the_province_pages(south_sumatra, staff):
    html = staff.get(reverse("dashboard"), {"as_of": "2019-08-01"}).content.decode()
    link = reverse("dashboard-province", args=["16"]) + "?as_of=2019-08-01"
    assert html.count(f'href="{link}"') == 2  # the tile and the table's row
    today = staff.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("dashboard-province", args=["16"])}"' in today  # no day asked for: today's page


def test_the_province_page_accepts_the_national_pages_shade(south_sumatra, staff):
    assert province_page(staff, as_of="2019-08-01", shade="plans").status_code == 200


# --- The regency page -----------------------------------------------------------------------------------------------


def test_the_regency_page_on_1_august_2019(south_sumatra, staff):
    response = regency_page(staff, as_of="2019-08-01")

    assert response.status_code == 200
    context = response.context
    assert context["member"].signed_on == datetime.date(2018, 5, 8)
    assert shown(response, "mous") == [["Angkatan 2018", "8 May 2018", "—", "—", "In force", "no"]]
    # v2 was started only in October.
    assert shown(response, "plans") == [
        ["1", "Masterplan Smart City Kabupaten Muara Enim v1", "2019–2023", "Approved", "1 February 2019"]
        + ["15 March 2019"]
    ]
    assert shown(response, "history-v1") == [
        ["10 January 2019", "Created", "Draft", "Siti Rahma", "—"],
        ["1 February 2019", "Submitted", "Draft → Submitted", "Siti Rahma", "—"],
        ["5 February 2019", "Taken up for review", "Submitted → In review", "Budi Santoso", "—"],
        ["15 March 2019", "Approved", "In review → Approved", "Budi Santoso", "Lengkap."],
    ]
    assert context["in_force_plan"].version == 1 and str(context["quarter"]) == "2019 Q2"
    assert [group.slug for group in context["programme_groups"]] == [
        "programmes-governance",
        "programmes-economy",
        "programmes-living",
    ]
    assert shown(response, "programmes") == [
        ["Smart Governance", "governance short", "Short term", "2019–2020", "Rp1.000.000.000", "APBD (regional budget)"]
        + ["30.0%", "Rp200.000.000", "On track"],
        ["Smart Economy", "economy quick_win", "Quick win", "2019–2019", "Rp3.000.000.000", "APBN (state budget)"]
        + ["50.0%", "Rp1.000.000.000", "On track"],
        ["Smart Living", "living medium", "Medium term", "2019–2021", "Rp2.000.000.000", "APBD (regional budget)"]
        + ["20.0%", "Rp100.000.000", "On track"],
    ]
    # Q2: (30 x 1 + 50 x 3 + 20 x 2) / 6 = 36.7% physical; 1.300 jt spent of 6.000 jt = 21.7% financial.
    assert shown(response, "timeline") == [
        ["2019 Q1", "1", "10.0%", "10.0%", "Rp100.000.000"],
        ["2019 Q2", "3", "36.7%", "21.7%", "Rp1.300.000.000"],
    ]
    assert (context["current"]["physical"], context["current"]["financial"]) == (36.7, 21.7)
    html = response.content.decode()
    assert html.count("<svg") == 1 and "?as_of=2019-08-01&amp;export=timeline" in html
    assert "?as_of=2019-08-01&amp;export=programmes-economy" in html
    assert reverse("dashboard-province", args=["16"]) + "?as_of=2019-08-01" in html


def test_the_regency_page_leaves_out_what_was_recorded_after_the_day(south_sumatra, staff):
    october = regency_page(staff, as_of="2019-10-20")
    # v2 exists and waits for review; v1 stays in force. Economy's 2019 Q3 update came only on 25 October.
    assert column(october, "plans", 3) == ["Approved", "Submitted"]
    assert shown(october, "history-v2")[0] == ["1 October 2019", "New version started", "Draft", "Siti Rahma"] + [
        "Copied from version 1."
    ]
    assert column(october, "programmes", 6) == ["—", "—", "—"]
    assert column(october, "timeline", 0) == ["2019 Q1", "2019 Q2", "2019 Q3"]
    assert shown(october, "timeline")[-1] == ["2019 Q3", "0", "—", "—", "—"]

    december = regency_page(staff, as_of="2019-12-31")
    assert shown(december, "timeline")[2:] == [
        ["2019 Q3", "1", "80.0%", "83.3%", "Rp2.500.000.000"],
        ["2019 Q4", "0", "—", "—", "—"],
    ]
    assert column(december, "programmes", 1) == ["governance short", "economy quick_win", "living medium"]


def test_the_regency_page_the_day_before_the_2018_signing(south_sumatra, staff):
    response = regency_page(staff, as_of=BEFORE_SIGNING)

    assert response.status_code == 200
    context = response.context
    assert context["member"] is None and context["in_force_plan"] is None
    assert [shown(response, slug) for slug in ("mous", "plans", "history", "programmes", "timeline")] == [[]] * 5
    html = response.content.decode()
    assert "Not a member on this day." in html and "<svg" not in html


def test_the_regency_page_reads_in_indonesian(south_sumatra, client, reviewer):
    client.force_login(reviewer)
    response = regency_page(client, as_of="2019-08-01")
    assert "8 Mei 2018" in response.content.decode()
    assert shown(response, "timeline")[1][2] == "36.7%"  # shown() reads the figures in English


# --- CSV, parameters, access, speed ---------------------------------------------------------------------------------


def test_a_province_table_downloads_as_csv(south_sumatra, staff):
    response = province_page(staff, as_of="2019-08-01", export="provinces")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="dasbor-16-provinces-2019-08-01.csv"' in response["Content-Disposition"]
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["16.03"][1:] == ["Kabupaten Muara Enim", "1", "1", "0", "36.7%"]


def test_the_regency_timeline_and_history_download_as_csv(south_sumatra, staff):
    response = regency_page(staff, as_of="2019-08-01", export="timeline")

    assert 'filename="dasbor-16.03-timeline-2019-08-01.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[:3] == [
        ["Quarter", "Programmes reported", "Physical progress", "Financial progress", "Money spent"],
        ["2019 Q1", "1", "10.0%", "10.0%", "Rp100.000.000"],
        ["2019 Q2", "3", "36.7%", "21.7%", "Rp1.300.000.000"],
    ]
    history = regency_page(staff, as_of="2019-12-31", export="history")
    table = list(csv.reader(io.StringIO(history.content.decode("utf-8-sig"))))
    assert [row[:3] for row in table] == [
        ["Version", "When", "Action"],
        ["1", "10 January 2019", "Created"],
        ["1", "1 February 2019", "Submitted"],
        ["1", "5 February 2019", "Taken up for review"],
        ["1", "15 March 2019", "Approved"],
        ["2", "1 October 2019", "New version started"],
        ["2", "15 October 2019", "Submitted"],
    ]


@pytest.mark.parametrize("page", [province_page, regency_page])
@pytest.mark.parametrize(
    "query",
    [{"as_of": "2030-01-01"}, {"as_of": "01/08/2019"}, {"as_of": "2016-12-31"}, {"export": "nothing"}, {"x": "1"}],
)
def test_bad_parameters_answer_400_with_a_message(programme, staff, page, query):
    response = page(staff, **query)
    assert response.status_code == 400
    assert "notice-error" in response.content.decode()


@pytest.mark.parametrize("page, code", [(province_page, "99"), (province_page, "16.03"), (regency_page, "16.99")])
def test_an_unknown_code_is_not_found(programme, staff, page, code):
    assert page(staff, code).status_code == 404


@pytest.mark.parametrize("persona", ["officer", "partner"])
@pytest.mark.parametrize("page", [province_page, regency_page])
def test_officers_and_partners_cannot_open_the_pages(programme, client, request, persona, page):
    client.force_login(request.getfixturevalue(persona))
    assert page(client).status_code == 403
    assert page(client, export="mous").status_code == 403
    assert page(client, "99").status_code == 403  # no hint of which codes exist


@pytest.mark.parametrize("page", [province_page, regency_page])
def test_anonymous_visitors_are_sent_to_sign_in(programme, client, page):
    response = page(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def grow(size):
    """``size`` more members in South Sumatra, each with an approved plan, ``size`` programmes and their updates
    for the four quarters of 2019; Muara Enim gets ``size`` superseded versions before the one in force."""
    regencies = list(Regency.objects.filter(province__code="16").exclude(code="16.03").order_by("code")[:size])
    mous_for(regencies, Cohort.objects.get(year=2019))
    muara_enim = Regency.objects.get(code="16.03")
    earlier = [
        add_plan(
            muara_enim,
            version,
            PlanStatus.SUPERSEDED,
            [
                (PlanAction.CREATED, PlanStatus.DRAFT, at(2018, 6, version), None, ""),
                (PlanAction.APPROVED, PlanStatus.APPROVED, at(2018, 7, version), None, ""),
                (PlanAction.SUPERSEDED, PlanStatus.SUPERSEDED, at(2018, 8, version), None, ""),
            ],
            start_year=2018,
        )
        for version in range(1, size + 1)
    ]
    plans = [
        add_plan(
            regency,
            size + 1 if regency == muara_enim else 1,
            PlanStatus.APPROVED,
            [
                (PlanAction.CREATED, PlanStatus.DRAFT, at(2019, 1, 10), None, ""),
                (PlanAction.APPROVED, PlanStatus.APPROVED, at(2019, 1, 20), None, "OK"),
            ],
            previous=earlier[-1] if regency == muara_enim else None,
        )
        for regency in [muara_enim] + regencies
    ]
    dimensions = list(Dimension.objects.all())
    programmes = Programme.objects.bulk_create(
        Programme(
            plan=plan,
            dimension=dimensions[n % len(dimensions)],
            name=f"Program {n}",
            horizon=Horizon.values[n % 4],
            start_year=2019,
            end_year=2023,
            budget=(n + 1) * 1_000_000,
            funding_source=FundingSource.values[n % 5],
            agency="Diskominfo",
        )
        for plan in plans
        for n in range(size)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            programme=programme,
            year=2019,
            quarter=quarter,
            physical_percent=10 * quarter,
            spent=1000,
            status="on_track",
        )
        for programme in programmes
        for quarter in (1, 2, 3, 4)
    )
    ProgressUpdate.objects.update(created_at=at(2020, 1, 10))


@pytest.mark.parametrize("size", [2, 12])
def test_the_province_page_runs_a_fixed_number_of_queries(programme, staff, size, django_assert_num_queries):
    grow(size)
    with django_assert_num_queries(PROVINCE_QUERIES):
        response = province_page(staff, as_of="2020-01-31")
    assert response.context["figures"]["members"]["total"] == size + 1
    assert column(response, "pipeline", 1)[3] == str(size + 1)


@pytest.mark.parametrize("size", [2, 12])
def test_the_regency_page_runs_a_fixed_number_of_queries(programme, staff, size, django_assert_num_queries):
    grow(size)
    with django_assert_num_queries(REGENCY_QUERIES):
        response = regency_page(staff, as_of="2020-01-31")
    assert len(shown(response, "plans")) == size + 1
    assert len(shown(response, "programmes")) == size
    assert column(response, "timeline", 1) == [str(size)] * 4
