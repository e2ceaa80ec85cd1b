"""The evaluation in the API (/api/v1/evaluation-rounds, weightings, scores): who sees which round, scores equal to
the stored rows with ranks among the whole round whatever the filters, bad filters as 400s naming them, CSV,
conditional GETs, and fixed query counts at two data sizes."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from smartcity.accounts.choices import TokenScope
from smartcity.evaluation import scores, services
from smartcity.evaluation.choices import AssessmentStatus
from smartcity.evaluation.models import Assessment, Score, Weighting
from tests.api import assert_conditional_get, assert_json_error, assert_writes_refused, csv_rows, issue_token
from tests.factories import CohortFactory, MoUFactory, RegencyFactory, RegencyMembershipFactory, UserFactory, mous_for
from tests.smartcity.evaluation.conftest import open_round, weighting

pytestmark = pytest.mark.django_db

ROUNDS, WEIGHTINGS, SCORES = "/api/v1/evaluation-rounds/", "/api/v1/weightings/", "/api/v1/scores/"


def api(user=None, token=False):
    """A client reading messages in English: anonymous, with a token of ``user``, or signed in as ``user``."""
    client = APIClient()
    client.cookies["django_language"] = "en"
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    elif user is not None:
        client.force_login(user)
    return client


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def finalised(assessment, value):
    """``assessment`` finalised with every criterion confirmed at ``value``, and scored as finalising scores it; set
    directly: the steps themselves are tested in test_services.py."""
    assessment.answers.update(confirmed_value=Decimal(value))
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.FINALISED)
    scores.store([assessment.pk], assessment.round.weighting)


def evaluated(admin_user, year, values, version=1, publish=True):
    """A round of ``year`` whose members (by regency code) are finalised with ``values``, published or not."""
    round_ = open_round(admin_user, year=year, version=version)
    for assessment in round_.assessments.select_related("regency", "round__weighting"):
        if assessment.regency.code in values:
            finalised(assessment, values[assessment.regency.code])
    return services.publish(admin_user, round_.pk) if publish else round_


@pytest.fixture
def third_member(members):
    """A member of the 2019 cohort in the first member's province."""
    mou = MoUFactory(cohort=CohortFactory(year=2019), regency=RegencyFactory(province=members[0].regency.province))
    RegencyMembershipFactory(user=UserFactory(username="officer3", role="Regency officer"), regency=mou.regency)
    return mou


@pytest.fixture
def codes(members, third_member):
    """A and B of the 2018 cohort in two provinces, C of the 2019 cohort in A's province."""
    return members[0].regency.code, members[1].regency.code, third_member.regency.code


@pytest.fixture
def evaluation(codes, admin_user):
    """2019 published (A 80, C 70, B 60), 2020 published with the 2022 weighting (B and C 75, A 70), and 2021 still
    open, with A's assessment finalised and scored (90) but not published."""
    a, b, c = codes
    return {
        2019: evaluated(admin_user, 2019, {a: "80", b: "60", c: "70"}),
        2020: evaluated(admin_user, 2020, {a: "70", b: "75", c: "75"}, version=2),
        2021: evaluated(admin_user, 2021, {a: "90"}, publish=False),
    }


@pytest.fixture
def staff(assessor):
    return assessor  # a ministry reviewer: evaluation.view_assessment


@pytest.fixture
def people(partner, officer_a, staff, admin_user):
    return {"anonymous": None, "partner": partner, "officer": officer_a, "reviewer": staff, "admin": admin_user}


@pytest.fixture
def officer_a(members):
    return members[0].regency.memberships.first().user


def client_of(persona, people):
    """Partners and officers read with tokens, staff signed in, as they use the API."""
    return api(people[persona], token=persona in ("partner", "officer"))


# Who sees which round ----------------------------------------------------------------------------------------------

MATRIX = [("anonymous", False), ("partner", False), ("officer", False), ("reviewer", True), ("admin", True)]


@pytest.mark.parametrize("persona, sees_open_rounds", MATRIX)
def test_only_ministry_staff_see_open_rounds(persona, sees_open_rounds, people, evaluation):
    client = client_of(persona, people)

    years = [row["year"] for row in results(client.get(ROUNDS))]
    open_detail = client.get(f"{ROUNDS}2021/")

    assert years == ([2021, 2020, 2019] if sees_open_rounds else [2020, 2019])
    if sees_open_rounds:
        assert open_detail.json()["status"] == "open"
    else:
        assert_json_error(open_detail, 404, "not_found")
    assert client.get(f"{ROUNDS}2019/").json()["status"] == "published"


