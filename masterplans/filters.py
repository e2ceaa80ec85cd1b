import django_filters
from django.utils.translation import gettext_lazy as _

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan
from mou.filters import cohort_filter
from regencies.filters import StrictFilterSet, province_filter


class PlanFilterSet(StrictFilterSet):
    """Shared by the list of plans and the reviewers' queue."""

    province = province_filter("regency__province")
    cohort = cohort_filter("mou__cohort")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=PlanStatus.choices,
        empty_label=_("All statuses"),
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )

    class Meta:
        model = MasterPlan
        fields = ["province", "cohort", "status"]
