from django.urls import path

from smartcity.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round-list"),
    path("new/", views.RoundCreateView.as_view(), name="round-create"),
    path("<int:year>/", views.RoundDetailView.as_view(), name="round"),
    path("<int:year>/publish/", views.PublishView.as_view(), name="round-publish"),
    path("<int:year>/assessors/<int:pk>/", views.AssignView.as_view(), name="assign"),
    path("assessments/<int:pk>/", views.AssessmentView.as_view(), name="assessment"),
    path("bimtek/<str:code>/<int:stage>/", views.BimtekStageView.as_view(), name="bimtek-stage"),
    path("assessments/<int:pk>/evidence/<int:evidence>/", views.EvidenceFileView.as_view(), name="evidence-file"),
    path(
        "assessments/<int:pk>/<slug:step>/",
        views.AssessmentStepView.as_view(),
        name="assessment-step",
    ),
]
