import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mou.choices import MoUStatus
from mou.forms import DateInput
from mou.models import Cohort, MoU
from regencies.filters import OrderingFilter, StrictFilterSet, province_filter


def cohort_filter(field_name="cohort"):
    """Filter by cohort year; a year with no cohort is refused."""
    return django_filters.ModelChoiceFilter(
        label=_("Cohort"),
        field_name=field_name,
        queryset=Cohort.objects.all(),
        to_field_name="year",
        empty_label=_("All cohorts"),
        error_messages={"invalid_choice": _("Unknown cohort: %(value)s.")},
    )


class MoUFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Regency, code, number or signatory")}),
    )
    cohort = cohort_filter()
    province = province_filter("regency__province")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=MoUStatus.choices,
        empty_label=_("Any status"),
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )
    signed_from = django_filters.DateFilter(
        label=_("Signed from"), field_name="signed_on", lookup_expr="gte", widget=DateInput()
    )
    signed_to = django_filters.DateFilter(
        label=_("Signed to"), field_name="signed_on", lookup_expr="lte", widget=DateInput()
    )
    demo = django_filters.ChoiceFilter(
        label=_("Data"),
        field_name="is_demo",
        choices=[("real", _("Real only")), ("demo", _("Demo only"))],
        empty_label=_("Real and demo"),
        method="filter_demo",
    )
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("signed_on", "signed"),
            ("regency__code", "code"),
            ("regency__name", "name"),
            ("cohort__year", "cohort"),
        ],
        # Every label written out: django-filter's own "(descending)" has no Indonesian translation.
        field_labels={
            "signed_on": _("Signing date, oldest first"),
            "-signed": _("Signing date, newest first"),
            "regency__code": _("Code, ascending"),
            "-code": _("Code, descending"),
            "regency__name": _("Name, A to Z"),
            "-name": _("Name, Z to A"),
            "cohort__year": _("Cohort, oldest first"),
            "-cohort": _("Cohort, newest first"),
        },
        empty_label=_("Newest first"),
    )

    class Meta:
        model = MoU
        fields = ["q", "cohort", "province", "status", "signed_from", "signed_to", "demo"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(regency__name__icontains=value)
            | Q(regency__code__startswith=value)
            | Q(ministry_number__icontains=value)
            | Q(regency_number__icontains=value)
            | Q(regency_signatory_name__icontains=value)
            | Q(ministry_signatory_name__icontains=value)
        )

    def filter_demo(self, queryset, name, value):
        return queryset.filter(is_demo=value == "demo")

    def is_valid(self):
        valid = super().is_valid()
        data = getattr(self.form, "cleaned_data", {})
        start, end = data.get("signed_from"), data.get("signed_to")
        if start and end and start > end:
            self.form.add_error("signed_to", _("The end of the range is before its start."))
            return False
        return valid
