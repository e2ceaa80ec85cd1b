"""The public programme overview (/programme/): the goal, cohorts, provinces and latest signings on any past day."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from masterplans import services
from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import MasterPlan, PlanEvent
from mou.choices import MoUStatus
from mou.models import Cohort, MoU
from regencies.models import Regency
from tests.factories import MoUFactory, ProgrammeFactory, complete_plan, mous_for

pytestmark = pytest.mark.django_db

AFTER_ALL_SIGNINGS = "2019-06-01"
QUERIES_PER_OVERVIEW = 8  # demo marker in the header, members, goals, cohorts, provinces, latest signings, plans,
# and the latest published evaluation round (none here; with one, its parts and scores: see tests/smartcity/evaluation)
QUERIES_PER_OVERVIEW_KEPT = 1  # the demo marker in the header; the figures come from the cache


class _TableBodies(HTMLParser):
    """The text of every cell of every ``<tbody>`` row, table by table."""

    def __init__(self):
        super().__init__()
        self.tables, self._in_body, self._row, self._cell = [], False, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.tables.append([])
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def get_overview(client, **params):
    if params.get("as_of") == TOMORROW:
        params["as_of"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    return client.get(reverse("overview"), params)


def main_html(response):
    """The page's own content, without the header (whose site-wide demo banner shows whatever the page does)."""
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def all_tables(response):
    """(cohort rows, province rows, plan rows) as rendered, each row the list of its cells' text."""
    parser = _TableBodies()
    parser.feed(main_html(response))
    cohort_rows, province_rows, plan_rows = parser.tables
    return cohort_rows, province_rows, plan_rows


def tables(response):
    """(cohort rows, province rows) as rendered, each row the list of its cells' text."""
    return all_tables(response)[:2]


def goal_figures(response):
    """(members shown, target) of each goal card."""
    found = re.findall(r'<p class="goal-figure"><strong>(\d+)</strong> / (\d+)', main_html(response))
    return [(int(members), int(target)) for members, target in found]


def as_of_paragraph(response):
    return re.search(r'<p class="as-of">(.*?)</p>', main_html(response), re.S).group(1)


def signings_list(response):
    return re.search(r'<ul class="signings">(.*?)</ul>', main_html(response), re.S).group(1)


def signed_names(response):
    return re.findall(r"<strong>(.*?)</strong>", signings_list(response))


def cohort_members(response):
    return {cohort.year: cohort.members for cohort in response.context["cohorts"]}


def province(response, code):
    return next(p for p in response.context["provinces"] if p.code == code)


def provinces_with_members(response):
    return {p.code: p.members for p in response.context["provinces"] if p.members}


def muara_enim_mou():
    return MoU.objects.get(regency__code="16.03", is_demo=False)


# --- Real data only -------------------------------------------------------------------------------------------------


def test_real_data_goal_shows_one_member_of_a_hundred(client, programme):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert response.status_code == 200
    assert response.context["members"] == {"real": 1, "demo": 0, "total": 1}
    [goal] = response.context["goals"]
    assert (goal["goal"].name, goal["goal"].target) == ("Gerakan Menuju 100 Smart City", 100)
    assert (goal["real_percent"], goal["demo_percent"], goal["remaining"]) == (1.0, 0.0, 99)
    assert goal_figures(response) == [(1, 100)]
    assert '<rect class="progress-real" width="1.00%"' in main_html(response)


def test_real_data_2018_cohort_holds_muara_enim_and_2017_and_2019_none(client, programme):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    cohorts = {c.year: (c.target, c.members, c.real, c.demo) for c in response.context["cohorts"]}
    assert cohorts == {2017: (25, 0, 0, 0), 2018: (50, 1, 1, 0), 2019: (25, 0, 0, 0)}
    cohort_rows, _ = tables(response)
    assert [row[:3] for row in cohort_rows] == [
        ["Angkatan 2017", "25", "0"],
        ["Angkatan 2018", "50", "1"],
        ["Angkatan 2019", "25", "0"],
    ]


