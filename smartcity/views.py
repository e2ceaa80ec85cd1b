from django.conf import settings
from django.db import connections
from django.db.models import Count, Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan
from mou.models import MoU
from regencies import data_version
from regencies.models import Province, Regency
from smartcity import figures_cache, home
from smartcity.celery import app as celery_app
from smartcity.forms import OverviewForm
from smartcity.overview import cohort_chart, public_overview
from smartcity.overview import sections as overview_sections
from smartcity.reports.files import csv_download
from smartcity.templatetags.charts import export_query


class HomeView(TemplateView):
    """The public home for visitors; for reviewers, officers and ministry staff, what their role has to do next."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        self.panels = home.panels(request.user)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return ["smartcity/home.html"] if self.panels else [self.template_name]

    def get_context_data(self, **kwargs):
        if self.panels:
            return super().get_context_data(panels=self.panels, **kwargs)
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
    """The public programme overview: the goal, cohorts against targets, provinces, the plans in force and the
    latest signings, as of a day; every table is also a CSV (``?export=<table>``). No personal data."""

    template_name = "overview.html"

    def get(self, request, *args, **kwargs):
        form = OverviewForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        as_of, include_demo = form.cleaned_data["as_of"], form.cleaned_data["data"] == "all"
        sort, version = form.cleaned_data["sort"], data_version.version()  # one version for figures and fragment
        figures = figures_cache.cached(
            "overview",
            [as_of, include_demo, sort],
            lambda: public_overview(as_of, include_demo, province_sort=sort),
            data_version=version,
        )
        tables = overview_sections(figures, include_demo)
        export = request.GET.get("export")
        if export:
            if export not in tables:
                form.add_error(None, _("There is no table “%(name)s” to download.") % {"name": export})
                return self.render_to_response(self.get_context_data(form=form), status=400)
            return csv_download(tables[export], f"ikhtisar-{export}-{as_of.isoformat()}.csv")
        keep = {"as_of": as_of.isoformat(), "data": form.cleaned_data["data"]}
        return self.render_to_response(
            self.get_context_data(
                form=form,
                include_demo=include_demo,
                sort_query=urlencode(keep),
                data_version=version,
                sections=tables,
                cohort_chart=cohort_chart(tables["cohorts"]),
                # Called by the template only when its cached table is missing (formatting every row takes time).
                plan_rows=lambda: list(zip(figures["plans"], tables["plans"].rendered(), strict=True)),
                csv_queries={slug: export_query({"request": request}, slug) for slug in tables},
                **figures,
            )
        )
