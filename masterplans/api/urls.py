from rest_framework.routers import DefaultRouter

from masterplans.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("dimensions", views.DimensionViewSet, basename="dimension")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")

urlpatterns = router.urls
