from django.urls import path, re_path

from masterplans import views

app_name = "masterplans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("my-regency/", views.MyRegencyView.as_view(), name="my-regency"),
    path("new/<str:code>/", views.PlanCreateView.as_view(), name="plan-create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan-update"),
    path("<int:pk>/decide/", views.DecisionView.as_view(), name="plan-decide"),
    path("<int:pk>/step/<slug:step>/", views.TransitionView.as_view(), name="plan-step"),
    path("<int:pk>/document/", views.PlanDocumentView.as_view(), name="plan-document"),
    path("<int:pk>/attachments/new/", views.AttachmentCreateView.as_view(), name="attachment-create"),
    path("<int:pk>/attachments/<int:attachment>/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path(
        "<int:pk>/attachments/<int:attachment>/remove/", views.AttachmentDeleteView.as_view(), name="attachment-delete"
    ),
    path("<int:pk>/programmes/new/", views.ProgrammeFormView.as_view(), name="programme-create"),
    re_path(
        r"^(?P<pk>[0-9]+)/programmes/export\.(?P<file_format>csv|xlsx)$",
        views.ProgrammeExportView.as_view(),
        name="programme-export",
    ),
    re_path(
        r"^(?P<pk>[0-9]+)/programmes/template\.(?P<file_format>csv|xlsx)$",
        views.ProgrammeExportView.as_view(template=True),
        name="programme-template",
    ),
    path("<int:pk>/programmes/import/", views.ProgrammeImportView.as_view(), name="programme-import"),
    path(
        "<int:pk>/programmes/import/confirm/",
        views.ProgrammeImportConfirmView.as_view(),
        name="programme-import-confirm",
    ),
    path("<int:pk>/programmes/<int:programme>/edit/", views.ProgrammeFormView.as_view(), name="programme-update"),
    path("<int:pk>/programmes/<int:programme>/delete/", views.ProgrammeDeleteView.as_view(), name="programme-delete"),
    path("<int:pk>/progress/", views.ProgressView.as_view(), name="plan-progress"),
    path(
        "<int:pk>/programmes/<int:programme>/progress/<int:year>/<int:quarter>/",
        views.ProgressFormView.as_view(),
        name="progress-update",
    ),
    path("<int:pk>/evidence/<int:update>/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("<int:pk>/evidence/<int:update>/check/", views.EvidenceCheckView.as_view(), name="evidence-check"),
]
