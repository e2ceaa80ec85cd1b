import django_filters
from django.utils.translation import gettext_lazy as _

from regencies.filters import StrictFilterSet
from regencies.models import Province
from smartcity.reports.choices import NATIONAL, PeriodKind, ReportStatus
from smartcity.reports.models import ProgressReport


class ReportFilterSet(StrictFilterSet):
    """The reports list, on the page and in the API: by scope (``national`` or a province code), period, status."""

    scope = django_filters.CharFilter(label=_("Scope (national or a province code)"), method="filter_scope")
    period_kind = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=PeriodKind.choices,
        empty_label=_("Months and quarters"),
        error_messages={"invalid_choice": _("Unknown period: %(value)s.")},
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=2017, max_value=2100)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=ReportStatus.choices,
        empty_label=_("All statuses"),
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )

    class Meta:
        model = ProgressReport
        fields = ["scope", "period_kind", "year", "status"]

    def filter_scope(self, queryset, name, value):
        if value == NATIONAL:
            return queryset.filter(province__isnull=True)
        return queryset.filter(province__code=value)

    def is_valid(self):
        """A scope must be ``national`` or a province in the register: ``?scope=99`` is a 400, not an empty list."""
        valid = super().is_valid()
        scope = self.form.cleaned_data.get("scope") if valid else None
        if scope and scope != NATIONAL and not Province.objects.filter(code=scope).exists():
            self.form.add_error("scope", _("Use national or a province code, not %(value)s.") % {"value": scope})
            return False
        return valid
