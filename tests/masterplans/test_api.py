"""The master-plan API (/api/v1/dimensions, plans, programmes, progress-updates): who sees what, the workflow with
the pages' rules, bad input as JSON errors with a code, conditional writes, fixed query counts, CSV."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from masterplans import services
from masterplans.choices import FundingSource, Horizon, PlanStatus, ProgressStatus
from masterplans.models import Dimension, MasterPlan, Programme, ProgressUpdate
from mou.models import Cohort
from regencies.models import Regency
from smartcity.accounts.choices import TokenScope
from smartcity.accounts.models import ApiToken
from tests.factories import complete_plan, mous_for, pdf_bytes

PLANS = reverse("api:plan-list")
PROGRAMMES = reverse("api:programme-list")
PROGRESS = reverse("api:progress-update-list")


def plan_url(plan, step=None):
    if step:
        return reverse(f"api:plan-{step}", args=[plan.pk])
    return reverse("api:plan-detail", args=[plan.pk])


def programme_url(programme):
    return reverse("api:programme-detail", args=[programme.pk])


def progress_url(update):
    return reverse("api:progress-update-detail", args=[update.pk])


def api(user=None):
    """A client signed in as ``user`` (anonymous without), reading messages in English."""
    client = APIClient()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def token_for(user, scope):
    token = ApiToken(
        user=user,
        name="Integrasi SIPD",
        organisation="Pemkab Muara Enim",
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    raw = token.issue()
    token.save()
    return raw


def assert_error(response, status, code):
    """A 4xx answer is JSON with a machine-readable code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The throttles count requests in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def people(partner, officer, other_officer, reviewer, ministry_admin):
    return {
        "anonymous": None,
        "partner": partner,
        "officer": officer,
        "other_officer": other_officer,
        "reviewer": reviewer,
        "admin": ministry_admin,
    }


@pytest.fixture
def versions(approved, officer):
    """Muara Enim's approved plan (public) with a reported quarter, and its next version, a draft that only the
    regency's officers and the ministry may see."""
    reported = services.save_progress(
        officer,
        ProgressUpdate(
            programme=approved.programmes.first(),
            year=2023,
            quarter=4,
            physical_percent=40,
            spent=250_000_000,
            status=ProgressStatus.ON_TRACK,
        ),
    )
    draft = services.start_new_version(approved.pk, officer)
    # Progress is never reported on a draft; this row exists only to show that it would stay hidden with its plan.
    hidden = ProgressUpdate.objects.create(
        programme=draft.programmes.first(),
        year=2023,
        quarter=4,
        physical_percent=10,
        spent=1,
        status=ProgressStatus.DELAYED,
    )
    return SimpleNamespace(approved=approved, draft=draft, reported=reported, hidden=hidden)


# Who sees drafts: the regency's own officers and ministry staff; everyone else sees published plans only.
MATRIX = [
    ("anonymous", False),
    ("partner", False),
    ("officer", True),
    ("other_officer", False),
    ("reviewer", True),
    ("admin", True),
]


@pytest.mark.parametrize("persona, sees_drafts", MATRIX)
def test_plans_show_drafts_only_to_their_officers_and_the_ministry(persona, sees_drafts, people, versions):
    client = api(people[persona])

    listed = ids(client.get(PLANS))
    draft_detail = client.get(plan_url(versions.draft))

    assert listed == ({versions.approved.pk, versions.draft.pk} if sees_drafts else {versions.approved.pk})
    assert client.get(plan_url(versions.approved)).status_code == 200
    if sees_drafts:
        assert draft_detail.status_code == 200
    else:
        assert_error(draft_detail, 404, "not_found")


@pytest.mark.parametrize("persona, sees_drafts", MATRIX)
def test_programmes_of_drafts_are_hidden_like_their_plans(persona, sees_drafts, people, versions):
    client = api(people[persona])
    published = set(versions.approved.programmes.values_list("pk", flat=True))
    drafted = set(versions.draft.programmes.values_list("pk", flat=True))

    listed = ids(client.get(PROGRAMMES, {"page_size": 100}))

    assert listed == (published | drafted if sees_drafts else published)
    assert client.get(programme_url(versions.approved.programmes.first())).status_code == 200
    assert client.get(programme_url(versions.draft.programmes.first())).status_code == (200 if sees_drafts else 404)


