from django.db.models import Count, Q
from rest_framework import viewsets

from regencies.api.base import SharedListMixin, StrictBooleanFilter
from regencies.api.serializers import ProvinceSerializer
from regencies.filters import StrictFilterSet
from regencies.models import Province


class ProvinceFilterSet(StrictFilterSet):
    is_active = StrictBooleanFilter()

    class Meta:
        model = Province
        fields = ["is_active"]


class ProvinceViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    """The 38 provinces of the Kemendagri register, by their two-digit code."""

    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    lookup_field = "code"

    def get_queryset(self):
        return Province.objects.annotate(regency_count=Count("regencies", filter=Q(regencies__is_active=True)))
