"""Filters of the evaluation's published scores, for the API (and for a page that lists them).

A rank is a score's place among all the scores of its round (or of its cohort, or its province, in that round),
whichever rows a filter shows: ``?province=16`` lists that province's members with their rank in the whole round.
SQL filters rows before it ranks them, so the filters here are conditions on windows, which the database applies
after ranking (``ScoreFilterSet.filter_queryset``).
"""

import django_filters
from django.db.models import F, Max, Model, Window
from django.utils.translation import gettext_lazy as _

from mou.filters import cohort_filter
from regencies.filters import StrictFilterSet, province_filter
from smartcity.evaluation.choices import RoundStatus
from smartcity.evaluation.models import Round, Score, Weighting


class RoundFilterSet(StrictFilterSet):
    """No filters for the short list of rounds, but unknown parameters are still refused."""

    class Meta:
        model = Round
        fields = []


class WeightingFilterSet(StrictFilterSet):
    """No filters for the few weightings, but unknown parameters are still refused."""

    class Meta:
        model = Weighting
        fields = []


class ScoreFilterSet(StrictFilterSet):
    round = django_filters.ModelChoiceFilter(
        label=_("Evaluation round (year)"),
        field_name="assessment__round",
        queryset=Round.objects.filter(status=RoundStatus.PUBLISHED),
        to_field_name="year",
        error_messages={"invalid_choice": _("No published evaluation round for %(value)s.")},
    )
    regency = django_filters.CharFilter(label=_("Regency code"), field_name="assessment__regency__code")
    province = province_filter("assessment__regency__province")
    cohort = cohort_filter("assessment__mou__cohort")

    class Meta:
        model = Score
        fields = ["round", "regency", "province", "cohort"]

    def filter_queryset(self, queryset):
        """The chosen rows of ``queryset`` (``scores.ranked``), with the ranks they have among all of its rows. Each
        filter compares a window over the row alone (its own regency, province...), so that the database applies
        it after the ranks are computed (QUALIFY), not before (WHERE), which would rank the chosen rows alone."""
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            own = f"own_{name}"
            window = Window(Max(self.filters[name].field_name), partition_by=[F("pk")])
            queryset = queryset.alias(**{own: window}).filter(**{own: value.pk if isinstance(value, Model) else value})
        return queryset
