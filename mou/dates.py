"""A date in an entry form as people write it in the page's language: day, month by name, year (``8 Mei 2018``).

The input is three parts in a fieldset (the form's legend names the field, each part has its own label): the day
and the year are text with a numeric keyboard, the month a list of the month names in the page's language (Django's
own translations). It works without JavaScript and on phones, where a browser's date picker shows ISO to nobody.
A form posted without the parts (a script, an older page) may send the field's own name with an ISO date,
``2018-05-08``. Anything else (31 February, a two- or five-digit year, letters, a part missing) is refused with a
message that shows the form expected, never guessed at. Filters and ``as_of`` links keep ISO dates (a shared link
must mean the same day in every language), and so does the API.
"""

import datetime
import re

from django import forms
from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

EXAMPLE = datetime.date(2018, 5, 8)  # the day of the 2018 signing
DIGITS = re.compile(r"\d{1,2}", re.ASCII)
YEAR = re.compile(r"[1-9]\d{3}", re.ASCII)


class DatePartsInput(forms.MultiWidget):
    """Day, month and year inputs named ``<name>_day``, ``<name>_month`` and ``<name>_year``."""

    template_name = "widgets/date_parts.html"

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric", "autocomplete": "off"}
        widgets = {
            "day": forms.TextInput(attrs={**number, "class": "date-day", "maxlength": 2, "size": 2}),
            "month": forms.Select(attrs={"class": "date-month"}, choices=[("", "—"), *MONTHS.items()]),
            "year": forms.TextInput(attrs={**number, "class": "date-year", "maxlength": 4, "size": 4}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], (_("Day"), _("Month"), _("Year")), strict=True):
            subwidget["label"] = label
        return context

    def id_for_label(self, id_):
        """The day's input: the fieldset's legend names the field, and an error summary's link lands on the day."""
        return f"{id_}_0" if id_ else id_

    def value_from_datadict(self, data, files, name):
        if self.value_omitted_from_parts(data, name) and name in data:
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_parts(self, data, name):
        return super().value_omitted_from_data(data, {}, name)

    def value_omitted_from_data(self, data, files, name):
        return self.value_omitted_from_parts(data, name) and name not in data


class DatePartsField(forms.DateField):
    """A date typed as day, month and year (see the module's docstring)."""

    widget = DatePartsInput
    default_error_messages = {
        "invalid": _("Enter a valid date: day, month and year, such as %(example)s."),
        "incomplete": _("Enter the day, the month and the year, such as %(example)s."),
        "digits": _("Enter the day and the year in digits, such as %(example)s."),
        "year": _("Enter the year in four digits, such as %(year)s."),
        "no_such_day": _("%(month)s %(year)s has no day %(day)s."),
    }

    def refuse(self, code, **params):
        example = formats.date_format(EXAMPLE, "j F Y")
        params = {"example": example, "year": EXAMPLE.year, **params}
        raise forms.ValidationError(self.error_messages[code], code=code, params=params)

    def to_python(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, list | tuple):
            return self.read_parts(*[str(part or "").strip() for part in value])
        text = str(value or "").strip()
        if not text:
            return None
        try:  # a post without the parts: an ISO date only, 2018-05-08
            return datetime.datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.refuse("invalid")

    def read_parts(self, day, month, year):
        if not (day or month or year):
            return None
        if not (day and month and year):
            self.refuse("incomplete")
        if not DIGITS.fullmatch(day) or not year.isdecimal() or not year.isascii():
            self.refuse("digits")
        if not YEAR.fullmatch(year):
            self.refuse("year")
        if month not in {str(number) for number in MONTHS}:
            self.refuse("incomplete")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            self.refuse("no_such_day", day=int(day), month=MONTHS[int(month)], year=year)
