"""The API root, ``/api/v1/``: each app's and capability's API, and the OpenAPI contract."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from smartcity.api.views import NotFoundView, RedocView

app_name = "api"

urlpatterns = [
    path("", include("regencies.api.urls")),
    path("", include("mou.api.urls")),
    path("", include("masterplans.api.urls")),
    path("", include("smartcity.reports.api.urls")),
    path("", include("smartcity.evaluation.api.urls")),
    path("", include("smartcity.dashboards.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is a file of its own (docs/?script=), since the policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", NotFoundView.as_view(), name="not-found"),  # anything else under /api/v1/: a JSON 404
]
