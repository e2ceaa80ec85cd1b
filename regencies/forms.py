"""Form pieces for choosing a regency/city, for every app's forms (it lives in the first app, the register's own)."""

from django import forms
from django.utils.translation import gettext_lazy as _

# GOV.UK's accessible-autocomplete 3.0.1, vendored under static/vendor/ (see its README.md).
VENDOR = "vendor/accessible-autocomplete/accessible-autocomplete.min"


class TypeAheadSelect(forms.Select):
    """A select that static/js/type-ahead.js turns into a type-ahead: typing "makassar" offers "Kota Makassar".
    Without JavaScript it is the plain select. Its messages to screen readers come translated with it."""

    def __init__(self, attrs=None, choices=()):
        messages = {
            "data-type-ahead": "",
            "data-no-results": _("No regency/city found"),
            "data-query-too-short": _("Type one letter or more to see the choices"),
            "data-selected": _("%(option)s chosen"),
            "data-results": _("Choices found: %(count)s"),
            "data-hint": _("Type part of the name, then choose with the up and down arrows and Enter"),
        }
        super().__init__({**messages, **(attrs or {})}, choices)

    @property
    def media(self):
        return forms.Media(
            css={"all": [f"{VENDOR}.css"]},
            js=[forms.Script(f"{VENDOR}.js", defer=True), forms.Script("js/type-ahead.js", defer=True)],
        )


class RegencyChoiceField(forms.ModelChoiceField):
    """A regency/city by its name and province (``Kota Makassar (Sulawesi Selatan)``), so that typing a province's
    name lists its regencies/cities too. Give it a queryset with ``select_related("province")``."""

    widget = TypeAheadSelect

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.province.name})"
