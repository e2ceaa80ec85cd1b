"""The API root, ``/api/v1/``: each app's router, the programme statistics and progress reports, and the OpenAPI
contract."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from smartcity.api.reports import ReportViewSet
from smartcity.api.views import NotFoundView, StatsView

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("", include("regencies.api.urls")),
    path("", include("mou.api.urls")),
    path("", include("masterplans.api.urls")),
    path("", include(router.urls)),
    path("stats/", StatsView.as_view(), name="stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", NotFoundView.as_view(), name="not-found"),  # anything else under /api/v1/: a JSON 404
]