@pytest.mark.parametrize("persona", [persona for persona, _sees in MATRIX])
def test_an_open_rounds_scores_never_appear(persona, people, evaluation):
    client = client_of(persona, people)

    rows = results(client.get(SCORES, {"page_size": 100}))

    assert Score.objects.filter(assessment__round=evaluation[2021]).count() == 1  # stored, but not published
    assert sorted({row["round"] for row in rows}) == [2019, 2020]
    assert len(rows) == 6
    assert_json_error(client.get(SCORES, {"round": 2021}), 400, "invalid_choice")


def test_a_round_shows_its_dates_weighting_and_counts(evaluation, staff):
    published = api().get(f"{ROUNDS}2020/").json()
    open_round_ = api(staff).get(f"{ROUNDS}2021/").json()
    weighting_2022 = weighting(2)

    assert published == {
        "year": 2020,
        "status": "published",
        "opens_on": "2020-09-01",
        "closes_on": "2020-10-31",
        "due": "2020-11-02",  # 31 October 2020 is a Saturday
        "due_rule": "official",
        "published_at": published["published_at"],
        "weighting": {"id": weighting_2022.pk, "title": weighting_2022.title, "version": 2},
        "members": 3,
        "finalised": 3,
        "is_demo": False,
    }
    assert published["published_at"]
    assert (open_round_["published_at"], open_round_["members"], open_round_["finalised"]) == (None, 3, 1)


def test_nobody_writes_the_evaluation_through_the_api(evaluation, people):
    for persona in ("anonymous", "partner"):
        client = client_of(persona, people)
        assert_writes_refused(client, persona, ROUNDS, f"{ROUNDS}2019/")
        assert_writes_refused(client, persona, WEIGHTINGS, f"{WEIGHTINGS}{weighting(1).pk}/")
    writer = api()
    writer.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(people['officer'], TokenScope.READ_WRITE)}")
    assert_json_error(writer.post(SCORES, {}, format="json"), 405)
    assert_json_error(writer.delete(f"{ROUNDS}2019/"), 405)


# Weightings --------------------------------------------------------------------------------------------------------


def test_weightings_show_their_parts_in_the_guidelines_order_with_their_criteria(evaluation):
    rows = {row["version"]: row for row in results(api().get(WEIGHTINGS))}
    first = api().get(f"{WEIGHTINGS}{weighting(1).pk}/").json()

    assert first == rows[1]
    assert [part["kind"] for part in first["parts"]] == ["baseline", "output", "outcome", "impact", "quick_win"]
    assert [part["weight"] for part in first["parts"]] == [10, 20, 30, 30, 10]
    assert [part["weight"] for part in rows[2]["parts"]] == [10, 20, 30, 20, 20]
    criterion = first["parts"][0]["criteria"][0]
    assert set(criterion) == {"code", "name_id", "name_en", "description", "weight", "scale", "choices"}
    assert (criterion["weight"], criterion["scale"], criterion["choices"]) == (100, "score", [])
    assert first["is_locked"] is True and first["source"]


def test_a_choice_scale_lists_its_choices_as_decimal_scores(members):
    edition = Weighting.objects.create(title="Uji", version=1)
    part = edition.parts.create(kind="output", weight=100)
    part.criteria.create(
        code="perda",
        name_id="Perda",
        name_en="By-law",
        weight=100,
        scale="choice",
        choices=[{"score": 100, "name_id": "Ada", "name_en": "In place"}, {"score": 33.5, "name_id": "Draf"}],
    )

    body = api().get(f"{WEIGHTINGS}{edition.pk}/").json()

    assert body["is_locked"] is False
    assert body["parts"][0]["criteria"][0]["choices"] == [
        {"score": "100.00", "name_id": "Ada", "name_en": "In place"},
        {"score": "33.50", "name_id": "Draf", "name_en": ""},
    ]


# Scores ------------------------------------------------------------------------------------------------------------


def by_regency(rows):
    return {(row["round"], row["regency"]["code"]): row for row in rows}


def test_scores_are_the_stored_rows_best_first_in_each_round(evaluation, codes):
    a, b, c = codes
    rows = results(api().get(SCORES))

    tied = sorted([b, c])  # equal indexes, by regency code
    assert [(row["round"], row["regency"]["code"], row["rank"]) for row in rows] == [
        (2020, tied[0], 1),
        (2020, tied[1], 1),
        (2020, a, 3),
        (2019, a, 1),
        (2019, c, 2),
        (2019, b, 3),
    ]
    shown = by_regency(rows)
    for score in Score.objects.filter(assessment__round__status="published").select_related(
        "assessment__round", "assessment__regency__province", "assessment__mou__cohort", "weighting"
    ):
        row = shown[score.assessment.round.year, score.assessment.regency.code]
        assert row["id"] == score.pk
        assert row["regency"]["name"] == score.assessment.regency.name
        assert row["province"] == {
            "code": score.assessment.regency.province.code,
            "name": score.assessment.regency.province.name,
        }
        assert row["cohort"] == score.assessment.mou.cohort.year
        assert row["weighting"] == {
            "id": score.weighting_id,
            "title": score.weighting.title,
            "version": score.weighting.version,
        }
        for figure in ("baseline", "output", "outcome", "impact", "quick_win", "index"):
            assert row[figure] == str(getattr(score, figure)), figure
    assert shown[2020, a]["weighting"]["version"] == 2 and shown[2019, a]["weighting"]["version"] == 1
    assert shown[2019, c]["index"] == "70.00"


