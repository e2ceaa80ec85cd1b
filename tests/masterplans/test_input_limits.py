"""Data typed is data stored, on the master-plan pages and in the API: rupiah, percentages and years are read as
they are meant or refused on their field (``1.000.000`` is a million, ``1.000000`` an error, never 1), and long
texts stop at 10,000 characters (a reviewer's comment at 5,000)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from masterplans import services
from masterplans.models import MAX_COMMENT_LENGTH, Dimension, MasterPlan, Programme, ProgressUpdate
from mou.models import MAX_TEXT_LENGTH

TOO_LONG, LONGEST = "a" * (MAX_TEXT_LENGTH + 1), "a" * MAX_TEXT_LENGTH


def api(user):
    client = APIClient()
    client.cookies["django_language"] = "en"
    client.force_authenticate(user)
    return client


def field_errors(response, status=400):
    """The JSON error's messages by field."""
    assert response.status_code == status, response.content
    return response.json()["fields"]


def programme_data(**overrides):
    return {
        "dimension": Dimension.objects.get(code="governance").pk,
        "name": "Mal Pelayanan Publik Digital",
        "horizon": "quick_win",
        "start_year": "2019",
        "end_year": "2020",
        "budget": "2500000000",
        "funding_source": "apbd",
        "agency": "Dinas Penanaman Modal dan PTSP",
        **overrides,
    }


def programme_json(plan, **overrides):
    return {
        "plan": plan.pk,
        "dimension": "governance",
        "name": "Program",
        "horizon": "short",
        "start_year": 2019,
        "end_year": 2020,
        "budget": 1_000_000,
        "funding_source": "apbd",
        "agency": "Diskominfo",
        **overrides,
    }


def progress_page(plan, programme):
    return reverse("masterplans:progress-update", args=[plan.pk, programme.pk, 2023, 4])


def progress_data(**overrides):
    return {"physical_percent": "10", "spent": "0", "status": "on_track", **overrides}


def progress_json(programme, **overrides):
    return {
        "programme": programme.pk,
        "year": 2023,
        "quarter": 3,
        "physical_percent": 50,
        "spent": 1_000_000,
        "status": "on_track",
        **overrides,
    }


# Pages.


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.000.000", 1_000_000),
        ("Rp 1.250.000.000", 1_250_000_000),
        ("Rp 750.000,-", 750_000),
        ("2 500 000 000", 2_500_000_000),
    ],
)
def test_a_grouped_budget_is_saved_as_the_amount_it_means(client, officer, draft, typed, amount):
    client.force_login(officer)

    response = client.post(reverse("masterplans:programme-create", args=[draft.pk]), programme_data(budget=typed))

    assert response.status_code == 302
    assert draft.programmes.get().budget == amount


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("budget", "1.000000"),  # Chromium's number input makes this of 1.000.000
        ("budget", "1,5"),
        ("budget", "12.5"),
        ("budget", "Rp 750.000,5"),
        ("start_year", "2.019"),
        ("end_year", "2020.0"),
    ],
)
def test_a_programme_figure_the_form_would_change_is_refused(client, officer, draft, field, typed):
    client.force_login(officer)

    response = client.post(reverse("masterplans:programme-create", args=[draft.pk]), programme_data(**{field: typed}))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Programme.objects.exists()


def test_the_budget_input_is_text_with_a_numeric_keyboard(client, officer, draft):
    client.force_login(officer)

    page = client.get(reverse("masterplans:programme-create", args=[draft.pk])).text

    assert '<input type="text" name="budget" inputmode="numeric"' in page


