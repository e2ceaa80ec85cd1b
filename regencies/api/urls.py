from rest_framework.routers import DefaultRouter

from regencies.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("provinces", views.ProvinceViewSet, basename="province")

urlpatterns = router.urls
