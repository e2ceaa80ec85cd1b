from django.urls import path

from smartcity.reports import views

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report-list"),
    path("generate/", views.ReportRequestView.as_view(), name="report-request"),
    path("subscription/", views.SubscriptionView.as_view(), name="report-subscription"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("<int:pk>/status/", views.ReportStatusView.as_view(), name="report-status"),
    path("<int:pk>/files/<str:format>/<str:language>/", views.ReportFileView.as_view(), name="report-file"),
    path(
        "evaluation/<int:year>/<str:format>/<str:language>/",
        views.EvaluationResultsFileView.as_view(),
        name="evaluation-results-file",
    ),
]
