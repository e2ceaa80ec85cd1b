from django.urls import path

from regencies import views

app_name = "regencies"

urlpatterns = [
    path("provinces/", views.ProvinceListView.as_view(), name="province-list"),
    path("regencies/", views.RegencyListView.as_view(), name="regency-list"),
    path("regencies/<slug:slug>/", views.RegencyDetailView.as_view(), name="regency-detail"),
]