def test_scores_rank_in_cohort_and_province_and_show_the_change(evaluation, codes):
    a, b, c = codes
    shown = by_regency(results(api().get(SCORES)))

    ranks = {key: (row["cohort_rank"], row["province_rank"]) for key, row in shown.items()}
    assert ranks == {
        (2019, a): (1, 1),
        (2019, b): (2, 1),
        (2019, c): (1, 2),
        (2020, a): (2, 2),
        (2020, b): (1, 1),
        (2020, c): (1, 1),
    }
    assert (shown[2019, a]["previous"], shown[2019, a]["change"]) == (None, None)
    assert [(shown[2020, code]["previous"], shown[2020, code]["change"]) for code in (a, b, c)] == [
        ("80.00", "-10.00"),
        ("60.00", "15.00"),
        ("70.00", "5.00"),
    ]


def test_filters_choose_rows_but_never_rank_them_again(evaluation, codes, members):
    a, b, c = codes
    client = api()
    province = members[0].regency.province.code

    in_province = results(client.get(SCORES, {"province": province}))
    of_2019_cohort = results(client.get(SCORES, {"cohort": 2019, "round": 2019}))
    of_a = results(client.get(SCORES, {"regency": a}))

    assert [(row["round"], row["regency"]["code"], row["rank"]) for row in in_province] == [
        (2020, c, 1),
        (2020, a, 3),
        (2019, a, 1),
        (2019, c, 2),
    ]
    assert [(row["regency"]["code"], row["rank"], row["cohort_rank"]) for row in of_2019_cohort] == [(c, 2, 1)]
    assert [(row["round"], row["rank"], row["change"]) for row in of_a] == [(2020, 3, "-10.00"), (2019, 1, None)]
    assert client.get(SCORES, {"regency": "99.99"}).json()["count"] == 0


def test_scores_order_by_index_or_rank(evaluation):
    client = api()

    lowest_first = [row["index"] for row in results(client.get(SCORES, {"ordering": "index"}))]
    by_rank = [(row["rank"], row["round"]) for row in results(client.get(SCORES, {"ordering": "rank"}))]

    assert lowest_first == ["60.00", "70.00", "70.00", "75.00", "75.00", "80.00"]
    assert by_rank == [(1, 2020), (1, 2020), (1, 2019), (2, 2019), (3, 2020), (3, 2019)]


@pytest.mark.parametrize(
    "url, parameters, code",
    [
        (SCORES, {"round": "2018"}, "invalid_choice"),
        (SCORES, {"round": "dua-ribu"}, "invalid_choice"),
        (SCORES, {"province": "99"}, "invalid_choice"),
        (SCORES, {"cohort": "2016"}, "invalid_choice"),
        (SCORES, {"provnce": "16"}, "unknown_parameter"),
        (SCORES, {"ordering": "regency"}, "invalid"),
        (ROUNDS, {"status": "open"}, "unknown_parameter"),
        (WEIGHTINGS, {"locked": "true"}, "unknown_parameter"),
    ],
)
def test_an_unknown_parameter_or_bad_filter_value_is_a_400_naming_it(evaluation, url, parameters, code):
    body = assert_json_error(api().get(url, parameters), 400, code)

    assert set(body["fields"]) == set(parameters)


def test_a_bad_round_says_which_rounds_are_published(evaluation):
    body = api().get(SCORES, {"round": "2021"}).json()

    assert body["fields"] == {"round": ["No published evaluation round for 2021."]}


def test_scores_as_csv_one_row_each_with_flat_identifiers(evaluation, codes):
    rows = csv_rows(api().get(SCORES, {"format": "csv", "round": 2019}))

    header = rows[0].split(",")
    assert {"round", "regency.code", "province.code", "cohort", "weighting.version", "index", "rank"} <= set(header)
    assert len(rows) == 1 + 3
    first = dict(zip(header, rows[1].split(","), strict=True))
    assert (first["regency.code"], first["index"], first["rank"]) == (codes[0], "80.00", "1")


@pytest.mark.parametrize("url", [ROUNDS, WEIGHTINGS])
def test_rounds_and_weightings_as_csv(evaluation, url):
    rows = csv_rows(api().get(url, {"format": "csv"}))

    assert len(rows) == 1 + 2


