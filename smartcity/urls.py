from django.contrib import admin
from django.urls import include, path

from smartcity import dashboard_views, report_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programme/", views.OverviewView.as_view(), name="overview"),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/provinces/<str:code>/", dashboard_views.ProvinceDashboardView.as_view(), name="dashboard-province"),
    path("dashboard/regencies/<str:code>/", dashboard_views.RegencyDashboardView.as_view(), name="dashboard-regency"),
    path("reports/", report_views.ReportListView.as_view(), name="report-list"),
    path("reports/generate/", report_views.ReportRequestView.as_view(), name="report-request"),
    path("reports/subscription/", report_views.SubscriptionView.as_view(), name="report-subscription"),
    path("reports/<int:pk>/", report_views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/status/", report_views.ReportStatusView.as_view(), name="report-status"),
    path(
        "reports/<int:pk>/files/<str:format>/<str:language>/",
        report_views.ReportFileView.as_view(),
        name="report-file",
    ),
    path("mou/", include("mou.urls")),
    path("plans/", include("masterplans.urls")),
    path("api/v1/", include("smartcity.api.urls")),
    path("", include("regencies.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
