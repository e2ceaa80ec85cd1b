from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mou.models import FIRST_PROGRAMME_YEAR
from regencies.models import Province
from smartcity.reports.choices import NATIONAL, PeriodKind
from smartcity.reports.periods import Period


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
        kwargs.setdefault("auto_id", "id_request_%s")  # the list page's filter has a scope control too
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()
        self.fields["period"].choices = period_choices()
        self.fields["period"].initial = Period.month_before(timezone.localdate()).key


class SubscriptionForm(forms.Form):
    scope = forms.ChoiceField(label=_("Email me scheduled reports for"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_subscription_%s")
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()
