"""Dates in entry forms in the page's language: day, month by name and year (``8 Mei 2018`` / ``8 May 2018``),
read from the three parts or refused with a clear message, never a 500; an ISO date posted without the parts is
still read. Filters, ``as_of`` links and the API keep ISO dates."""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from mou.dates import DatePartsField
from mou.forms import EndMoUForm
from mou.models import Cohort, MoU
from regencies.models import Regency


class SigningForm(forms.Form):
    signed_on = DatePartsField(label="Signed on")
    valid_until = DatePartsField(label="Valid until", required=False)


def parts(day, month, year, name="signed_on"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


@pytest.mark.parametrize(("language", "month"), [("id", "Mei"), ("en", "May")])
def test_a_date_is_shown_as_day_month_name_and_year(language, month):
    with translation.override(language):
        html = str(SigningForm(initial={"signed_on": datetime.date(2018, 5, 8)})["signed_on"])

    assert re.search(rf'<option value="5" selected>{month}</option>', html)
    assert 'name="signed_on_day" value="8"' in html and 'name="signed_on_year" value="2018"' in html
    assert html.count('inputmode="numeric"') == 2


def test_each_part_has_a_label_and_the_field_a_legend():
    with translation.override("en"):
        html = SigningForm().as_div()

    assert "<fieldset" in html and "<legend>Signed on" in html
    for index, label in enumerate(["Day", "Month", "Year"]):
        assert f'<label for="id_signed_on_{index}">{label}</label>' in html
        assert f'id="id_signed_on_{index}"' in html
    assert SigningForm()["signed_on"].id_for_label == "id_signed_on_0"  # where the error summary's link lands


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("day", "month", "year"), [("8", "5", "2018"), ("08", "5", "2018"), (" 8 ", "5", " 2018 ")])
def test_the_parts_are_read_in_either_language(language, day, month, year):
    with translation.override(language):
        form = SigningForm(parts(day, month, year))
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"signed_on": datetime.date(2018, 5, 8), "valid_until": None}


def test_an_iso_date_posted_without_the_parts_is_read():
    form = SigningForm({"signed_on": "2018-05-08", "valid_until": ""})
    assert form.is_valid() and form.cleaned_data["signed_on"] == datetime.date(2018, 5, 8)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (parts("31", "2", "2018"), "no_such_day", "February 2018 has no day 31."),
        (parts("29", "2", "2019"), "no_such_day", "February 2019 has no day 29."),
        (parts("0", "5", "2018"), "no_such_day", "May 2018 has no day 0."),
        (parts("8", "5", "99999"), "year", "Enter the year in four digits, such as 2018."),
        (parts("8", "5", "18"), "year", "Enter the year in four digits, such as 2018."),
        (parts("8", "5", "0218"), "year", None),
        (parts("delapan", "5", "2018"), "digits", "Enter the day and the year in digits, such as 8 May 2018."),
        (parts("8", "5", "dua ribu"), "digits", None),
        (parts("8", "", "2018"), "incomplete", "Enter the day, the month and the year, such as 8 May 2018."),
        (parts("", "5", "2018"), "incomplete", None),
        (parts("8", "13", "2018"), "incomplete", None),
        (parts("", "", ""), "required", None),
        ({"signed_on": "2018-02-30"}, "invalid", "Enter a valid date: day, month and year, such as 8 May 2018."),
        ({"signed_on": "08/05/2018"}, "invalid", None),
    ],
)
def test_a_date_that_is_not_one_is_refused_with_a_message(data, code, message):
    with translation.override("en"):
        form = SigningForm(data)
        assert not form.is_valid()
        error = form.errors.as_data()["signed_on"][0]
        assert error.code == code
        if message:
            assert form.errors["signed_on"] == [message]


def test_the_message_gives_its_example_in_the_pages_language():
    with translation.override("id"):
        form = SigningForm(parts("8", "", "2018"))
        assert "8 Mei 2018" in form.errors["signed_on"][0]


def test_after_an_error_the_parts_come_back_as_typed():
    with translation.override("en"):
        html = str(SigningForm(parts("31", "2", "2018"))["signed_on"])

    assert 'name="signed_on_day" value="31"' in html and '<option value="2" selected>February</option>' in html
    assert 'aria-invalid="true"' in html


def test_the_end_form_reads_its_date_from_the_parts():
    form = EndMoUForm({"status": "terminated", "reason": "Merger", **parts("31", "1", "2024", name="ended_on")})
    assert form.is_valid() and form.cleaned_data["ended_on"] == datetime.date(2024, 1, 31)


@pytest.fixture
def staff_client(client, ministry_admin, programme):
    client.force_login(ministry_admin)
    return client


def mou_data(**dates):
    data = {"regency": Regency.objects.get(code="73.71").pk, "cohort": Cohort.objects.get(year=2017).pk}
    return {**data, **parts("22", "5", "2017"), **dates}


@pytest.mark.parametrize(("language", "month"), [("id", "Mei"), ("en", "May")])
def test_the_mou_form_shows_the_signing_date_in_the_pages_language(staff_client, language, month):
    staff_client.cookies["django_language"] = language
    muara_enim = MoU.objects.get(regency__code="16.03")

    page = staff_client.get(reverse("mou:mou-update", args=[muara_enim.pk])).text

    assert muara_enim.signed_on == datetime.date(2018, 5, 8)
    assert f'<option value="5" selected>{month}</option>' in page and 'name="signed_on_day" value="8"' in page


def test_the_mou_form_without_javascript_records_an_mou_from_the_parts(staff_client):
    response = staff_client.post(reverse("mou:mou-create"), mou_data(**parts("31", "12", "2022", "valid_until")))

    assert response.status_code == 302
    makassar = MoU.objects.get(regency__code="73.71")
    assert (makassar.signed_on, makassar.valid_until) == (datetime.date(2017, 5, 22), datetime.date(2022, 12, 31))


def test_an_impossible_signing_date_comes_back_as_a_form_error(staff_client):
    staff_client.cookies["django_language"] = "en"

    response = staff_client.post(reverse("mou:mou-create"), mou_data(**parts("31", "2", "2017")))

    assert response.status_code == 200
    assert response.context["form"].errors["signed_on"] == ["February 2017 has no day 31."]
    assert not MoU.objects.filter(regency__code="73.71").exists()
