"""The portal's addresses plus the benchmark's baselines: the least Django can do to answer each measured API list,
a view that returns the same rows as JSON from one ``.values()`` query, with no framework on top. Used only by
``manage.py bench``, through ``smartcity.bench.settings``; never in production."""

from django.db.models import Count
from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone

from masterplans.choices import PUBLISHED_STATUSES
from masterplans.models import Programme
from mou.models import in_force
from regencies.models import Province, Regency


def regencies(request):
    rows = Regency.objects.order_by("code").values("code", "name", "kind", "province__code", "province__name")[:50]
    return JsonResponse({"results": list(rows)})


def programmes(request):
    rows = (
        Programme.objects.filter(plan__status__in=PUBLISHED_STATUSES)
        .order_by("plan_id", "dimension__order", "horizon", "name", "id")  # the API's order
        .values(
            "id",
            "plan_id",
            "plan__regency__code",
            "dimension__code",
            "name",
            "horizon",
            "start_year",
            "end_year",
            "budget",
            "funding_source",
            "agency",
            "is_quick_win",
        )[:100]
    )
    return JsonResponse({"results": list(rows)})


def stats(request):
    members = in_force(timezone.localdate(), "regencies__mous__")
    rows = Province.objects.annotate(members=Count("regencies__mous__regency", distinct=True, filter=members))
    return JsonResponse({"provinces": list(rows.order_by("code").values("code", "name", "members"))})


urlpatterns = [
    path("bench/baseline/regencies/", regencies),
    path("bench/baseline/programmes/", programmes),
    path("bench/baseline/stats/", stats),
    path("", include("smartcity.urls")),
]