@pytest.mark.parametrize("persona, sees_drafts", MATRIX)
def test_progress_is_hidden_like_its_plan(persona, sees_drafts, people, versions):
    client = api(people[persona])

    listed = ids(client.get(PROGRESS))

    assert listed == ({versions.reported.pk, versions.hidden.pk} if sees_drafts else {versions.reported.pk})
    assert client.get(progress_url(versions.reported)).status_code == 200
    assert client.get(progress_url(versions.hidden)).status_code == (200 if sees_drafts else 404)


def test_a_plan_shows_stable_identifiers_and_no_file_addresses(versions):
    body = api().get(plan_url(versions.approved)).json()

    assert body["regency"] == {"code": "16.03", "name": "Kabupaten Muara Enim", "kind": "kabupaten"}
    assert body["province"]["code"] == "16"
    assert body["cohort"] == 2018
    assert body["status"] == "approved"
    assert body["has_main_document"] is True
    assert "main_document" not in body
    assert len(body["programmes"]) == body["programme_count"] == 6
    assert {programme["dimension"] for programme in body["programmes"]} == set(
        Dimension.objects.values_list("code", flat=True)
    )
    assert [event["action"] for event in body["events"]] == ["created", "submitted", "taken_up", "approved"]
    assert "actor" not in body["events"][0]


def test_dimensions_list_their_sub_dimensions_and_open_by_code(db):
    listed = api().get(reverse("api:dimension-list")).json()["results"]
    governance = api().get(reverse("api:dimension-detail", args=["governance"])).json()

    assert [dimension["code"] for dimension in listed][:2] == ["governance", "branding"]
    assert governance["name_en"] == "Smart Governance"
    assert "public-services" in [sub["code"] for sub in governance["sub_dimensions"]]


