"""The API root, ``/api/v1/``: each app's and capability's API, and the OpenAPI contract."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from smartcity.api.views import NotFoundView

app_name = "api"

urlpatterns = [
    path("", include("regencies.api.urls")),
    path("", include("mou.api.urls")),
    path("", include("masterplans.api.urls")),
    path("", include("smartcity.reports.api.urls")),
    path("", include("smartcity.dashboards.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", NotFoundView.as_view(), name="not-found"),  # anything else under /api/v1/: a JSON 404
]
