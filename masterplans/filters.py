import django_filters
from django.utils.translation import gettext_lazy as _

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan
from mou.models import Cohort
from regencies.filters import StrictFilterSet
from regencies.models import Province


class PlanFilterSet(StrictFilterSet):
    """Shared by the public list of plans and the reviewers' queue."""

    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        field_name="regency__province",
        queryset=Province.objects.all(),
        to_field_name="code",
        empty_label=_("All provinces"),
        error_messages={"invalid_choice": _("Unknown province code: %(value)s.")},
    )
    cohort = django_filters.ModelChoiceFilter(
        label=_("Cohort"),
        field_name="mou__cohort",
        queryset=Cohort.objects.all(),
        to_field_name="year",
        empty_label=_("All cohorts"),
        error_messages={"invalid_choice": _("Unknown cohort year: %(value)s.")},
    )

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=PlanStatus.choices,
        empty_label=_("All statuses"),
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )

    class Meta:
        model = MasterPlan
        fields = ["province", "cohort", "status"]