def test_an_officer_drafts_and_submits_a_reviewer_approves_and_the_officer_reports_progress(
    officer, reviewer, programme
):
    as_officer, as_reviewer = api(officer), api(reviewer)

    created = as_officer.post(
        PLANS,
        {
            "regency": "16.03",
            "title": "Masterplan Smart City Muara Enim 2019-2023",
            "start_year": 2019,
            "end_year": 2023,
            "summary": "Enam dimensi, dimulai dari layanan publik.",
            "rpjmd_reference": "Perda No. 3 Tahun 2019",
            "renstra_reference": "Renstra Diskominfo 2019-2023",
            "not_applicable": ["environment"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    plan = MasterPlan.objects.get(pk=created.json()["id"])
    assert created.json()["status"] == "draft" and created.json()["not_applicable"] == ["environment"]
    assert created["ETag"]

    for index, dimension in enumerate(Dimension.objects.exclude(code="environment")):
        added = as_officer.post(
            PROGRAMMES,
            {
                "plan": plan.pk,
                "dimension": dimension.code,
                "name": f"Program {dimension.name_en}",
                "horizon": Horizon.QUICK_WIN if index == 0 else Horizon.MEDIUM,
                "start_year": 2019,
                "end_year": 2021,
                "budget": 750_000_000,
                "funding_source": FundingSource.APBD,
                "agency": "Diskominfo",
                "is_quick_win": index == 0,
            },
            format="json",
        )
        assert added.status_code == 201, added.content
    # The main document is uploaded on the plan's page; the API takes no files.
    plan.main_document.save("plan.pdf", ContentFile(pdf_bytes()), save=True)

    submitted = as_officer.post(plan_url(plan, "submit"), format="json")
    taken_up = as_reviewer.post(plan_url(plan, "take-up"), format="json")
    approved = as_reviewer.post(plan_url(plan, "approve"), {"comment": "Sesuai panduan."}, format="json")

    assert [submitted.json()["status"], taken_up.json()["status"], approved.json()["status"]] == [
        "submitted",
        "in_review",
        "approved",
    ]
    assert approved.json()["events"][-1]["comment"] == "Sesuai panduan."

    first_programme = plan.programmes.order_by("pk").first()
    reported = as_officer.post(
        PROGRESS,
        {
            "programme": first_programme.pk,
            "year": 2021,
            "quarter": 2,
            "physical_percent": "62.50",
            "spent": 300_000_000,
            "status": ProgressStatus.ON_TRACK,
            "note": "Aplikasi layanan sudah berjalan di 10 kecamatan.",
        },
        format="json",
    )
    assert reported.status_code == 201, reported.content
    assert reported.json() | {"id": None, "created_at": None, "updated_at": None} == {
        "id": None,
        "programme": first_programme.pk,
        "plan": plan.pk,
        "regency": "16.03",
        "year": 2021,
        "quarter": 2,
        "physical_percent": "62.50",
        "spent": 300_000_000,
        "status": "on_track",
        "note": "Aplikasi layanan sudah berjalan di 10 kecamatan.",
        "has_evidence": False,
        "evidence_status": None,
        "created_at": None,
        "updated_at": None,
    }
    assert ProgressUpdate.objects.get().reported_by == officer


def test_a_reviewer_sends_a_plan_back_with_a_comment_and_the_officer_edits_it_again(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)

    sent_back = api(reviewer).post(
        plan_url(complete_draft, "request-revision"), {"comment": "Lengkapi RPJMD."}, format="json"
    )
    edited = api(officer).patch(plan_url(complete_draft), {"rpjmd_reference": "Perda No. 3/2019"}, format="json")

    assert sent_back.json()["status"] == "revision_requested"
    assert edited.status_code == 200, edited.content
    assert edited.json()["rpjmd_reference"] == "Perda No. 3/2019"
    assert edited.json()["status"] == "revision_requested"


def test_an_officer_starts_a_new_version_of_an_approved_plan(approved, officer):
    response = api(officer).post(plan_url(approved, "new-version"), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    assert response.json()["previous"] == approved.pk
    assert response.json()["status"] == "draft"


def test_an_officer_changes_and_removes_a_programme_of_a_draft(complete_draft, officer):
    programme = complete_draft.programmes.get(dimension__code="governance")
    client = api(officer)

    changed = client.patch(
        programme_url(programme), {"budget": 2_500_000_000, "sub_dimension": "public-services"}, format="json"
    )
    removed = client.delete(programme_url(programme))

    assert changed.status_code == 200, changed.content
    assert changed.json()["budget"] == 2_500_000_000
    assert changed.json()["sub_dimension"] == "public-services"
    assert removed.status_code == 204
    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_reporting_a_quarter_twice_answers_to_correct_it_with_patch(versions, officer):
    client = api(officer)
    again = client.post(
        PROGRESS,
        {
            "programme": versions.reported.programme_id,
            "year": 2023,
            "quarter": 4,
            "physical_percent": 45,
            "spent": 260_000_000,
            "status": ProgressStatus.ON_TRACK,
        },
        format="json",
    )
    corrected = client.patch(progress_url(versions.reported), {"physical_percent": 45}, format="json")

    body = assert_error(again, 400, "exists")
    assert progress_url(versions.reported) in body["detail"]
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["physical_percent"] == "45.00"
    assert versions.reported.history.count() == 2  # the earlier figures stay in the history


# Refusals: the pages' rules, as JSON errors.


def test_an_officer_cannot_change_another_regencys_plan(versions, other_officer):
    client = api(other_officer)

    assert_error(client.patch(plan_url(versions.draft), {"title": "X"}, format="json"), 404, "not_found")
    assert_error(client.post(plan_url(versions.draft, "submit"), format="json"), 404, "not_found")
    assert_error(
        client.patch(programme_url(versions.approved.programmes.first()), {"budget": 1}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(client.post(plan_url(versions.approved, "new-version"), format="json"), 403, "permission_denied")


def test_an_officer_cannot_start_a_plan_for_another_regency(other_officer, officer):
    response = api(other_officer).post(
        PLANS, {"regency": "16.03", "title": "Masterplan", "start_year": 2019, "end_year": 2023}, format="json"
    )

    assert_error(response, 403, "permission_denied")
    assert not MasterPlan.objects.exists()


def test_only_reviewers_decide(complete_draft, officer, partner):
    services.submit(complete_draft.pk, officer)

    assert_error(api(officer).post(plan_url(complete_draft, "take-up"), format="json"), 403, "permission_denied")
    # A submitted plan is not published, so a partner does not even see it.
    assert_error(api(partner).post(plan_url(complete_draft, "take-up"), format="json"), 404, "not_found")


def test_a_programme_cannot_be_added_to_a_plan_the_caller_cannot_see(draft, other_officer):
    response = api(other_officer).post(
        PROGRAMMES,
        {
            "plan": draft.pk,
            "dimension": "governance",
            "name": "Program",
            "horizon": "short",
            "start_year": 2019,
            "end_year": 2020,
            "budget": 1,
            "funding_source": "apbd",
            "agency": "Diskominfo",
        },
        format="json",
    )

    body = assert_error(response, 400, "does_not_exist")
    assert "plan" in body["fields"]


def test_anonymous_callers_cannot_write(versions):
    response = api().post(plan_url(versions.approved, "new-version"), format="json")

    assert_error(response, 401, "not_authenticated")


def test_malformed_json_is_a_parse_error(officer, programme):
    response = api(officer).post(PLANS, '{"title": ', content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_wrong_types_are_field_errors(officer, programme):
    response = api(officer).post(
        PLANS, {"regency": "16.03", "title": "Masterplan", "start_year": "soon", "end_year": [2023]}, format="json"
    )

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"start_year", "end_year"}


def test_unknown_fields_are_refused_by_name(draft, officer):
    response = api(officer).patch(plan_url(draft), {"titel": "Typo", "status": "approved"}, format="json")

    body = assert_error(response, 400, "unknown_field")
    assert set(body["fields"]) == {"status", "titel"}
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_a_plan_of_four_years_is_refused(officer, programme):
    response = api(officer).post(
        PLANS, {"regency": "16.03", "title": "Masterplan", "start_year": 2019, "end_year": 2022}, format="json"
    )

    body = assert_error(response, 400, "invalid")
    assert "5 to 10 whole years" in body["fields"]["end_year"][0]


def test_a_negative_budget_is_refused(draft, officer):
    programme = {
        "plan": draft.pk,
        "dimension": "governance",
        "name": "Program",
        "horizon": "short",
        "start_year": 2019,
        "end_year": 2020,
        "budget": -1,
        "funding_source": "apbd",
        "agency": "Diskominfo",
    }

    body = assert_error(api(officer).post(PROGRAMMES, programme, format="json"), 400, "min_value")
    assert set(body["fields"]) == {"budget"}


def test_a_sub_dimension_of_another_dimension_is_refused(complete_draft, officer):
    programme = complete_draft.programmes.get(dimension__code="governance")

    response = api(officer).patch(programme_url(programme), {"sub_dimension": "tourism"}, format="json")

    body = assert_error(response, 400, "does_not_exist")
    assert set(body["fields"]) == {"sub_dimension"}


def progress_of(programme, **changes):
    return {
        "programme": programme.pk,
        "year": 2023,
        "quarter": 3,
        "physical_percent": 50,
        "spent": 1_000_000,
        "status": "on_track",
        **changes,
    }


def test_progress_above_100_percent_is_refused(approved, officer):
    response = api(officer).post(
        PROGRESS, progress_of(approved.programmes.first(), physical_percent=101), format="json"
    )

    body = assert_error(response, 400, "max_value")
    assert set(body["fields"]) == {"physical_percent"}


def test_progress_of_a_quarter_that_has_not_started_is_refused(approved, officer):
    next_year = timezone.localdate().year + 1

    response = api(officer).post(PROGRESS, progress_of(approved.programmes.first(), year=next_year), format="json")

    body = assert_error(response, 400, "future_quarter")
    assert "has not started yet" in body["detail"]


def test_progress_on_a_draft_is_refused(complete_draft, officer):
    response = api(officer).post(PROGRESS, progress_of(complete_draft.programmes.first()), format="json")

    assert_error(response, 400, "wrong_status")


def test_a_workflow_step_in_the_wrong_state_is_refused(approved, officer, reviewer):
    assert_error(api(officer).post(plan_url(approved, "submit"), format="json"), 400, "wrong_status")
    assert_error(api(reviewer).post(plan_url(approved, "take-up"), format="json"), 400, "wrong_status")


def test_an_incomplete_draft_cannot_be_submitted(draft, officer):
    body = assert_error(api(officer).post(plan_url(draft, "submit"), format="json"), 400, "incomplete")

    assert "Upload the main document (PDF)." in body["detail"]


def test_a_decision_needs_a_comment(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)

    body = assert_error(api(reviewer).post(plan_url(complete_draft, "approve"), {}, format="json"), 400, "required")
    assert set(body["fields"]) == {"comment"}
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.IN_REVIEW


def test_a_read_only_token_cannot_write_and_a_read_write_token_can(draft, officer):
    client = api()
    read_only, read_write = token_for(officer, TokenScope.READ), token_for(officer, TokenScope.READ_WRITE)

    seen = client.get(plan_url(draft), HTTP_AUTHORIZATION=f"Bearer {read_only}")
    refused = client.patch(plan_url(draft), {"title": "Baru"}, format="json", HTTP_AUTHORIZATION=f"Bearer {read_only}")
    written = client.patch(plan_url(draft), {"title": "Baru"}, format="json", HTTP_AUTHORIZATION=f"Bearer {read_write}")

    assert seen.status_code == 200  # the token acts as its officer, who sees the draft
    assert_error(refused, 403, "permission_denied")
    assert written.status_code == 200, written.content
    assert written.json()["title"] == "Baru"


# Conditional writes: If-Match with the ETag of the detail a client read.


def test_a_write_with_a_fresh_etag_succeeds_and_a_stale_one_is_refused(draft, officer):
    client = api(officer)
    etag = client.get(plan_url(draft))["ETag"]

    fresh = client.patch(plan_url(draft), {"summary": "Versi pertama."}, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch(plan_url(draft), {"summary": "Versi lain."}, format="json", HTTP_IF_MATCH=etag)

    assert fresh.status_code == 200, fresh.content
    assert fresh["ETag"] != etag
    assert_error(stale, 412, "precondition_failed")
    draft.refresh_from_db()
    assert draft.summary == "Versi pertama."


def test_the_etag_of_a_write_answers_a_following_conditional_write(draft, officer):
    client = api(officer)
    first = client.patch(plan_url(draft), {"summary": "Satu."}, format="json")

    second = client.patch(plan_url(draft), {"summary": "Dua."}, format="json", HTTP_IF_MATCH=first["ETag"])

    assert second.status_code == 200, second.content


def test_workflow_steps_and_programme_changes_honour_if_match(complete_draft, officer):
    client = api(officer)
    programme = complete_draft.programmes.first()
    plan_etag = client.get(plan_url(complete_draft))["ETag"]
    programme_etag = client.get(programme_url(programme))["ETag"]

    client.patch(programme_url(programme), {"name": "Nama baru"}, format="json", HTTP_IF_MATCH=programme_etag)

    assert_error(
        client.patch(programme_url(programme), {"budget": 5}, format="json", HTTP_IF_MATCH=programme_etag),
        412,
        "precondition_failed",
    )
    assert_error(client.post(plan_url(complete_draft, "submit"), HTTP_IF_MATCH=plan_etag), 412, "precondition_failed")
    fresh_etag = client.get(plan_url(complete_draft))["ETag"]
    assert client.post(plan_url(complete_draft, "submit"), HTTP_IF_MATCH=fresh_etag).status_code == 200


# Filters, ordering, CSV.


def test_plans_filter_by_regency_status_and_change_date(versions, officer):
    client = api(officer)

    assert ids(client.get(PLANS, {"regency": "16.03", "status": "draft"})) == {versions.draft.pk}
    assert ids(client.get(PLANS, {"province": "16", "cohort": 2018})) == {versions.approved.pk, versions.draft.pk}
    assert ids(client.get(PLANS, {"updated_since": "2099-01-01T00:00:00+07:00"})) == set()
    assert ids(client.get(PLANS, {"regency": "73.71"})) == set()


def test_programmes_filter_by_dimension_horizon_funding_and_quick_win(approved):
    client = api()

    quick_wins = client.get(PROGRAMMES, {"plan": approved.pk, "quick_win": "true"}).json()["results"]
    economy = client.get(PROGRAMMES, {"regency": "16.03", "dimension": "economy", "horizon": "medium"}).json()

    assert [programme["dimension"] for programme in quick_wins] == ["governance"]
    assert [programme["dimension"] for programme in economy["results"]] == ["economy"]
    assert client.get(PROGRAMMES, {"funding_source": "apbn"}).json()["count"] == 0


def test_programmes_order_by_budget(approved):
    budgets = [row["budget"] for row in api().get(PROGRAMMES, {"ordering": "-budget"}).json()["results"]]

    assert budgets == sorted(budgets, reverse=True)


def test_progress_filters_by_plan_year_quarter_and_status(versions):
    client = api()

    assert ids(client.get(PROGRESS, {"plan": versions.approved.pk, "year": 2023, "quarter": 4})) == {
        versions.reported.pk
    }
    assert ids(client.get(PROGRESS, {"status": "delayed"})) == set()


@pytest.mark.parametrize(
    "url, parameters, code",
    [
        (PLANS, {"regncy": "16.03"}, "unknown_parameter"),
        (PLANS, {"status": "published"}, "invalid_choice"),
        (PROGRAMMES, {"dimension": "smart-weather"}, "invalid_choice"),
        (PROGRAMMES, {"quick_win": "maybe"}, "invalid_choice"),
        (PROGRAMMES, {"ordering": "secret"}, "invalid"),
        (PROGRESS, {"quarter": "5"}, "invalid_choice"),
        (PROGRESS, {"updated_since": "yesterday"}, "invalid"),
    ],
)
def test_an_unknown_parameter_or_bad_filter_value_is_a_400_naming_it(db, url, parameters, code):
    body = assert_error(api().get(url, parameters), 400, code)

    assert set(body["fields"]) == set(parameters)


def test_the_programme_list_is_offered_as_csv(approved):
    response = api().get(PROGRAMMES, {"format": "csv", "plan": approved.pk})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert "regency" in lines[0] and "budget" in lines[0]
    assert len(lines) == 1 + 6
    assert all("16.03" in line for line in lines[1:])


def test_the_plan_list_is_offered_as_csv_with_nested_identifiers(approved):
    response = api().get(PLANS, {"format": "csv"})

    header, row = response.content.decode().splitlines()
    assert "regency.code" in header.split(",")
    assert "16.03" in row


# Query counts: the same for a page of 5 and of 100 rows.


@pytest.fixture(params=[5, 100], ids=lambda n: f"{n}-plans")
def many_plans(request, programme):
    """``request.param`` approved plans of as many regencies, each with two programmes (one in a sub-dimension)."""
    regencies = Regency.objects.exclude(code="16.03").order_by("code")[: request.param]
    mous = mous_for(regencies, Cohort.objects.get(year=2019))
    plans = MasterPlan.objects.bulk_create(
        MasterPlan(
            regency_id=mou.regency_id,
            mou=mou,
            title=f"Masterplan {n}",
            start_year=2020,
            end_year=2024,
            status=PlanStatus.APPROVED,
        )
        for n, mou in enumerate(mous)
    )
    governance = Dimension.objects.get(code="governance")
    public_services = governance.sub_dimensions.get(code="public-services")
    Programme.objects.bulk_create(
        Programme(
            plan=plan,
            dimension=governance,
            sub_dimension=public_services if n == 0 else None,
            name=f"Program {n}",
            horizon=Horizon.SHORT,
            start_year=2020,
            end_year=2022,
            budget=1_000_000,
            funding_source=FundingSource.APBD,
            agency="Diskominfo",
        )
        for plan in plans
        for n in range(2)
    )
    return request.param


@pytest.fixture(params=[5, 100], ids=lambda n: f"{n}-programmes")
def big_plan(request, approved):
    """The approved plan with exactly ``request.param`` programmes."""
    approved.programmes.all().delete()
    programmes = complete_plan(approved, programmes_per_dimension=-(-request.param // 6))
    Programme.objects.filter(pk__in=[p.pk for p in programmes[request.param :]]).delete()
    assert approved.programmes.count() == request.param
    return request.param


def test_the_plan_list_runs_a_fixed_number_of_queries(many_plans, django_assert_num_queries):
    client = api()

    with django_assert_num_queries(2):  # the count and the page
        response = client.get(PLANS, {"page_size": 100})

    assert len(response.json()["results"]) == many_plans
    assert {plan["programme_count"] for plan in response.json()["results"]} == {2}


def test_the_plan_list_of_an_officer_runs_a_fixed_number_of_queries(many_plans, officer, django_assert_num_queries):
    client = api(officer)

    with django_assert_num_queries(5):  # the officer's permissions (2) and regencies, the count and the page
        response = client.get(PLANS, {"page_size": 100})

    assert len(response.json()["results"]) == many_plans


def test_the_programme_list_runs_a_fixed_number_of_queries(big_plan, django_assert_num_queries):
    client = api()

    with django_assert_num_queries(2):  # the count and the page
        response = client.get(PROGRAMMES, {"page_size": 100})

    assert len(response.json()["results"]) == big_plan
