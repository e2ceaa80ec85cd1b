from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mou.models import FIRST_PROGRAMME_YEAR
from regencies.models import Province
from smartcity.models import NATIONAL, PeriodKind
from smartcity.reports.periods import Period

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


def period_choices(today=None):
    """Every month and quarter from the programme's start to today, newest first, months before quarters."""
    today = today or timezone.localdate()
    months, quarters = [], []
    for year in range(today.year, FIRST_PROGRAMME_YEAR - 1, -1):
        for number in range(12, 0, -1):
            period = Period(PeriodKind.MONTH, year, number)
            if period.has_started(today):
                months.append((period.key, period.label))
        for number in range(4, 0, -1):
            period = Period(PeriodKind.QUARTER, year, number)
            if period.has_started(today):
                quarters.append((period.key, period.label))
    return [(_("Months"), months), (_("Quarters"), quarters)]


def scope_choices():
    return [(NATIONAL, _("National"))] + [
        (code, f"{code} {name}") for code, name in Province.objects.order_by("code").values_list("code", "name")
    ]


class ReportRequestForm(forms.Form):
    """ "Generate now": a scope (national or a province) and a period; the service checks both again."""

    scope = forms.ChoiceField(label=_("Scope"))
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()
        self.fields["period"].choices = period_choices()
        self.fields["period"].initial = Period.month_before(timezone.localdate()).key


class SubscriptionForm(forms.Form):
    scope = forms.ChoiceField(label=_("Email me scheduled reports for"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()
