from django.urls import path

from smartcity.dashboards import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("programme/", views.OverviewView.as_view(), name="overview"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/provinces/<str:code>/", views.ProvinceDashboardView.as_view(), name="dashboard-province"),
    path("dashboard/regencies/<str:code>/", views.RegencyDashboardView.as_view(), name="dashboard-regency"),
]
