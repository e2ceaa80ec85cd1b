"""The benchmark's dataset: the shape the issue asks for at a small scale, the same data for the same seed, all of it
marked demo, and the dashboards' query counts unchanged on it."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan, PlanEvent, Programme, ProgressUpdate
from mou.models import MoU
from smartcity.bench import benchmarks
from smartcity.bench.scale_data import PROGRAMMES_PER_PLAN, SOURCE_NOTE, ScaleData, quarters
from tests.smartcity.dashboards.test_dashboard import DASHBOARD_QUERIES

SCALE = 0.02  # 10 of the 514 regencies


def snapshot():
    return (
        sorted(MoU.objects.filter(source=SOURCE_NOTE).values_list("regency__code", "cohort__year", "signed_on")),
        sorted(Programme.objects.values_list("plan__regency__code", "name", "start_year", "end_year", "budget")),
        sorted(ProgressUpdate.objects.values_list("programme__name", "year", "quarter", "physical_percent", "spent")),
    )


def test_the_dataset_has_the_shape_of_the_issue_at_a_small_scale(programme):
    out = io.StringIO()
    call_command("generate_scale_data", scale=SCALE, seed=3, stdout=out)
    members = MoU.objects.filter(source=SOURCE_NOTE).count() + MoU.objects.filter(is_demo=False).count()
    plans = MasterPlan.objects.all()
    assert 9 <= plans.filter(status=PlanStatus.APPROVED).count() <= members
    assert plans.filter(status=PlanStatus.SUPERSEDED).count() == plans.filter(status=PlanStatus.APPROVED).count()
    assert not plans.filter(is_demo=False).exists()
    approved = plans.filter(status=PlanStatus.APPROVED).count()
    assert Programme.objects.count() == approved * PROGRAMMES_PER_PLAN
    assert ProgressUpdate.objects.count() == approved * PROGRAMMES_PER_PLAN * len(quarters()) == approved * 60 * 39
    assert PlanEvent.objects.count() == approved * 7
    assert "DEMO scale data" in out.getvalue()
    with pytest.raises(CommandError, match="scale data already"):
        call_command("generate_scale_data", scale=SCALE, seed=3, stdout=io.StringIO())


def test_the_same_seed_gives_the_same_data(programme):
    runs = []
    for _ in range(2):
        with transaction.atomic():
            ScaleData(SCALE, seed=11).generate()
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and runs[0][2]


@pytest.mark.parametrize("bad", ["0", "1.5", "half"])
def test_a_scale_outside_0_to_1_is_refused(programme, bad):
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--scale", bad, stdout=io.StringIO())


def test_the_dashboard_keeps_its_query_count_on_scale_data(programme, client, reviewer, django_assert_num_queries):
    ScaleData(SCALE, seed=5).generate()
    client.force_login(reviewer)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("dashboard")).status_code == 200


def test_the_benchmark_measures_each_page_and_counts_its_queries(programme):
    """The wiring of ``manage.py bench`` on a small dataset: every page answers, within the issue's 12 queries
    (timings are printed by the benchmark, never asserted)."""
    ScaleData(SCALE, seed=5).generate()
    pages = benchmarks.measure_pages()
    assert set(pages) == {"national dashboard", "province page", "regency page", "reviewer queue"}
    assert pages["national dashboard"]["queries"] == 6  # after the warm-up, from cached figures
    assert all(page["queries"] <= 12 for page in pages.values())
    assert all(page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"] for page in pages.values())


@override_settings(ROOT_URLCONF="smartcity.bench.urls")
def test_the_baselines_answer_the_same_rows_as_the_api(programme, client):
    ScaleData(SCALE, seed=5).generate()
    for api, baseline in benchmarks.API_LISTS.items():
        assert client.get(api).status_code == 200
        assert client.get(baseline).status_code == 200
    api = [row["code"] for row in client.get("/api/v1/regencies/").json()["results"]]
    assert api == [row["code"] for row in client.get("/bench/baseline/regencies/").json()["results"]]
    api = [row["id"] for row in client.get("/api/v1/programmes/?page_size=100").json()["results"]]
    assert api == [row["id"] for row in client.get("/bench/baseline/programmes/").json()["results"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_load_client_counts_answers_over_loopback(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    rate, failed = benchmarks.requests_per_second(port, "/healthz", 0.3, 2)
    assert rate > 0 and failed == 0
    rate, failed = benchmarks.requests_per_second(port, "/no-such-page/", 0.3, 2)
    assert rate == 0 and failed > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_load_test_plays_every_role_without_an_error(programme, live_server):
    """The locust scenario on a small dataset: anonymous visitors, partners, officers and reviewers all get their
    pages (any answer but 200, a redirect to sign in among them, would count as an error)."""
    ScaleData(SCALE, seed=5).generate()
    actors = benchmarks.load_actors(officers=2, reviewers=1)
    results = benchmarks.load_test(live_server.url, json.dumps(actors), users=8, seconds=4)
    assert results["all"]["requests"] >= 8 and results["all"]["failures"] == 0, results
    names = set(results["addresses"])
    assert any(name.startswith("/api/v1/") for name in names)  # partners
    assert names & {"/programme/", "/", "/regencies/?province=[code]", "/plans/[id]/"}  # anonymous visitors
    assert names & {"/ (officer)", "/plans/my-regency/", "/plans/[id]/ (officer)", "/plans/[id]/progress/"}
    assert names & {"/plans/review/", "/dashboard/", "/dashboard/provinces/[code]/", "/plans/[id]/ (reviewer)"}
