from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mou.models import FIRST_PROGRAMME_YEAR

PROVINCE_SORTS = [
    ("-members", _("Most members first")),
    ("name", _("Province name")),
    ("code", _("Province code")),
]


def as_of_field():
    # Only ISO dates: a shared link must show the same day whatever the reader's language.
    return forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


class AsOfForm(forms.Form):
    """A page shown as of a past day (today by default), which refuses parameters it does not know."""

    as_of = as_of_field()
    extra_parameters = ()

    def clean_as_of(self):
        day = self.cleaned_data["as_of"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day.year < FIRST_PROGRAMME_YEAR:
            raise forms.ValidationError(_("The programme began in %(year)d.") % {"year": FIRST_PROGRAMME_YEAR})
        return day

    def clean(self):
        unknown = sorted(set(self.data) - set(self.fields) - set(self.extra_parameters))
        if unknown:
            raise forms.ValidationError(_("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)})
        return super().clean()


class OverviewForm(AsOfForm):
    """The overview's controls: the day to show, real or all data, and the order of the province table."""

    data = forms.ChoiceField(
        label=_("Data"),
        required=False,
        choices=[("all", _("Real and demo (demo marked)")), ("real", _("Real only"))],
    )
    sort = forms.ChoiceField(label=_("Sort provinces by"), required=False, choices=PROVINCE_SORTS)
    extra_parameters = ("export",)

    def clean_data(self):
        return self.cleaned_data["data"] or "all"

    def clean_sort(self):
        return self.cleaned_data["sort"] or "-members"


class DashboardForm(AsOfForm):
    """The dashboard's controls: the day, and what shades the province tiles; ``export`` names a table as CSV."""

    shade = forms.ChoiceField(
        label=_("Shade provinces by"),
        required=False,
        choices=[("members", _("Members")), ("plans", _("Plans in force"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort provinces by"),
        required=False,
        choices=[
            ("code", _("Province code")),
            ("name", _("Province name")),
            ("-members", _("Most members first")),
            ("-plans", _("Most plans in force first")),
        ],
    )
    extra_parameters = ("export",)

    def clean_shade(self):
        return self.cleaned_data["shade"] or "members"

    def clean_sort(self):
        return self.cleaned_data["sort"] or "code"


class ProvinceDashboardForm(DashboardForm):
    """The dashboard's controls for one province, whose table lists regencies/cities. It has no tiles to shade;
    ``shade`` is still accepted, so a national page's link with it keeps working."""

    shade = None
    sort = forms.ChoiceField(
        label=_("Sort regencies/cities by"),
        required=False,
        choices=[
            ("code", _("Code")),
            ("name", _("Name")),
            ("-members", _("Most members first")),
            ("-plans", _("Most plans in force first")),
        ],
    )
    extra_parameters = ("export", "shade")


class RegencyDashboardForm(AsOfForm):
    """The day to show; ``export`` names a table as CSV."""

    extra_parameters = ("export",)
