"""The national dashboard: figures against the hand-computed dataset (``reportdata``), on days before and after the
2018 signing; CSV exports; who may open it; a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from mou.models import Cohort, MoU
from regencies import data_version
from regencies.models import Regency
from regencies.register import kemendagri_register, sync_register
from smartcity.dashboards import national
from tests.factories import mous_for
from tests.smartcity.reportdata import approve_palembang_on, member_regencies

OCTOBER_END = datetime.date(2026, 10, 31)
TODAY = datetime.date(2026, 11, 28)
DASHBOARD_QUERIES = 24  # with the latest evaluation round (none here)


def rows(section):
    return list(section.displayed())


def test_the_dashboard_on_31_october_2026(dataset):
    board = national.build(OCTOBER_END)
    (goal,) = board["goals"]
    assert (goal["target"], goal["percent"], goal["remaining"]) == (100, 4.0, 96)
    # One signing (Bandung) in the 12 months before: 96 to go at one a year.
    assert goal["forecast"] == {"reached": False, "day": OCTOBER_END + datetime.timedelta(days=96 * 365)}
    assert board["pace"] == 0.1

    pipeline = {row[0]: (row[1], row[2]) for row in rows(board["sections"]["pipeline"])}
    assert list(pipeline.values()) == [("4", "—"), ("3", "75,0%"), ("1", "33,3%"), ("1", "100,0%"), ("1", "100,0%")]

    no_plan = rows(board["sections"]["no_plan"])
    assert [row[0] for row in no_plan] == ["16.03", "73.71"]  # Bandung signed ten days before: not at risk yet
    assert rows(board["sections"]["waiting"]) == []  # Muara Enim submits only in November
    (overdue,) = rows(board["sections"]["overdue"])
    assert overdue[0] == "16.71" and overdue[-1] == "1"  # the living programme due in 2026 Q3, never reported

    tiles = {tile["code"]: tile for tile in board["tiles"]}
    assert len(tiles) == 38
    assert (tiles["16"]["members"], tiles["16"]["member_shade"], tiles["16"]["plan_shade"]) == (2, 1, 1)
    assert tiles["11"]["member_shade"] == 0
    assert [event["code"] for event in board["activity"]][:2] == ["created", "created"]
    assert all(event["when"].date() <= OCTOBER_END for event in board["activity"])


def test_a_plan_approved_after_the_due_day_is_not_on_the_overdue_list(dataset):
    approve_palembang_on(datetime.date(2026, 10, 18))  # 2026 Q3 fell due on 15 October
    board = national.build(OCTOBER_END)
    assert rows(board["sections"]["overdue"]) == []
    # Its update of the 20th is on time; the living programme that never reported is missing, not late.
    assert rows(board["sections"]["completeness"])[0][:4] == ["3", "2", "0", "1"]


def test_a_plan_waiting_over_30_days_is_at_risk(dataset):
    board = national.build(datetime.date(2026, 12, 10))
    (waiting,) = rows(board["sections"]["waiting"])
    assert waiting[0] == "16.03" and waiting[-1] == "35"


def test_the_day_before_the_2018_signing(dataset):
    board = national.build(datetime.date(2018, 5, 7))
    assert board["figures"]["members"] == {"real": 0, "demo": 0, "total": 0}
    (goal,) = board["goals"]
    assert goal["remaining"] == 100 and goal["forecast"] is None
    assert [row[1] for row in rows(board["sections"]["pipeline"])] == ["0"] * 5
    assert rows(board["sections"]["no_plan"]) == [] and board["activity"] == []
    assert [row[0] for row in rows(board["sections"]["cohorts"])] == ["Angkatan 2017", "Angkatan 2018"]


def test_a_province_board_counts_only_its_regencies(dataset):
    from regencies.models import Province

    board = national.build(OCTOBER_END, province=Province.objects.get(code="16"))
    assert board["figures"]["members"]["total"] == 2
    assert board["tiles"] == []
    assert {row[0] for row in rows(board["sections"]["provinces"])} >= {"16.03", "16.71"}
    assert [row[1] for row in rows(board["sections"]["pipeline"])] == ["2", "2", "1", "1", "1"]


# The page -------------------------------------------------------------------------------------------------------


def test_staff_open_the_dashboard_with_its_charts(dataset, client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("dashboard"), {"as_of": "2026-10-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 3 and html.count('class="tile ') == 38
    assert "Gerakan Menuju 100 Smart City" in html and "badge-demo" in html
    assert "?as_of=2026-10-31&amp;export=pipeline" in html


def test_each_table_downloads_as_csv_with_the_page_filters(dataset, client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("dashboard"), {"as_of": "2026-10-31", "export": "pipeline"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="dasbor-nasional-pipeline-2026-10-31.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["Langkah", "Kabupaten/kota", "Dari langkah sebelumnya"]
    assert table[1] == ["Nota kesepahaman ditandatangani", "4", "—"]


@pytest.mark.parametrize(
    "query", [{"as_of": "2030-01-01"}, {"as_of": "31/10/2026"}, {"export": "nothing"}, {"shade": "x"}, {"foo": "1"}]
)
def test_bad_parameters_answer_400_with_a_message(programme, client, reviewer, query):
    client.force_login(reviewer)
    response = client.get(reverse("dashboard"), query)
    assert response.status_code == 400
    assert "notice-error" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer", "partner"])
def test_officers_and_partners_cannot_open_the_dashboard(programme, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("dashboard"), {"export": "pipeline"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(programme, client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("members", [5, 100])
def test_the_dashboard_runs_a_fixed_number_of_queries(programme, client, reviewer, members, django_assert_num_queries):
    member_regencies(members)
    client.force_login(reviewer)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("dashboard"), {"as_of": "2026-10-31"}).status_code == 200


@pytest.mark.parametrize("members", [5, 100])
@pytest.mark.parametrize(("address", "queries"), [("/dashboard/", 6), ("/dashboard/provinces/16/", 7)])
def test_a_second_look_reads_cached_figures_in_a_few_queries(
    programme, client, reviewer, members, address, queries, django_assert_num_queries
):
    member_regencies(members)
    client.force_login(reviewer)
    client.get(address, {"as_of": "2026-10-31"})
    with django_assert_num_queries(queries):
        assert client.get(address, {"as_of": "2026-10-31"}).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cached_figures_are_never_stale_after_a_change(programme, client, reviewer):
    """Committed for real: the data version moves when a change commits, so the next look computes afresh."""
    client.force_login(reviewer)

    def members():
        return client.get(reverse("dashboard")).context["figures"]["members"]["total"]

    before = members()
    assert members() == before  # cached
    mous_for([Regency.objects.get(code="32.73")], Cohort.objects.get(year=2019), is_demo=True)  # bulk: no signal
    assert members() == before  # a bulk insert is invisible until its writer bumps the version
    data_version.bump()
    assert members() == before + 1
    mou = MoU.objects.get(regency__code="32.73")
    mou.delete()  # a model delete bumps it after commit
    assert members() == before
    sync_register(*kemendagri_register())  # the register's bulk writes announce themselves
    assert members() == before


def test_the_data_version_moves_only_when_a_change_commits(programme, django_capture_on_commit_callbacks):
    version = data_version.version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mous_for([Regency.objects.get(code="32.73")], Cohort.objects.get(year=2019))[0].save()
    assert data_version.version() == version and callbacks
    for callback in callbacks:
        callback()
    assert data_version.version() > version
