"""Forms render through the portal's field template: each help text and error carries the id that the input's
``aria-describedby`` names, and a form with errors opens with a summary that links to each field."""

import re

from django import forms
from django.template import engines
from django.urls import reverse
from django.utils import translation

FIELDS = engines["django"].from_string('{% include "includes/form_fields.html" %}')


class AmountForm(forms.Form):
    amount = forms.IntegerField(label="Amount", help_text="Whole rupiah.")
    note = forms.CharField(label="Note", required=False)
    agreed = forms.BooleanField(label="I agree")

    def clean(self):
        raise forms.ValidationError("The form as a whole is wrong.")


def render(form):
    with translation.override("en"):
        return FIELDS.render({"form": form})


def test_help_and_errors_are_tied_to_their_input():
    html = render(AmountForm({"amount": "abc"}))

    (amount,) = re.findall(r"<input[^>]*name=\"amount\"[^>]*>", html)
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in amount
    assert 'aria-invalid="true"' in amount
    assert re.search(r'<p class="help" id="id_amount_helptext">Whole rupiah.</p>', html)
    assert re.search(r'<div class="field-error" id="id_amount_error"><p>Enter a whole number.</p></div>', html)
    (note,) = re.findall(r"<input[^>]*name=\"note\"[^>]*>", html)
    assert "aria-describedby" not in note  # nothing to describe it
    assert '<label for="id_amount">Amount <span class="required" aria-hidden="true">*</span></label>' in html


def test_a_form_with_errors_opens_with_a_summary_linking_to_each_field():
    html = render(AmountForm({"amount": "abc"}))

    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus>(.*?)</div>', html, re.S)[1]
    assert "There are problems with this form:" in summary
    assert '<a href="#id_amount">Amount: Enter a whole number.</a>' in summary
    assert '<a href="#id_agreed">I agree: This field is required.</a>' in summary
    assert "<li>The form as a whole is wrong.</li>" in summary
    assert html.index("error-summary") < html.index('name="amount"')


def test_a_valid_or_unbound_form_has_no_summary():
    assert "error-summary" not in render(AmountForm())
    html = render(AmountForm())
    assert 'aria-describedby="id_amount_helptext"' in html  # help is tied before any error, too


def test_the_summary_is_in_the_pages_language(client, officer):
    client.cookies["django_language"] = "id"
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})

    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "Ada masalah pada formulir ini:" in html


def test_every_page_opens_with_a_skip_link_to_its_content(client, register):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("regencies:province-list")).content.decode()

    assert re.search(r'<body>\s*<a class="skip-link" href="#content">Skip to the content</a>', html)
    assert '<main class="container" id="content" tabindex="-1">' in html
