"""The staff dashboards, nationally, for one province and for one regency/city, as of any day: the same
permission, the same controls, every table also a CSV (``?export=<table>``)."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from regencies.models import Province, Regency
from smartcity import dashboard, figures_cache, regency_dashboard
from smartcity.charts import BarChart
from smartcity.forms import DashboardForm, ProvinceDashboardForm, RegencyDashboardForm
from smartcity.reports.figures import percent
from smartcity.reports.files import csv_download


class StaffDashboardView(PermissionRequiredMixin, TemplateView):
    """A dashboard page for one place (``get_place``; None for the nation) as of a day; ``build`` gives its figures
    and sections."""

    permission_required = "smartcity.view_dashboard"
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

    template_name = "smartcity/dashboard.html"
    form_class = DashboardForm

    def build(self, place, data):
        figures = figures_cache.cached(
            "dashboard", [data["as_of"], data["sort"]], lambda: dashboard.build(data["as_of"], data["sort"])
        )
        return dict(figures, shade=data["shade"])


class ProvinceDashboardView(StaffDashboardView):
    """One province: the national dashboard's figures for its regencies/cities, each linked to its own page."""

    template_name = "smartcity/province_dashboard.html"
    form_class = ProvinceDashboardForm
    context_object_name = "province"

    def get_place(self):
        return get_object_or_404(Province, code=self.kwargs["code"])

    def build(self, province, data):
        figures = figures_cache.cached(
            "province",
            [province.code, data["as_of"], data["sort"]],
            lambda: dashboard.build(data["as_of"], data["sort"], province=province),
        )
        regencies = len(figures["figures"]["table"])
        members = figures["figures"]["members"]["total"]
        # Cohort targets are national: the province's members are charted without them (the table still has them).
        charts = dict(figures["charts"], cohorts=BarChart(figures["sections"]["cohorts"], label=0, value=2))
        return dict(figures, regency_count=regencies, member_share=percent(members, regencies), charts=charts)


class RegencyDashboardView(StaffDashboardView):
    """One regency/city: its MoUs, plan versions and their history, programmes with progress, progress timeline."""

    template_name = "smartcity/regency_dashboard.html"
    form_class = RegencyDashboardForm
    context_object_name = "regency"

    def get_place(self):
        return get_object_or_404(Regency.objects.select_related("province"), code=self.kwargs["code"])

    def build(self, regency, data):
        return regency_dashboard.build(regency, data["as_of"])
