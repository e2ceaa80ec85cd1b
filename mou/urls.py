from django.urls import path, re_path

from mou import views

app_name = "mou"

urlpatterns = [
    path("", views.MoUListView.as_view(), name="mou-list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.MoUExportView.as_view(), name="mou-export"),
    path("new/", views.MoUCreateView.as_view(), name="mou-create"),
    path("import/", views.MoUImportView.as_view(), name="mou-import"),
    path("import/confirm/", views.MoUImportConfirmView.as_view(), name="mou-import-confirm"),
    path("<int:pk>/", views.MoUDetailView.as_view(), name="mou-detail"),
    path("<int:pk>/edit/", views.MoUUpdateView.as_view(), name="mou-update"),
    path("<int:pk>/end/", views.MoUEndView.as_view(), name="mou-end"),
    path("<int:pk>/document/", views.MoUDocumentView.as_view(), name="mou-document"),
    path("cohorts/", views.CohortListView.as_view(), name="cohort-list"),
    path("cohorts/new/", views.CohortCreateView.as_view(), name="cohort-create"),
    path("cohorts/<int:year>/", views.CohortDetailView.as_view(), name="cohort-detail"),
    path("cohorts/<int:year>/edit/", views.CohortUpdateView.as_view(), name="cohort-update"),
    path("goals/new/", views.GoalCreateView.as_view(), name="goal-create"),
    path("goals/<int:pk>/edit/", views.GoalUpdateView.as_view(), name="goal-update"),
]
