from django.contrib import admin
from django.urls import include, path

from smartcity import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programme/", views.OverviewView.as_view(), name="overview"),
    path("mou/", include("mou.urls")),
    path("plans/", include("masterplans.urls")),
    path("api/v1/", include("smartcity.api.urls")),
    path("", include("regencies.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
