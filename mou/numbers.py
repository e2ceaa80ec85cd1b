"""Form fields for numbers as people in Indonesia type them: a value is read as the amount it means, or refused.

Django's own number fields change some values without a word: ``IntegerField`` strips a trailing ``.0*``, so
``1.000000`` (what Chromium's number input makes of ``1.000.000``) is saved as 1. Here a whole number is plain
digits or digits grouped in threes by dots or spaces (``1.250.000``, ``1 250 000``); rupiah may also carry ``Rp``
in front and ``,-`` or ``,00`` behind; a year is plain digits; a percentage takes a decimal comma or point
(``12,5`` or ``12.5``). Anything else (``1.000000``, ``1,5`` rupiah, ``12.5`` rupiah) is refused with a message.
On an English page a comma groups too (``1,250,000,000``, ``Rp 750,000.00``): rupiah have no decimals, so a comma
before three digits can only group them there, while on an Indonesian page it would be a decimal comma.

An input shows a stored number the way the portal writes it: whole numbers and rupiah grouped the Indonesian way
whatever the page's language (``1.250.000.000``, as the ``rupiah`` filter shows money), a percentage with the page's
decimal mark (``12,5`` in Indonesian, ``12.5`` in English). After an error a value is shown as it was typed, or
in that form when it was valid. They live in the first app with such inputs (the cohort and goal admin), so that
every later app may use them.
"""

import re
from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 30  # far beyond any amount here; keeps int() away from enormous strings
SIGN = r"[-+]?"  # a sign is read, so that the range check, not the format, answers -10
PLAIN = re.compile(rf"{SIGN}\d{{1,{MAX_DIGITS}}}", re.ASCII)
CURRENCY = re.compile(r"^rp\.?\s*", re.IGNORECASE)
NO_CENTS = r"(?:,-|,00|{decimal}00)$"  # Rp 750.000,- and Rp 750.000,00 are 750.000 rupiah (Rp 750,000.00 in English)
PERCENT = re.compile(rf"{SIGN}\d{{1,{MAX_DIGITS}}}(?:[.,]\d+)?", re.ASCII)


def squeeze(value):
    """The typed text, trimmed, with every run of (non-breaking, thin, ...) spaces as one space."""
    return re.sub(r"\s+", " ", str(value).strip())


def page_separators():
    """The marks that group digits on this page: dots and spaces in every language, and the language's own (the
    comma in English), with the page's decimal mark."""
    thousands, decimal = (squeeze(formats.get_format(name)) for name in ("THOUSAND_SEPARATOR", "DECIMAL_SEPARATOR"))
    return {".", " ", thousands or " "}, decimal


def read_whole_number(value, *, grouping=True, currency=False):
    """The integer ``value`` means, or ``None`` when it is not plainly one (see the module's docstring)."""
    text = squeeze(value)
    separators, decimal = page_separators()
    if currency:
        text = CURRENCY.sub("", text)
        cents = re.search(NO_CENTS.format(decimal=re.escape(decimal)), text)
        if cents:
            text = text[: cents.start()]
            if cents.group().startswith(decimal) and decimal in text:  # 250.000.00 on an English page: no grouping
                return None
    if len(text) > 2 * MAX_DIGITS:
        return None
    if PLAIN.fullmatch(text):
        return int(text)
    for separator in separators if grouping else ():
        if re.fullmatch(rf"{SIGN}\d{{1,3}}(?:{re.escape(separator)}\d{{3}})+", text, re.ASCII):
            return int(text.replace(separator, ""))
    return None


def group(number):
    """``1250000000`` as ``1.250.000.000``, the Indonesian form, which every page's fields read."""
    return f"{number:,}".replace(",", ".")


class WholeNumberField(forms.IntegerField):
    """A count (members, a target): plain digits or grouped in threes, ``1.000`` being a thousand.

    Its input is text with a numeric keyboard: a number input cannot hold grouping dots (Chromium turns
    ``1.000.000`` into ``1.000000``, Firefox sends nothing)."""

    grouping, currency = True, False
    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a whole number: digits only, or grouped in threes with dots, such as 1250 or 1.250."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = read_whole_number(value, grouping=self.grouping, currency=self.currency)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def prepare_value(self, value):
        """A stored number, or one typed validly, grouped (``1.250.000.000``); anything else as it was typed."""
        number = value
        if isinstance(value, str):
            number = read_whole_number(value, grouping=self.grouping, currency=self.currency)
        if self.grouping and isinstance(number, int) and not isinstance(number, bool):
            return group(number)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        return attrs if isinstance(widget, forms.NumberInput) else {**attrs, "inputmode": "numeric"}


class RupiahField(WholeNumberField):
    """Whole rupiah: ``1250000000``, ``1.250.000.000``, ``Rp 1.250.000.000`` or ``Rp1.250.000.000,-``."""

    currency = True
    default_error_messages = {
        "invalid": _("Enter whole rupiah without decimals, such as 1250000000 or Rp 1.250.000.000."),
    }


class YearField(WholeNumberField):
    """A year, in digits only: ``2.025`` or ``2025.0`` is refused rather than guessed at."""

    grouping = False
    widget = forms.NumberInput  # with no grouping to lose, a number input is fine
    default_error_messages = {"invalid": _("Enter the year in four digits, such as 2025.")}


class PercentField(forms.DecimalField):
    """A percentage with a decimal comma or point (``12,5`` or ``12.5``, a ``%`` behind allowed).

    There is no grouping, and more decimals than the field keeps are refused by its ``DecimalValidator`` (so
    ``1.000`` is never read as 1). Its input is text with a decimal keyboard, where a decimal comma can be typed."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a percentage from 0 to 100, such as 12,5 or 12.5."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = squeeze(value).removesuffix("%").rstrip()
        if not PERCENT.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(text.replace(",", "."))

    def prepare_value(self, value):
        """A stored or validly typed percentage with the page's decimal mark and no trailing zeros (``12,5``)."""
        if isinstance(value, str):
            try:
                value = self.to_python(value)
            except forms.ValidationError:
                return value
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            text = f"{value:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text.replace(".", page_separators()[1])
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        return attrs if isinstance(widget, forms.NumberInput) else {**attrs, "inputmode": "decimal"}