def test_real_data_sumatera_selatan_has_the_one_member(client, programme):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    sumsel = province(response, "16")
    assert (sumsel.name, sumsel.members, sumsel.real, sumsel.demo) == ("Sumatera Selatan", 1, 1, 0)
    assert provinces_with_members(response) == {"16": 1}
    assert len(response.context["provinces"]) == 38
    _, province_rows = tables(response)
    assert province_rows[0][:3] == ["16", "Sumatera Selatan", "1"]
    assert all(row[2] == "0" for row in province_rows[1:])


def test_real_data_latest_signings_list_muara_enim(client, programme):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert response.context["latest"] == [muara_enim_mou()]
    assert signed_names(response) == ["Kabupaten Muara Enim"]
    signings = signings_list(response)
    assert "Sumatera Selatan · 8 Mei 2018 · Angkatan 2018 · Jakarta Pusat" in signings
    assert "badge-demo" not in main_html(response)


# --- Demo data ------------------------------------------------------------------------------------------------------


def test_demo_members_are_counted_apart_from_the_real_one(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert response.context["members"] == {"real": 1, "demo": 99, "total": 100}
    [goal] = response.context["goals"]
    assert (goal["real_percent"], goal["demo_percent"], goal["remaining"]) == (1.0, 99.0, 0)
    assert goal_figures(response) == [(100, 100)]
    html = main_html(response)
    assert '<rect class="progress-real" width="1.00%"' in html
    assert '<rect class="progress-demo" x="1.00%" width="99.00%"' in html


def test_demo_fills_the_cohorts_to_25_50_25_of_which_demo_25_49_25(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    cohorts = {c.year: (c.members, c.real, c.demo) for c in response.context["cohorts"]}
    assert cohorts == {2017: (25, 0, 25), 2018: (50, 1, 49), 2019: (25, 0, 25)}
    cohort_rows, _ = tables(response)
    assert [row[:4] for row in cohort_rows] == [
        ["Angkatan 2017", "25", "25", "25"],
        ["Angkatan 2018", "50", "50", "49"],
        ["Angkatan 2019", "25", "25", "25"],
    ]


def test_demo_provinces_add_up_to_the_members_with_demo_apart(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    provinces = response.context["provinces"]
    assert (sum(p.real for p in provinces), sum(p.demo for p in provinces)) == (1, 99)
    assert sum(p.members for p in provinces) == 100
    sumsel = province(response, "16")
    assert sumsel.real == 1 and sumsel.members == sumsel.real + sumsel.demo
    _, province_rows = tables(response)
    assert sum(int(row[2]) for row in province_rows) == 100
    assert sum(int(row[3]) for row in province_rows) == 99


def test_demo_is_marked_on_the_page(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert re.search(r'<span class="badge badge-demo">[^<]*\b99\b', as_of_paragraph(response))
    cohort_rows, _ = tables(response)
    assert [row[3] for row in cohort_rows] == ["25", "49", "25"]  # the cohort chart's data table: of which demo
    latest = response.context["latest"]
    assert len(latest) == 10 and all(mou.is_demo for mou in latest)  # the 2019 demo signings are the latest
    assert signings_list(response).count("badge-demo") == 10


def test_real_only_leaves_demo_out_of_every_figure(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS, data="real")

    assert response.status_code == 200
    assert response.context["members"] == {"real": 1, "demo": 0, "total": 1}
    [goal] = response.context["goals"]
    assert (goal["real_percent"], goal["demo_percent"], goal["remaining"]) == (1.0, 0.0, 99)
    assert goal_figures(response) == [(1, 100)]
    assert cohort_members(response) == {2017: 0, 2018: 1, 2019: 0}
    assert provinces_with_members(response) == {"16": 1}
    assert response.context["latest"] == [muara_enim_mou()]
    assert signed_names(response) == ["Kabupaten Muara Enim"]
    cohort_rows, province_rows = tables(response)
    assert [row[:3] for row in cohort_rows] == [
        ["Angkatan 2017", "25", "0"],
        ["Angkatan 2018", "50", "1"],
        ["Angkatan 2019", "25", "0"],
    ]
    assert province_rows[0][:3] == ["16", "Sumatera Selatan", "1"]
    assert all(len(row) == 3 for row in province_rows)  # no "of which demo" column
    html = main_html(response)
    assert "badge-demo" not in html and "progress-demo" not in html


# --- As of a day ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, total, members_per_cohort",
    [
        ("2019-05-15", 100, {2017: 25, 2018: 50, 2019: 25}),
        ("2018-05-08", 75, {2017: 25, 2018: 50}),
        ("2018-05-07", 25, {2017: 25}),
        ("2017-05-22", 25, {2017: 25}),
        ("2017-05-21", 0, {}),
    ],
)
def test_as_of_counts_only_the_mous_signed_by_that_day(client, demo, as_of, total, members_per_cohort):
    response = get_overview(client, as_of=as_of)

    assert response.status_code == 200
    assert response.context["day"] == datetime.date.fromisoformat(as_of)
    assert response.context["members"]["total"] == total
    assert goal_figures(response) == [(total, 100)]
    assert {year: n for year, n in cohort_members(response).items() if n} == members_per_cohort
    assert all(cohort.year <= int(as_of[:4]) for cohort in response.context["cohorts"])
    assert sum(p.members for p in response.context["provinces"]) == total
    assert all(mou.signed_on <= response.context["day"] for mou in response.context["latest"])


def test_on_2018_05_08_the_2019_cohort_is_not_listed(client, demo):
    response = get_overview(client, as_of="2018-05-08")

    assert cohort_members(response) == {2017: 25, 2018: 50}
    assert response.context["members"] == {"real": 1, "demo": 74, "total": 75}
    cohort_rows, _ = tables(response)
    assert [row[0] for row in cohort_rows] == ["Angkatan 2017", "Angkatan 2018"]


def test_before_the_first_signing_nothing_counts(client, demo):
    response = get_overview(client, as_of="2017-05-21")

    assert response.context["members"] == {"real": 0, "demo": 0, "total": 0}
    assert response.context["latest"] == []
    assert provinces_with_members(response) == {}
    assert goal_figures(response) == [(0, 100)]
    assert signed_names(response) == []
    assert "badge-demo" not in main_html(response)


@pytest.mark.parametrize("status", [MoUStatus.TERMINATED, MoUStatus.EXPIRED])
@pytest.mark.parametrize(
    "as_of, counts",
    [("2018-01-30", True), ("2018-01-31", False), ("2018-02-01", False)],
    ids=["day-before-it-ended", "day-it-ended", "after-it-ended"],
)
def test_an_ended_mou_counts_only_while_it_was_in_force(client, programme, status, as_of, counts):
    makassar = MoUFactory(
        regency=Regency.objects.get(code="73.71"),
        cohort=Cohort.objects.get(year=2017),
        signed_on=datetime.date(2017, 5, 22),
        status=status,
        ended_on=datetime.date(2018, 1, 31),
    )

    response = get_overview(client, as_of=as_of)

    assert response.status_code == 200
    assert response.context["members"] == {"real": int(counts), "demo": 0, "total": int(counts)}
    assert cohort_members(response)[2017] == int(counts)
    assert provinces_with_members(response) == ({"73": 1} if counts else {})
    # The latest signings list what was signed by then, whether or not it has ended since.
    assert response.context["latest"] == [makassar]
    assert signed_names(response) == ["Kota Makassar"]


def test_a_regency_that_signed_again_after_its_mou_ended_counts_once(client, programme):
    makassar, cohorts = Regency.objects.get(code="73.71"), Cohort.objects.in_bulk(field_name="year")
    MoUFactory(
        regency=makassar,
        cohort=cohorts[2017],
        signed_on=datetime.date(2017, 5, 22),
        status=MoUStatus.TERMINATED,
        ended_on=datetime.date(2018, 1, 31),
    )
    MoUFactory(regency=makassar, cohort=cohorts[2019], signed_on=datetime.date(2019, 5, 15))

    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert response.context["members"] == {"real": 2, "demo": 0, "total": 2}
    assert cohort_members(response) == {2017: 0, 2018: 1, 2019: 1}
    assert provinces_with_members(response) == {"16": 1, "73": 1}


def test_without_a_date_the_overview_shows_today_with_all_data(client, demo):
    response = get_overview(client)

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert response.context["include_demo"] is True
    assert response.context["members"] == {"real": 1, "demo": 99, "total": 100}


# --- Province order -------------------------------------------------------------------------------------------------


def test_provinces_sorted_by_name_are_alphabetical(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS, sort="name")

    names = [p.name for p in response.context["provinces"]]
    assert names == sorted(names) and len(names) == 38
    assert names[:3] == ["Aceh", "Bali", "Banten"]
    _, province_rows = tables(response)
    assert [row[1] for row in province_rows] == names


def test_provinces_sorted_by_members_put_the_largest_first(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS, sort="-members")

    order = [(p.members, p.code) for p in response.context["provinces"]]
    assert order == sorted(order, key=lambda item: (-item[0], item[1]))  # ties by code
    assert order[0][0] == max(members for members, _ in order) > order[-1][0] == 0
    _, province_rows = tables(response)
    assert [(int(row[2]), row[0]) for row in province_rows] == order


def test_provinces_are_sorted_by_members_by_default(client, programme):
    default = get_overview(client, as_of=AFTER_ALL_SIGNINGS)
    by_members = get_overview(client, as_of=AFTER_ALL_SIGNINGS, sort="-members")

    assert [p.code for p in default.context["provinces"]] == [p.code for p in by_members.context["provinces"]]
    assert default.context["provinces"][0].name == "Sumatera Selatan"


def test_provinces_sorted_by_code_follow_the_kemendagri_codes(client, demo):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS, sort="code")

    codes = [p.code for p in response.context["provinces"]]
    assert codes == sorted(codes) and codes[0] == "11" and codes[-1] == "96"
    _, province_rows = tables(response)
    assert [row[0] for row in province_rows] == codes


def test_sort_links_keep_the_day_and_the_data_choice(client, demo):
    html = main_html(get_overview(client, as_of="2018-05-08", data="real", sort="code"))

    for sort in ("code", "name", "-members"):
        assert f'href="?as_of=2018-05-08&amp;data=real&amp;sort={sort}"' in html


# --- Bad input ------------------------------------------------------------------------------------------------------

TOMORROW = "tomorrow"  # stands for the day after today, worked out when the test runs
NOT_SHOWN = {
    "en": "The overview could not be shown for these values.",
    "id": "Ikhtisar tidak dapat ditampilkan dengan isian ini.",
}
BAD_CHOICE = {
    "en": "Select a valid choice. bogus is not one of the available choices.",
    "id": "Masukkan pilihan yang valid. bogus bukan salah satu dari pilihan yang tersedia.",
}
BAD_DATE = {"en": "Enter a date as YYYY-MM-DD.", "id": "Masukkan tanggal dalam format TTTT-BB-HH."}
BAD_INPUT = [
    pytest.param({"as_of": "2018-02-30"}, BAD_DATE, id="impossible-date"),
    pytest.param({"as_of": "not-a-date"}, BAD_DATE, id="not-a-date"),
    pytest.param(
        {"as_of": TOMORROW},
        {"en": "The date cannot be in the future.", "id": "Tanggal tidak boleh di masa depan."},
        id="future-date",
    ),
    pytest.param(
        {"as_of": "2016-12-31"},
        {"en": "The programme began in 2017.", "id": "Program dimulai pada tahun 2017."},
        id="before-2017",
    ),
    pytest.param({"sort": "bogus"}, BAD_CHOICE, id="unknown-sort"),
    pytest.param({"data": "bogus"}, BAD_CHOICE, id="unknown-data"),
    pytest.param(
        {"asof": "2018-05-08"},
        {"en": "Unknown parameter: asof.", "id": "Parameter tidak dikenal: asof."},
        id="unknown-parameter",
    ),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("params, reasons", BAD_INPUT)
def test_bad_input_answers_400_with_the_reason_on_the_page(client, demo, params, reasons, language):
    client.cookies["django_language"] = language

    response = get_overview(client, **params)

    assert response.status_code == 400
    html = main_html(response)
    reason = re.escape(reasons[language])
    # A field's error, tied to its input (aria-describedby), or the form's own, announced.
    assert re.search(
        rf'(class="field-error" id="id_\w+_error"><p>|role="alert"><ul class="errorlist[^"]*"><li>){reason}', html
    )
    assert NOT_SHOWN[language] in html
    assert "members" not in response.context
    assert "goal-card" not in html and 'class="signings"' not in html


@pytest.mark.parametrize("as_of", ["05/08/2018", "08-05-2018"])
def test_as_of_takes_only_iso_dates_so_one_link_shows_the_same_day_in_every_language(client, demo, as_of):
    """The parameter is YYYY-MM-DD; a localised date would mean 5 August in Indonesian and 8 May in English."""
    answers = {}
    for language in ("id", "en"):
        client.cookies["django_language"] = language
        response = get_overview(client, as_of=as_of)
        answers[language] = (response.status_code, response.context.get("day"))

    assert answers == {"id": (400, None), "en": (400, None)}


# --- Query count ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 500])
def test_overview_runs_the_same_number_of_queries_for_10_and_500_mous(
    client, programme, django_assert_num_queries, size
):
    regencies = list(Regency.objects.exclude(mous__isnull=False).order_by("code")[:size])
    cohorts = list(Cohort.objects.order_by("year"))
    for index, cohort in enumerate(cohorts):
        mous_for(regencies[index :: len(cohorts)], cohort)
    assert MoU.objects.count() == size + 1

    with django_assert_num_queries(QUERIES_PER_OVERVIEW):
        response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert response.status_code == 200
    assert response.context["members"]["total"] == size + 1
    assert len(response.context["latest"]) == 10


# --- Languages ------------------------------------------------------------------------------------------------------


def test_the_figures_are_the_same_in_english(client, demo):
    indonesian = get_overview(client, as_of="2018-05-08")
    client.cookies["django_language"] = "en"
    english = get_overview(client, as_of="2018-05-08")

    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    for name in ("members", "goals", "latest"):
        assert english.context[name] == indonesian.context[name]
    assert cohort_members(english) == cohort_members(indonesian) == {2017: 25, 2018: 50}
    (english_cohorts, english_provinces), (cohorts, provinces) = tables(english), tables(indonesian)
    assert english_provinces == provinces
    assert [row[:4] for row in english_cohorts] == [row[:4] for row in cohorts]
    assert [row[4] for row in english_cohorts] == ["100.0%", "100.0%"]  # a decimal point in English
    assert [row[4] for row in cohorts] == ["100,0%", "100,0%"]  # a decimal comma in Indonesian
    assert goal_figures(english) == goal_figures(indonesian) == [(75, 100)]
    html = main_html(english)
    assert "State of the programme on 8 May 2018." in html
    assert "74 demo members included" in html
    assert "<strong>75</strong> / 100 members" in html
    assert "1 real" in html and "74 demo" in html and "25 to go" in html and "deadline 2019" in html


def test_the_page_is_in_indonesian_by_default(client, demo):
    response = client.get(reverse("overview"), {"as_of": "2018-05-08"}, headers={"accept-language": "en-US,en"})

    content = response.content.decode()
    assert '<html lang="id">' in content
    html = main_html(response)
    assert "<h1>Ikhtisar program</h1>" in html
    assert "Keadaan program pada 8 Mei 2018." in html
    english_left = [
        phrase
        for phrase in (
            "Programme overview",
            "State of the programme on",
            "demo members included",
            "Members per cohort",
            "Members per province",
            "Latest signings",
            "to go",
            "Sort provinces by",
        )
        if phrase in html
    ]
    assert english_left == []


def test_an_mou_past_its_valid_until_date_no_longer_counts(client, programme):
    MoU.objects.filter(regency__code="16.03").update(valid_until=datetime.date(2023, 5, 8))
    assert get_overview(client, as_of="2023-05-08").context["members"]["real"] == 1
    assert get_overview(client, as_of="2023-05-09").context["members"]["real"] == 0


# --- Plans in force -------------------------------------------------------------------------------------------------

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
APPROVED_V1 = datetime.datetime(2019, 3, 4, 10, 0, tzinfo=JAKARTA)
APPROVED_V2 = datetime.datetime(2021, 2, 1, 9, 0, tzinfo=JAKARTA)
# complete_plan gives one programme per dimension (six), budgeted Rp1 to Rp6 billion: Rp21 billion in all.
MUARA_ENIM_V1 = ["16.03", "Kabupaten Muara Enim", "Sumatera Selatan", "1", "4 Maret 2019", "2019–2023", "6"]
MUARA_ENIM_V1 += ["Rp21.000.000.000"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan_in_force(programme, officer, reviewer, media_root):
    """Muara Enim's plan 2019-2023, approved on 4 March 2019 with a comment, after a revision was asked for."""
    plan = services.create_draft(
        officer,
        MasterPlan(regency=muara_enim_mou().regency, title="Masterplan Muara Enim", start_year=2019, end_year=2023),
    )
    complete_plan(plan)
    services.submit(plan.pk, officer)
    services.take_up(plan.pk, reviewer)
    services.request_revision(plan.pk, reviewer, "Komentar penelaah: lengkapi rujukan RPJMD.")
    services.submit(plan.pk, officer)
    services.take_up(plan.pk, reviewer)
    services.approve(plan.pk, reviewer, "Disetujui oleh penelaah.")
    PlanEvent.objects.filter(plan=plan).update(created_at=APPROVED_V1)
    return plan


def plan_rows(response):
    return all_tables(response)[2]


def test_a_plan_in_force_is_listed_with_its_approval_period_programmes_and_budget(client, plan_in_force):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS)

    assert response.context["plans"] == [plan_in_force]
    assert plan_rows(response) == [MUARA_ENIM_V1]
    assert f'<a href="{plan_in_force.get_absolute_url()}">Kabupaten Muara Enim</a>' in main_html(response)


def test_a_plan_is_listed_from_the_day_it_was_approved(client, plan_in_force):
    assert get_overview(client, as_of="2019-03-03").context["plans"] == []
    assert get_overview(client, as_of="2019-03-04").context["plans"] == [plan_in_force]


def test_a_new_version_replaces_the_old_one_from_the_day_it_was_approved(client, plan_in_force, officer, reviewer):
    new = services.start_new_version(plan_in_force.pk, officer)
    MasterPlan.objects.filter(pk=new.pk).update(start_year=2021, end_year=2025)
    new.programmes.update(start_year=2021, end_year=2025)
    services.submit(new.pk, officer)
    services.take_up(new.pk, reviewer)
    services.approve(new.pk, reviewer, "Versi 2 disetujui.")
    PlanEvent.objects.filter(plan=new).update(created_at=APPROVED_V2)
    PlanEvent.objects.filter(plan=plan_in_force, action=PlanAction.SUPERSEDED).update(created_at=APPROVED_V2)

    before = get_overview(client, as_of="2021-01-31")
    after = get_overview(client, as_of="2021-02-01")

    assert before.context["plans"] == [plan_in_force]
    assert plan_rows(before) == [MUARA_ENIM_V1]
    assert after.context["plans"] == [new]
    assert plan_rows(after) == [
        ["16.03", "Kabupaten Muara Enim", "Sumatera Selatan", "2", "1 Februari 2021", "2021–2025", "6"]
        + ["Rp21.000.000.000"]
    ]


def test_before_the_2018_signing_nothing_real_counts_and_no_plan_is_in_force(client, plan_in_force):
    response = get_overview(client, as_of="2018-05-07")

    assert response.status_code == 200
    assert response.context["members"] == {"real": 0, "demo": 0, "total": 0}
    assert goal_figures(response) == [(0, 100)]
    assert cohort_members(response) == {2017: 0, 2018: 0}
    assert provinces_with_members(response) == {}
    assert response.context["latest"] == [] and response.context["plans"] == []
    cohort_rows, province_rows, plans = all_tables(response)
    assert [row[:4] for row in cohort_rows] == [["Angkatan 2017", "25", "0", "0"], ["Angkatan 2018", "50", "0", "0"]]
    assert all(row[2] == "0" for row in province_rows)
    assert len(plans) == 1 and len(plans[0]) == 1  # the one "no plan" row
    assert "badge-demo" not in main_html(response)

    signing_day = get_overview(client, as_of="2018-05-08")
    assert signing_day.context["members"] == {"real": 1, "demo": 0, "total": 1}
    assert signing_day.context["plans"] == []  # approved only in March 2019


def test_the_plans_of_demo_regencies_are_marked_and_left_out_of_real_only(client, demo):
    everything = get_overview(client)
    real_only = get_overview(client, data="real")

    demo_plans = everything.context["plans"]
    assert demo_plans and all(plan.is_demo for plan in demo_plans)
    assert len(demo_plans) == MasterPlan.objects.filter(status=PlanStatus.APPROVED).count()
    table = re.search(r'<section class="plans-in-force">(.*?)</section>', main_html(everything), re.S)[1]
    assert table.count("badge-demo") == len(demo_plans)
    assert real_only.context["plans"] == []


# --- No personal data -----------------------------------------------------------------------------------------------


def test_the_public_page_and_its_files_name_no_person_and_quote_no_comment(client, plan_in_force, officer, reviewer):
    officer.first_name, officer.last_name, officer.email = "Budi", "Santoso", "budi.santoso@muaraenim.go.id"
    officer.save()
    reviewer.first_name, reviewer.last_name, reviewer.email = "Rina", "Wulandari", "rina.wulandari@kominfo.go.id"
    reviewer.save()
    assert muara_enim_mou().regency_signatory_name == "Ir. Muzakir Sai Sohar"
    personal = [
        "Budi",
        "Santoso",
        "budi.santoso",
        "Rina",
        "Wulandari",
        "rina.wulandari",
        "Muzakir",
        "Komentar penelaah",
        "Disetujui oleh penelaah",
        "RPJMD",
    ]

    page = get_overview(client, as_of=AFTER_ALL_SIGNINGS)
    files = [get_overview(client, as_of=AFTER_ALL_SIGNINGS, export=slug) for slug in ("cohorts", "provinces", "plans")]

    assert page.status_code == 200 and plan_rows(page) == [MUARA_ENIM_V1]
    content = page.content.decode()
    assert [word for word in personal if word in content] == []
    for response in files:
        assert response.status_code == 200
        assert [word for word in personal if word in response.content.decode("utf-8-sig")] == []


# --- CSV ------------------------------------------------------------------------------------------------------------


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_table_downloads_as_csv_for_the_day_and_data_shown(client, plan_in_force):
    plans = get_overview(client, as_of=AFTER_ALL_SIGNINGS, export="plans")

    assert plans.status_code == 200
    assert plans["Content-Type"] == "text/csv; charset=utf-8"
    assert plans["Content-Disposition"] == 'attachment; filename="ikhtisar-plans-2019-06-01.csv"'
    header, *rows = csv_rows(plans)
    assert header == [
        "Kode",
        "Kabupaten/kota",
        "Provinsi",
        "Versi",
        "Disetujui pada",
        "Periode",
        "Program",
        "Anggaran terencana",
        "Demo",
    ]
    assert rows[0] == MUARA_ENIM_V1 + ["tidak"]

    cohorts = csv_rows(get_overview(client, as_of="2018-05-07", export="cohorts"))
    assert cohorts[1:] == [["Angkatan 2017", "25", "0", "0", "0,0%"], ["Angkatan 2018", "50", "0", "0", "0,0%"]]
    cohorts = csv_rows(get_overview(client, as_of=AFTER_ALL_SIGNINGS, data="real", export="cohorts"))
    assert [row[:3] for row in cohorts[1:]] == [["Angkatan 2017", "25", "0"], ["Angkatan 2018", "50", "1"]] + [
        ["Angkatan 2019", "25", "0"]
    ]
    assert len(cohorts[0]) == 4  # no "of which demo" column for real data only

    provinces = csv_rows(get_overview(client, as_of=AFTER_ALL_SIGNINGS, sort="code", export="provinces"))
    assert len(provinces) == 1 + 38
    assert [row[0] for row in provinces[1:]] == sorted(row[0] for row in provinces[1:])
    assert ["16", "Sumatera Selatan", "1", "0"] in provinces


def test_the_download_links_keep_the_day_and_the_data_choice(client, plan_in_force):
    html = main_html(get_overview(client, as_of="2018-05-08", data="real"))

    for slug in ("cohorts", "provinces", "plans"):
        assert f'href="?as_of=2018-05-08&amp;data=real&amp;export={slug}" download' in html


def test_an_unknown_table_answers_400(client, programme):
    response = get_overview(client, as_of=AFTER_ALL_SIGNINGS, export="officers")

    assert response.status_code == 400
    assert "officers" in main_html(response)
    assert "plans" not in response.context


@pytest.mark.parametrize("size", [1, 40])
def test_the_overview_runs_the_same_number_of_queries_for_1_and_40_plans_in_force(
    client, programme, django_assert_num_queries, size
):
    regencies = list(Regency.objects.exclude(mous__isnull=False).order_by("code")[:size])
    mous = mous_for(regencies, Cohort.objects.get(year=2018))
    plans = MasterPlan.objects.bulk_create(
        MasterPlan(regency=mou.regency, mou=mou, title="Masterplan", start_year=2019, end_year=2023, status="approved")
        for mou in mous
    )
    PlanEvent.objects.bulk_create(
        PlanEvent(
            plan=plan, action=PlanAction.APPROVED, from_status=PlanStatus.IN_REVIEW, to_status=PlanStatus.APPROVED
        )
        for plan in plans
    )
    for plan in plans:
        ProgrammeFactory.create_batch(2, plan=plan)

    with django_assert_num_queries(QUERIES_PER_OVERVIEW):
        response = get_overview(client)

    assert len(response.context["plans"]) == size
    assert {(plan.programme_count, plan.budget_total) for plan in response.context["plans"]} == {(2, 2_000_000_000)}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_overview_is_kept_until_a_change_commits(client, programme, django_assert_num_queries):
    """Its figures and its table of plans come from the cache per data version: a second look reads only the
    form's choices, and a committed change shows at once."""
    before = get_overview(client).context["members"]["total"]
    with django_assert_num_queries(QUERIES_PER_OVERVIEW_KEPT):
        assert get_overview(client).context["members"]["total"] == before
    MoUFactory(regency=Regency.objects.get(code="32.73"), cohort=Cohort.objects.get(year=2019))
    assert get_overview(client).context["members"]["total"] == before + 1
