from django.conf import settings
from django.db import connections
from django.db.models import Count, Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan
from mou.models import MoU
from regencies.models import Province, Regency
from smartcity.celery import app as celery_app
from smartcity.forms import OverviewForm
from smartcity.overview import overview


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            province_count=Province.objects.active().count(),
            regency_count=Regency.objects.active().count(),
            members=MoU.objects.member_counts(timezone.localdate()),
            approved_plans=MasterPlan.objects.filter(status=PlanStatus.APPROVED).aggregate(
                real=Count("pk", filter=Q(is_demo=False)), demo=Count("pk", filter=Q(is_demo=True))
            ),
            **kwargs,
        )


def _check_databases():
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    return "ok"


def _check_broker():
    if settings.CELERY_BROKER_URL is None:
        return "not configured"
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=settings.HEALTH_CHECK_TIMEOUT)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and CI: 200 when the database (and the broker, if configured) answer, else 503."""
    checks, healthy = {}, True
    for name, check in (("database", _check_databases), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency is reported, never raised as a 500
            checks[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


class OverviewView(TemplateView):
    """The public programme overview: the goal, cohorts against targets, provinces, latest signings, as of a day."""

    template_name = "overview.html"

    def get(self, request, *args, **kwargs):
        form = OverviewForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        figures = overview(
            form.cleaned_data["as_of"],
            include_demo=form.cleaned_data["data"] == "all",
            province_sort=form.cleaned_data["sort"],
        )
        keep = {"as_of": form.cleaned_data["as_of"].isoformat(), "data": form.cleaned_data["data"]}
        return self.render_to_response(
            self.get_context_data(form=form, include_demo=keep["data"] == "all", sort_query=urlencode(keep), **figures)
        )
