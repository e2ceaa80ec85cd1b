from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mou.models import FIRST_PROGRAMME_YEAR

PROVINCE_SORTS = [
    ("-members", _("Most members first")),
    ("name", _("Province name")),
    ("code", _("Province code")),
]


class OverviewForm(forms.Form):
    """The overview's controls: the day to show, real or all data, and the order of the province table."""

    # Only ISO dates: a shared link must show the same day whatever the reader's language.
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    data = forms.ChoiceField(
        label=_("Data"),
        required=False,
        choices=[("all", _("Real and demo (demo marked)")), ("real", _("Real only"))],
    )
    sort = forms.ChoiceField(label=_("Sort provinces by"), required=False, choices=PROVINCE_SORTS)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day.year < FIRST_PROGRAMME_YEAR:
            raise forms.ValidationError(_("The programme began in %(year)d.") % {"year": FIRST_PROGRAMME_YEAR})
        return day

    def clean_data(self):
        return self.cleaned_data["data"] or "all"

    def clean_sort(self):
        return self.cleaned_data["sort"] or "-members"

    def clean(self):
        unknown = sorted(set(self.data) - set(self.fields))
        if unknown:
            raise forms.ValidationError(_("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)})
        return super().clean()
