"""The home page by role, the public programme overview, and the staff dashboards (nationally, for one province and
for one regency/city) as of any day: the same permission, the same controls, every table also a CSV
(``?export=<table>``)."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan
from mou.models import MoU
from regencies import data_version
from regencies.models import Province, Regency
from regencies.views import RegencyDetailView
from smartcity.dashboards import figures_cache, home, national, regency_dashboard
from smartcity.dashboards.charts import BarChart
from smartcity.dashboards.forms import DashboardForm, OverviewForm, ProvinceDashboardForm, RegencyDashboardForm
from smartcity.dashboards.overview import cohort_chart, public_overview
from smartcity.dashboards.overview import sections as overview_sections
from smartcity.dashboards.templatetags.charts import export_query
from smartcity.evaluation import results
from smartcity.evaluation import services as evaluation_services
from smartcity.reports.files import csv_download


class HomeView(TemplateView):
    """The public home for visitors; for reviewers, officers and ministry staff, what their role has to do next."""

    template_name = "dashboards/public_home.html"

    def get(self, request, *args, **kwargs):
        self.panels = home.panels(request.user)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return ["dashboards/home.html"] if self.panels else [self.template_name]

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


class OverviewView(TemplateView):
    """The public programme overview: the goal, cohorts against targets, provinces, the plans in force and the
    latest signings, as of a day; every table is also a CSV (``?export=<table>``). No personal data."""

    template_name = "dashboards/overview.html"

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


class RegencyPageView(RegencyDetailView):
    """The public page of a regency/city: the register's facts and its published evaluation results (index, parts
    and ranks in every published round), one query for the results."""

    template_name = "dashboards/regency_page.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(evaluation_scores=results.regency_scores(self.object), **kwargs)


class StaffDashboardView(PermissionRequiredMixin, TemplateView):
    """A dashboard page for one place (``get_place``; None for the nation) as of a day; ``build`` gives its figures
    and sections."""

    permission_required = "reports.view_dashboard"
    form_class = None
    context_object_name = None  # the place's name in the template

    def get_place(self):
        return None

    def place_context(self, place):
        return {self.context_object_name: place} if self.context_object_name else {}

    def build(self, place, data):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        place = self.get_place()
        form = self.form_class(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, **self.place_context(place)), status=400)
        as_of = form.cleaned_data["as_of"]
        figures = self.build(place, form.cleaned_data)
        export = request.GET.get("export")
        if export:
            section = figures["sections"].get(export)
            if section is None:
                form.add_error(None, _("There is no table “%(name)s” to download.") % {"name": export})
                return self.render_to_response(
                    self.get_context_data(form=form, **self.place_context(place)), status=400
                )
            filename = f"dasbor-{place.code if place else 'nasional'}-{export}-{as_of.isoformat()}.csv"
            return csv_download(section, filename)
        # Links to the other dashboard pages keep the day, if one was asked for (without it they show today).
        day_query = "?" + urlencode({"as_of": as_of.isoformat()}) if request.GET.get("as_of") else ""
        return self.render_to_response(
            self.get_context_data(form=form, as_of=as_of, day_query=day_query, **self.place_context(place), **figures)
        )


class DashboardView(StaffDashboardView):
    """The ministry's national dashboard."""

    template_name = "dashboards/dashboard.html"
    form_class = DashboardForm

    def build(self, place, data):
        figures = figures_cache.cached(
            "dashboard", [data["as_of"], data["sort"]], lambda: national.build(data["as_of"], data["sort"])
        )
        return dict(figures, shade=data["shade"])


class ProvinceDashboardView(StaffDashboardView):
    """One province: the national dashboard's figures for its regencies/cities, each linked to its own page."""

    template_name = "dashboards/province_dashboard.html"
    form_class = ProvinceDashboardForm
    context_object_name = "province"

    def get_place(self):
        return get_object_or_404(Province, code=self.kwargs["code"])

    def build(self, province, data):
        figures = figures_cache.cached(
            "province",
            [province.code, data["as_of"], data["sort"]],
            lambda: national.build(data["as_of"], data["sort"], province=province),
        )
        regencies = len(figures["figures"]["table"])
        # Cohort targets are national: the province's members are charted without them (the table still has them).
        charts = dict(figures["charts"], cohorts=BarChart(figures["sections"]["cohorts"], label=0, value=2))
        return dict(figures, regency_count=regencies, charts=charts)


class RegencyDashboardView(StaffDashboardView):
    """One regency/city: its MoUs, plan versions and their history, programmes with progress, progress timeline."""

    template_name = "dashboards/regency_dashboard.html"
    form_class = RegencyDashboardForm
    context_object_name = "regency"

    def get_place(self):
        return get_object_or_404(Regency.objects.select_related("province"), code=self.kwargs["code"])

    def build(self, regency, data):
        figures = regency_dashboard.build(regency, data["as_of"])
        # Stages are recorded under the active MoU only: not on a day when another MoU was the member's.
        mou = figures["bimtek_mou"]
        recordable = mou is not None and mou.is_active and evaluation_services.can_record_bimtek(self.request.user)
        return dict(figures, can_record_bimtek=recordable)
