"""Data typed is data stored: numbers are read as the amount they mean in Indonesian writing, or refused with a
message, never changed silently (Django's IntegerField reads ``1.000000`` as 1); long texts have a limit."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from mou import tabular
from mou.models import MAX_TEXT_LENGTH, Cohort, Goal, MoU
from mou.numbers import PercentField, RupiahField, WholeNumberField, YearField
from regencies.models import Regency


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1000000", 1_000_000),
        ("1.000.000", 1_000_000),
        ("Rp 1.250.000.000", 1_250_000_000),
        ("rp1.250.000.000", 1_250_000_000),
        ("Rp. 750.000,-", 750_000),
        ("Rp 750.000,00", 750_000),
        ("Rp 750.000", 750_000),
        ("1 250 000", 1_250_000),
        ("1\u00a0250\u00a0000", 1_250_000),  # non-breaking spaces, as a copied figure has them
        (" 750000 ", 750_000),
        ("0", 0),
    ],
)
def test_rupiah_are_read_as_the_amount_they_mean(typed, amount):
    assert RupiahField(min_value=0).clean(typed) == amount


@pytest.mark.parametrize(
    "typed",
    [
        "1.000000",  # Chromium's number input makes this of 1.000.000
        "1,5",
        "12.5",
        "1.000,50",
        "1,000,000",
        "1.0000",
        "1.000 000",
        "Rp 5 juta",
        "1e6",
        "٥٠٠",  # digits of another script
        "9" * 100,
    ],
)
def test_rupiah_that_could_mean_another_amount_are_refused(typed):
    with translation.override("id"), pytest.raises(forms.ValidationError) as refused:
        RupiahField(min_value=0).clean(typed)
    assert [error.code for error in refused.value.error_list] == ["invalid"]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,250,000,000", 1_250_000_000),
        ("Rp 1,250,000,000", 1_250_000_000),
        ("Rp 750,000.00", 750_000),
        ("1.250.000.000", 1_250_000_000),  # the form the portal shows money in, in every language
        ("Rp 1.250.000.000", 1_250_000_000),
        ("1250000000", 1_250_000_000),
    ],
)
def test_an_english_page_also_reads_commas_as_grouping(typed, amount):
    with translation.override("en"):
        assert RupiahField(min_value=0).clean(typed) == amount


@pytest.mark.parametrize("typed", ["1,5", "1,000.5", "1,000.000", "1,0000", "12.5", "1.250,000"])
def test_an_english_page_refuses_decimals_and_mixed_grouping(typed):
    with translation.override("en"), pytest.raises(forms.ValidationError, match="such as 1250000000 or Rp 1.250"):
        RupiahField(min_value=0).clean(typed)


@pytest.mark.parametrize("typed", ["1,250,000,000", "1,250"])
def test_an_indonesian_page_refuses_a_comma_that_would_be_decimal(typed):
    with translation.override("id"), pytest.raises(forms.ValidationError):
        RupiahField(min_value=0).clean(typed)


class AmountForm(forms.Form):
    budget = RupiahField(min_value=0)
    percent = PercentField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    target = WholeNumberField(required=False)
    year = YearField(required=False)


def shown(form, name):
    return form[name].value()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_stored_amount_is_shown_grouped_the_indonesian_way(language):
    form = AmountForm(initial={"budget": 1_250_000_000, "target": 1000, "year": 2025})
    with translation.override(language):
        html = str(form["budget"])
        assert 'value="1.250.000.000"' in html and 'inputmode="numeric"' in html
        assert (shown(form, "target"), shown(form, "year")) == ("1.000", 2025)


@pytest.mark.parametrize(("language", "text"), [("id", "12,5"), ("en", "12.5")])
def test_a_stored_percentage_is_shown_with_the_pages_decimal_mark(language, text):
    with translation.override(language):
        for stored in (Decimal("12.50"), Decimal("12.5")):
            assert shown(AmountForm(initial={"percent": stored}), "percent") == text
        assert shown(AmountForm(initial={"percent": Decimal("100.00")}), "percent") == "100"
        assert shown(AmountForm(initial={"percent": Decimal("0.00")}), "percent") == "0"
        assert 'inputmode="decimal"' in str(AmountForm()["percent"])


@pytest.mark.parametrize("language", ["id", "en"])
def test_after_an_error_a_valid_amount_is_shown_normalised_and_a_wrong_one_as_typed(language):
    with translation.override(language):
        valid = AmountForm({"budget": "Rp 1250000000", "percent": "separuh"})
        wrong = AmountForm({"budget": "1,5", "percent": "12,5"})

        assert not valid.is_valid() and set(valid.errors) == {"percent"}
        assert 'value="1.250.000.000"' in str(valid["budget"]) and 'value="separuh"' in str(valid["percent"])
        assert not wrong.is_valid() and set(wrong.errors) == {"budget"}
        assert 'value="1,5"' in str(wrong["budget"])
        assert shown(wrong, "percent") == ("12,5" if language == "id" else "12.5")


def test_the_message_shows_the_form_expected():
    with translation.override("en"):
        form = AmountForm({"budget": "satu juta"})
        assert form.errors["budget"] == ["Enter whole rupiah without decimals, such as 1250000000 or Rp 1.250.000.000."]


def test_a_negative_amount_is_refused_by_the_range_not_the_format():
    with pytest.raises(forms.ValidationError) as refused:
        RupiahField(min_value=0).clean("-10")
    assert [error.code for error in refused.value.error_list] == ["min_value"]


@pytest.mark.parametrize(("typed", "year"), [("2025", 2025), (" 2019 ", 2019)])
def test_a_year_is_plain_digits(typed, year):
    assert YearField().clean(typed) == year


@pytest.mark.parametrize("typed", ["2.025", "2025.0", "2025,0", "2 025", "Rp 2025", "tahun 2025"])
def test_a_year_that_is_not_plain_digits_is_refused(typed):
    with translation.override("en"), pytest.raises(forms.ValidationError, match="four digits"):
        YearField().clean(typed)


@pytest.mark.parametrize(
    ("typed", "percent"),
    [("12,5", "12.5"), ("12.5", "12.5"), ("12,50", "12.50"), ("100", "100"), ("0,25", "0.25"), ("12,5 %", "12.5")],
)
def test_a_percentage_takes_a_decimal_comma_or_point(typed, percent):
    field = PercentField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    assert field.clean(typed) == Decimal(percent)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1.000", "max_decimal_places"),  # never read as 1
        ("1,000", "max_decimal_places"),
        ("12,555", "max_decimal_places"),
        ("1.000,5", "invalid"),
        ("12..5", "invalid"),
        ("separuh", "invalid"),
        ("1e1", "invalid"),
        ("100,5", "max_value"),
    ],
)
def test_a_percentage_the_field_would_change_is_refused(typed, code):
    field = PercentField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert [error.code for error in refused.value.error_list] == [code]


def test_grouped_inputs_are_text_with_a_numeric_keyboard():
    assert 'type="text"' in str(RupiahField().widget.render("budget", 1)) and RupiahField().widget.attrs == {
        "inputmode": "numeric"
    }
    assert PercentField().widget.attrs == {"inputmode": "decimal"}
    assert WholeNumberField().widget.input_type == "text"
    assert YearField().widget.input_type == "number"


@pytest.fixture
def admin_client(client, ministry_admin, programme):
    client.cookies["django_language"] = "en"
    client.force_login(ministry_admin)
    return client


def test_the_admin_reads_a_grouped_cohort_target_and_refuses_a_dotted_year(admin_client):
    url = reverse("admin:mou_cohort_add")

    refused = admin_client.post(url, {"year": "2.020", "target": "25", "label": "Angkatan 2020"})
    saved = admin_client.post(url, {"year": "2020", "target": "1.000", "label": "Angkatan 2020"})

    assert "four digits" in " ".join(refused.context["adminform"].form.errors["year"])
    assert saved.status_code == 302
    assert Cohort.objects.get(year=2020).target == 1000


def test_the_admin_refuses_a_goal_target_the_field_would_change(admin_client):
    url = reverse("admin:mou_goal_add")

    response = admin_client.post(url, {"name": "Gerakan 1000", "target": "1.000000", "deadline_year": "2030.0"})

    errors = response.context["adminform"].form.errors
    assert set(errors) == {"target", "deadline_year"}
    assert not Goal.objects.filter(name="Gerakan 1000").exists()


def mou_data(note):
    return {
        "regency": Regency.objects.get(code="73.71").pk,
        "cohort": Cohort.objects.get(year=2017).pk,
        "signed_on": "2017-05-22",
        "note": note,
    }


def test_an_mou_note_has_at_most_10000_characters(admin_client):
    refused = admin_client.post(reverse("mou:mou-create"), mou_data("n" * (MAX_TEXT_LENGTH + 1)))
    saved = admin_client.post(reverse("mou:mou-create"), mou_data("n" * MAX_TEXT_LENGTH))

    assert "at most 10000 characters" in " ".join(refused.context["form"].errors["note"])
    assert saved.status_code == 302
    assert len(MoU.objects.get(regency__code="73.71").note) == MAX_TEXT_LENGTH


def test_an_imported_note_is_held_to_the_same_limit(programme):
    header = "regency_code,cohort,signed_on,note\n"
    content = f"73.71,2017,2017-05-22,{'n' * (MAX_TEXT_LENGTH + 1)}\n73.72,2017,2017-05-22,{'n' * MAX_TEXT_LENGTH}\n"

    preview, _pending = tabular.validate(tabular.read_file("mous.csv", (header + content).encode()))

    too_long, longest = preview.rows
    assert too_long.action == tabular.REJECT and "10000" in " ".join(too_long.errors)
    assert longest.action == tabular.ADD
