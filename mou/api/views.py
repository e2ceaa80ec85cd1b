import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets

from mou.api.serializers import (
    CohortSerializer,
    GoalSerializer,
    MemberRegencySerializer,
    MoUSerializer,
    SigningEventSerializer,
)
from mou.filters import MoUFilterSet, cohort_filter
from mou.models import Cohort, Goal, MoU, SigningEvent
from regencies.api.base import SharedListMixin, updated_since_filter
from regencies.filters import RegencyFilterSet, StrictFilterSet
from regencies.models import Regency


class MoUApiFilterSet(MoUFilterSet):
    """The MoU list page's filters, plus a regency code and a change date for partners who sync."""

    regency = django_filters.CharFilter(label=_("Regency code"), field_name="regency__code")
    updated_since = updated_since_filter()

    class Meta(MoUFilterSet.Meta):
        fields = [*MoUFilterSet.Meta.fields, "regency", "updated_since"]

    def filter_demo(self, queryset, name, value: str):
        # The hint tells the schema that ``demo`` is the string ``real`` or ``demo``; from the filter's field_name
        # alone drf-spectacular documents a boolean that must equal one of those strings, which nothing can.
        return super().filter_demo(queryset, name, value)


class SigningEventFilterSet(StrictFilterSet):
    cohort = cohort_filter()
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")

    class Meta:
        model = SigningEvent
        fields = ["cohort", "date_from", "date_to"]


class CohortFilterSet(StrictFilterSet):
    """No filters for this short list, but unknown parameters are still refused."""

    class Meta:
        model = Cohort
        fields = []


class GoalFilterSet(StrictFilterSet):
    class Meta:
        model = Goal
        fields = []


class RegencyViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    """The 514 regencies and cities of the Kemendagri register, by code (``16.03``), each with its MoUs.

    Served by the MoU app's API because a regency, as the programme sees it, includes its membership."""

    serializer_class = MemberRegencySerializer
    filterset_class = RegencyFilterSet
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{2}"

    def get_queryset(self):
        mous = MoU.objects.select_related("cohort").order_by("signed_on")
        return Regency.objects.select_related("province").prefetch_related(Prefetch("mous", mous))


class CohortViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CohortSerializer
    filterset_class = CohortFilterSet
    queryset = Cohort.objects.all()
    ordering_fields = ["year"]
    ordering = ["year"]
    lookup_field = "year"


class SigningEventViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SigningEventSerializer
    filterset_class = SigningEventFilterSet
    queryset = SigningEvent.objects.select_related("cohort")
    ordering_fields = ["date"]
    ordering = ["date"]


class GoalViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet
    queryset = Goal.objects.all()
    ordering_fields = ["target"]
    ordering = ["target"]


class MoUViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    """MoUs between the ministry and regencies. Demo MoUs are marked ``is_demo``; ``?demo=real`` leaves them out."""

    serializer_class = MoUSerializer
    filterset_class = MoUApiFilterSet
    queryset = MoU.objects.select_related("regency__province", "cohort", "event")
    ordering_fields = ["signed_on", "updated_at", "id"]
    ordering = ["-signed_on", "id"]
