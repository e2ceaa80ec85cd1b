from rest_framework.routers import DefaultRouter

from smartcity.reports.api.views import ReportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
