from rest_framework.routers import DefaultRouter

from mou.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("regencies", views.RegencyViewSet, basename="regency")
router.register("cohorts", views.CohortViewSet, basename="cohort")
router.register("signing-events", views.SigningEventViewSet, basename="signing-event")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("mous", views.MoUViewSet, basename="mou")

urlpatterns = router.urls