@pytest.mark.parametrize(("start", "end"), [("2019.0", "2023"), ("2019", "2.023"), ("2,019", "2023")])
def test_a_plan_year_that_is_not_plain_digits_is_refused(client, officer, muara_enim, start, end):
    client.force_login(officer)

    response = client.post(
        reverse("masterplans:plan-create", args=["16.03"]), {"title": "X", "start_year": start, "end_year": end}
    )

    assert "Enter the year in four digits" in response.text
    assert not MasterPlan.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "percent", "spent"),
    [
        ({"physical_percent": "12,5", "spent": "Rp 750.000"}, Decimal("12.5"), 750_000),
        ({"physical_percent": "12.5", "spent": "1.000.000"}, Decimal("12.5"), 1_000_000),
        ({"physical_percent": "100,00", "spent": "Rp1.250.000.000,00"}, Decimal("100"), 1_250_000_000),
    ],
)
def test_progress_figures_are_saved_as_they_are_meant(client, officer, approved, overrides, percent, spent):
    client.force_login(officer)

    response = client.post(progress_page(approved, approved.programmes.first()), progress_data(**overrides))

    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.physical_percent, update.spent) == (percent, spent)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("spent", "1.000000", "whole rupiah"),
        ("spent", "1,5", "whole rupiah"),
        ("spent", "250.000.00", "whole rupiah"),
        ("physical_percent", "1.000", "2 decimal places"),
        ("physical_percent", "12,555", "2 decimal places"),
        ("physical_percent", "1.000,5", "Enter a percentage"),
    ],
)
def test_a_progress_figure_the_form_would_change_is_refused(client, officer, approved, field, typed, message):
    client.force_login(officer)

    response = client.post(progress_page(approved, approved.programmes.first()), progress_data(**{field: typed}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ProgressUpdate.objects.exists()


def test_a_progress_note_stops_at_10000_characters(client, officer, approved):
    client.force_login(officer)
    address = progress_page(approved, approved.programmes.first())

    refused = client.post(address, progress_data(note=TOO_LONG))
    saved = client.post(address, progress_data(note=LONGEST))

    assert "at most 10000 characters" in " ".join(refused.context["form"].errors["note"])
    assert saved.status_code == 302
    assert len(ProgressUpdate.objects.get().note) == MAX_TEXT_LENGTH


def test_a_plan_summary_and_a_programme_description_stop_at_10000_characters(client, officer, draft):
    client.force_login(officer)
    plan_page = reverse("masterplans:plan-update", args=[draft.pk])
    programme_page = reverse("masterplans:programme-create", args=[draft.pk])
    plan = {"title": draft.title, "start_year": "2019", "end_year": "2023"}

    refused_plan = client.post(plan_page, {**plan, "summary": TOO_LONG})
    refused_programme = client.post(programme_page, programme_data(description=TOO_LONG))

    assert "at most 10000 characters" in " ".join(refused_plan.context["form"].errors["summary"])
    assert "at most 10000 characters" in " ".join(refused_programme.context["form"].errors["description"])
    assert client.post(plan_page, {**plan, "summary": LONGEST}).status_code == 302
    assert client.post(programme_page, programme_data(description=LONGEST)).status_code == 302
    draft.refresh_from_db()
    assert len(draft.summary) == len(draft.programmes.get().description) == MAX_TEXT_LENGTH


def test_a_review_comment_stops_at_5000_characters(client, officer, reviewer, complete_draft):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    client.force_login(reviewer)
    address = reverse("masterplans:plan-decide", args=[complete_draft.pk])

    client.post(address, {"decision": "revise", "comment": "k" * (MAX_COMMENT_LENGTH + 1)})
    complete_draft.refresh_from_db()
    assert complete_draft.status == "in_review"
    client.post(address, {"decision": "revise", "comment": "k" * MAX_COMMENT_LENGTH})
    complete_draft.refresh_from_db()
    assert complete_draft.status == "revision_requested"


# API.


@pytest.mark.parametrize(
    "budget",
    [
        pytest.param("1.000000", id="string-1.000000"),
        pytest.param("1.000.000", id="string-grouped"),
        pytest.param(1.0, id="number-1.0"),
        pytest.param(1000000.0, id="number-1000000.0"),
        pytest.param(1.5, id="number-1.5"),
        pytest.param("1e6", id="string-exponent"),
        pytest.param(True, id="boolean"),
    ],
)
def test_the_api_refuses_a_budget_it_would_change_naming_the_field(draft, officer, budget):
    response = api(officer).post(reverse("api:programme-list"), programme_json(draft, budget=budget), format="json")

    errors = field_errors(response)
    assert set(errors) == {"budget"}
    assert "whole number" in errors["budget"][0]
    assert not Programme.objects.exists()


@pytest.mark.parametrize("budget", [1_250_000_000, "1250000000"])
def test_the_api_takes_a_budget_as_an_integer_or_plain_digits(draft, officer, budget):
    response = api(officer).post(reverse("api:programme-list"), programme_json(draft, budget=budget), format="json")

    assert response.status_code == 201, response.content
    assert draft.programmes.get().budget == 1_250_000_000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("spent", "1.000000"),
        ("spent", 250000.0),
        ("physical_percent", "12,5"),
        ("physical_percent", "1.000"),
        ("physical_percent", 12.345),
        ("year", 2023.0),
        ("year", "2.023"),
        ("quarter", 3.0),
    ],
)
def test_the_api_refuses_a_progress_figure_it_would_change_naming_the_field(approved, officer, field, value):
    programme = approved.programmes.first()

    response = api(officer).post(
        reverse("api:progress-update-list"), progress_json(programme, **{field: value}), format="json"
    )

    assert set(field_errors(response)) == {field}
    assert not ProgressUpdate.objects.exists()


