"""Amounts on the programme pages: a stored budget shows grouped the Indonesian way, one typed in the page's way is
read, a wrong one comes back as typed with the form expected; the quick-win checkbox sits before its label."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from masterplans.models import Dimension


def url(name, *args):
    return reverse(f"masterplans:{name}", args=args)


def programme_data(**overrides):
    data = {
        "dimension": Dimension.objects.get(code="governance").pk,
        "name": "Mal Pelayanan Publik Digital",
        "horizon": "quick_win",
        "start_year": 2019,
        "end_year": 2020,
        "budget": "Rp 1.250.000.000",
        "funding_source": "apbd",
        "agency": "Dinas Penanaman Modal dan PTSP",
    }
    return {**data, **overrides}


@pytest.fixture
def quick_win(client, officer, draft):
    client.force_login(officer)
    assert client.post(url("programme-create", draft.pk), programme_data()).status_code == 302
    return draft.programmes.get()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_stored_budget_is_shown_grouped_on_the_edit_page(client, draft, quick_win, language):
    client.cookies["django_language"] = language
    with translation.override(language):
        page = client.get(url("programme-update", draft.pk, quick_win.pk)).text

    assert quick_win.budget == 1_250_000_000
    budget = re.search(r'<input[^>]*name="budget"[^>]*>', page).group()
    assert 'value="1.250.000.000"' in budget and 'inputmode="numeric"' in budget


def test_an_english_page_reads_a_budget_grouped_by_commas(client, draft, quick_win):
    response = client.post(url("programme-update", draft.pk, quick_win.pk), programme_data(budget="2,500,000,000"))

    assert response.status_code == 302
    quick_win.refresh_from_db()
    assert quick_win.budget == 2_500_000_000


@pytest.mark.parametrize(("language", "typed"), [("id", "1,5"), ("en", "1.5")])
def test_a_wrong_budget_comes_back_as_typed_with_the_form_expected(client, draft, quick_win, language, typed):
    client.cookies["django_language"] = language
    with translation.override(language):
        response = client.post(url("programme-update", draft.pk, quick_win.pk), programme_data(budget=typed))
        expected = str(response.context["form"].fields["budget"].error_messages["invalid"])
        shown = [str(error) for error in response.context["form"].errors["budget"]]

    assert response.status_code == 200
    assert shown == [expected] and "1.250.000.000" in expected and expected in response.text
    assert f'value="{typed}"' in re.search(r'<input[^>]*name="budget"[^>]*>', response.text).group()


def test_the_quick_win_checkbox_comes_before_its_label(client, draft, quick_win):
    page = client.get(url("programme-update", draft.pk, quick_win.pk)).text

    field = re.search(r'<div class="field[^"]*">\s*<label for="id_is_quick_win">.*?</div>', page, re.S).group()
    assert 'type="checkbox"' in field  # the label comes first in the HTML; the stylesheet puts the box before it
