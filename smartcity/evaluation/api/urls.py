from rest_framework.routers import DefaultRouter

from smartcity.evaluation.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("evaluation-rounds", views.RoundViewSet, basename="evaluation-round")
router.register("weightings", views.WeightingViewSet, basename="weighting")
router.register("scores", views.ScoreViewSet, basename="score")

urlpatterns = router.urls
