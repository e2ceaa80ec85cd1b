"""The programme-wide part of the API: ``/api/v1/stats/``, the goal figures on any day, from every app's data."""

import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan, PlanEvent
from mou.models import FIRST_PROGRAMME_YEAR
from regencies.api.base import shared_answer
from smartcity.dashboards.overview import overview


class StatsQuerySerializer(serializers.Serializer):
    """The stats' only parameter; the same rules as the overview page's ``as_of``."""

    as_of = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],  # ISO only: a shared link means the same day in every language
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
        help_text=_("The day to count on (YYYY-MM-DD); today when left out."),
    )

    def validate_as_of(self, day):
        if day > timezone.localdate():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        if day.year < FIRST_PROGRAMME_YEAR:
            raise serializers.ValidationError(_("The programme began in %(year)d.") % {"year": FIRST_PROGRAMME_YEAR})
        return day


class MembersSerializer(serializers.Serializer):
    real = serializers.IntegerField(help_text=_("Regencies/cities with a real MoU in force."))
    demo = serializers.IntegerField(help_text=_("Regencies/cities with a demo MoU in force (never real)."))
    total = serializers.IntegerField()


class GoalStatsSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="goal.id")
    name = serializers.CharField(source="goal.name")
    target = serializers.IntegerField(source="goal.target")
    deadline_year = serializers.IntegerField(source="goal.deadline_year", allow_null=True)
    real = serializers.IntegerField()
    demo = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text=_("Members still missing, counting demo members."))


class CohortStatsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    label = serializers.CharField()
    target = serializers.IntegerField()
    real = serializers.IntegerField()
    demo = serializers.IntegerField()


class ProvinceStatsSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    real = serializers.IntegerField()
    demo = serializers.IntegerField()


class PlanStatusStatsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    real = serializers.IntegerField()
    demo = serializers.IntegerField()


class LatestSigningSerializer(serializers.Serializer):
    regency = serializers.CharField(source="regency.code")
    regency_name = serializers.CharField(source="regency.name")
    province = serializers.CharField(source="regency.province.code")
    cohort = serializers.IntegerField(source="cohort.year")
    signed_on = serializers.DateField()
    is_demo = serializers.BooleanField()


class StatsSerializer(serializers.Serializer):
    as_of = serializers.DateField(source="day")
    members = MembersSerializer()
    goals = GoalStatsSerializer(many=True, help_text=_("Each active goal: members on the day against its target."))
    cohorts = CohortStatsSerializer(many=True, help_text=_("Cohorts up to the day's year, with their members then."))
    provinces = ProvinceStatsSerializer(many=True, help_text=_("Every province, by code, with its members."))
    plans = PlanStatusStatsSerializer(many=True, help_text=_("Master plans by their status on the day."))
    latest_signings = LatestSigningSerializer(source="latest", many=True)


def plans_by_status(day):
    """Master plans by their status at the end of ``day`` (the last workflow event by then; a plan without events
    counts with its current status), real and demo apart, every status listed: one query."""
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
    )
    last_event = PlanEvent.objects.filter(plan=OuterRef("pk"), created_at__lt=end).order_by("-created_at", "-pk")
    rows = (
        MasterPlan.objects.filter(created_at__lt=end)
        .annotate(status_then=Coalesce(Subquery(last_event.values("to_status")[:1]), F("status")))
        .order_by()
        .values("status_then")
        .annotate(real=Count("pk", filter=Q(is_demo=False)), demo=Count("pk", filter=Q(is_demo=True)))
    )
    counts = {row["status_then"]: row for row in rows}
    return [
        {"status": status, "real": counts.get(status, {}).get("real", 0), "demo": counts.get(status, {}).get("demo", 0)}
        for status in PlanStatus.values
    ]


class StatsView(APIView):
    """The programme's goal figures on a day (today by default): members against each active goal, per cohort and
    per province, master plans by status, and the latest signings. Demo data is always counted apart from real
    data. Figures are SQL aggregates, in a fixed number of queries whatever the size of the programme."""

    renderer_classes = [JSONRenderer]  # one nested document; CSV is for lists

    @extend_schema(operation_id="stats_retrieve", parameters=[StatsQuerySerializer], responses=StatsSerializer)
    def get(self, request):
        return shared_answer(request, lambda: self.answer(request))

    def answer(self, request):
        known = {*StatsQuerySerializer().fields, "format"}
        unknown = sorted(name for name in request.query_params if name not in known)
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Unknown parameter: %(names)s.") % {"names": name}] for name in unknown},
                code="unknown_parameter",
            )
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = overview(query.validated_data.get("as_of") or timezone.localdate(), province_sort="code")
        for goal in figures["goals"]:
            goal.update(real=figures["members"]["real"], demo=figures["members"]["demo"])
        figures["plans"] = plans_by_status(figures["day"])
        return Response(StatsSerializer(figures).data)
