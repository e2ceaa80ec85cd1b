from django.urls import path

from smartcity.dashboards import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("programme/", views.OverviewView.as_view(), name="overview"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/provinces/<str:code>/", views.ProvinceDashboardView.as_view(), name="dashboard-province"),
    path("dashboard/regencies/<str:code>/", views.RegencyDashboardView.as_view(), name="dashboard-regency"),
    # The register's public regency page with what the programme layer knows of the regency; it takes the
    # register's address (``regencies:regency-detail`` reverses to it), being matched first.
    path("regencies/<slug:slug>/", views.RegencyPageView.as_view(), name="regency-page"),
]