def test_an_empty_score_list_as_csv_still_has_its_header_row(members):
    rows = csv_rows(api().get(SCORES, {"format": "csv"}))

    assert len(rows) == 1 and "regency.code" in rows[0]


def test_errors_stay_json_when_csv_is_asked_for(evaluation):
    body = assert_json_error(api().get(SCORES, {"format": "csv", "bogus": "1"}), 400, "unknown_parameter")

    assert list(body["fields"]) == ["bogus"]


@pytest.mark.parametrize("url", [ROUNDS, f"{ROUNDS}2019/", WEIGHTINGS, SCORES, f"{SCORES}?round=2020"])
def test_reads_answer_a_conditional_get(evaluation, url):
    assert_conditional_get(api(), url)


def test_a_publication_changes_the_etag_of_the_scores(codes, admin_user):
    a, b, c = codes
    first = evaluated(admin_user, 2019, {a: "80", b: "60"})
    etag = api().get(SCORES)["ETag"]
    evaluated(admin_user, 2020, {c: "50"})

    again = api().get(SCORES, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 200 and again["ETag"] != etag
    assert {row["round"] for row in again.json()["results"]} == {first.year, 2020}


# Query counts: the same at two data sizes --------------------------------------------------------------------------


def scored_round(admin_user, year):
    """A published round of ``year`` whose members are finalised at values of their own."""
    round_ = open_round(admin_user, year=year)
    for number, assessment in enumerate(round_.assessments.select_related("round__weighting").order_by("pk")):
        finalised(assessment, 40 + number % 50)
    return services.publish(admin_user, round_.pk)


@pytest.fixture(params=[3, 40], ids=lambda n: f"{n}-members")
def scored(request, db, admin_user):
    """Two published rounds of ``request.param`` members (one cohort, one province) each."""
    province = RegencyFactory().province
    mous_for(RegencyFactory.create_batch(request.param, province=province), CohortFactory(year=2018))
    for year in (2019, 2020):
        scored_round(admin_user, year)
    return request.param


QUERIES = 2  # the count and the page


def test_the_score_list_runs_a_fixed_number_of_queries(scored, django_assert_num_queries):
    client = api()

    with django_assert_num_queries(QUERIES):
        rows = results(client.get(SCORES, {"page_size": 100}))

    assert len(rows) == 2 * scored
    assert {row["previous"] is not None for row in rows} == {True, False}


def test_the_filtered_score_list_of_a_partner_runs_a_fixed_number_of_queries(
    scored, partner, django_assert_num_queries
):
    client = api(partner, token=True)
    client.get(ROUNDS)  # the token's last use is written once a minute: not in the count below

    with django_assert_num_queries(QUERIES + 3):  # the token, the round and the cohort the filters name
        rows = results(client.get(SCORES, {"page_size": 100, "round": 2020, "cohort": 2018}))

    assert len(rows) == scored


@pytest.fixture(params=[1, 6], ids=lambda n: f"{n}-rounds")
def rounds(request, members, admin_user):
    """``request.param`` published rounds of the two members."""
    for year in range(2019, 2019 + request.param):
        scored_round(admin_user, year)
    return request.param


def test_the_round_list_runs_a_fixed_number_of_queries(rounds, django_assert_num_queries):
    client = api()

    with django_assert_num_queries(QUERIES):
        rows = results(client.get(ROUNDS))

    assert len(rows) == rounds and {row["members"] for row in rows} == {2}


def test_the_round_list_of_staff_runs_a_fixed_number_of_queries(rounds, staff, django_assert_num_queries):
    client = api(staff)
    client.get(ROUNDS)  # the session's user

    with django_assert_num_queries(QUERIES + 4):  # the session, its user, the user's permissions (2)
        rows = results(client.get(ROUNDS))

    assert len(rows) == rounds


@pytest.fixture(params=[0, 8], ids=lambda n: f"{n}-more-weightings")
def weightings(request, db):
    """The two loaded weightings and ``request.param`` new versions of the first, five criteria a part."""
    for _number in range(request.param):
        copy = services.new_version(weighting(1))
        for part in copy.parts.all():
            for code in ("a", "b", "c", "d"):
                part.criteria.create(code=code, name_id=code, name_en=code, weight=0 + 1)
    return 2 + request.param


def test_the_weighting_list_runs_a_fixed_number_of_queries(weightings, django_assert_num_queries):
    client = api()

    with django_assert_num_queries(QUERIES + 2):  # the parts and their criteria
        rows = results(client.get(WEIGHTINGS))

    assert len(rows) == weightings
    assert all(len(part["criteria"]) in (1, 5) for row in rows for part in row["parts"])
