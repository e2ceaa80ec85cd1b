from django.urls import path

from smartcity.dashboards.api.views import StatsView

urlpatterns = [
    path("stats/", StatsView.as_view(), name="stats"),
]
