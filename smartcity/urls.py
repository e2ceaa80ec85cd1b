"""The portal's addresses: each app's and capability's own URLconf, the health check, sign-in and the admin site."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from smartcity import health

# Admin pages of models that moved out of the project app into a capability's app keep their old addresses.
MOVED_ADMIN = {"apitoken": "accounts", "progressreport": "reports"}

handler500 = "smartcity.logs.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for it on pages that name no icon: the admin site, an API answer opened in a tab.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg")), name="favicon"),
    path("", include("smartcity.dashboards.urls")),
    path("reports/", include("smartcity.reports.urls")),
    path("evaluation/", include("smartcity.evaluation.urls")),
    path("mou/", include("mou.urls")),
    path("plans/", include("masterplans.urls")),
    path("api/v1/", include("smartcity.api.urls")),
    path("", include("regencies.urls")),
    path("", include("smartcity.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    *(
        re_path(
            rf"^admin/smartcity/{model}/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{label}/{model}/%(rest)s", permanent=True, query_string=True),
        )
        for model, label in MOVED_ADMIN.items()
    ),
    path("admin/", admin.site.urls),
]