def test_the_api_takes_a_decimal_percentage_as_a_number_or_a_string(approved, officer):
    first, second = approved.programmes.all()[:2]
    client = api(officer)

    as_number = client.post(
        reverse("api:progress-update-list"), progress_json(first, physical_percent=12.5), format="json"
    )
    as_string = client.post(
        reverse("api:progress-update-list"), progress_json(second, physical_percent="12.50"), format="json"
    )

    assert (as_number.status_code, as_string.status_code) == (201, 201)
    assert set(ProgressUpdate.objects.values_list("physical_percent", flat=True)) == {Decimal("12.5")}


def test_the_api_refuses_a_plan_year_with_a_decimal_point(officer, programme):
    plan = {"regency": "16.03", "title": "Masterplan", "start_year": 2019.0, "end_year": "2023.0"}

    response = api(officer).post(reverse("api:plan-list"), plan, format="json")

    assert set(field_errors(response)) == {"start_year", "end_year"}


@pytest.mark.parametrize(("kind", "field"), [("plan", "summary"), ("programme", "description"), ("progress", "note")])
def test_the_api_refuses_a_text_over_10000_characters_naming_the_field(officer, approved, draft_of_next, kind, field):
    client = api(officer)
    programme = approved.programmes.first()
    addresses = {
        "plan": (reverse("api:plan-detail", args=[draft_of_next.pk]), {}),
        "programme": (reverse("api:programme-detail", args=[draft_of_next.programmes.first().pk]), {}),
        "progress": (reverse("api:progress-update-list"), progress_json(programme)),
    }
    address, data = addresses[kind]
    send = client.post if kind == "progress" else client.patch

    refused = send(address, {**data, field: TOO_LONG}, format="json")
    accepted = send(address, {**data, field: LONGEST}, format="json")

    errors = field_errors(refused)
    assert set(errors) == {field}
    assert "10000 characters" in errors[field][0]
    assert accepted.status_code in (200, 201), accepted.content


def test_the_api_refuses_a_review_comment_over_5000_characters(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    address = reverse("api:plan-request-revision", args=[complete_draft.pk])

    response = api(reviewer).post(address, {"comment": "k" * (MAX_COMMENT_LENGTH + 1)}, format="json")

    assert set(field_errors(response)) == {"comment"}


@pytest.fixture
def draft_of_next(approved, officer):
    """The next version of the approved plan: a draft whose fields the API may change."""
    return services.start_new_version(approved.pk, officer)
