"""The yearly evaluation in the API: ``/api/v1/evaluation-rounds/``, ``/api/v1/weightings/`` and
``/api/v1/scores/``, read-only.

Who sees which round is the pages' rule (``smartcity.evaluation.views.visible_rounds``): ministry staff every
round, everyone else (anonymous callers, partners, officers) the published ones. Scores are listed for published
rounds only, for every caller alike, as the round's page shows its ranking only once it is published: the scores
of an open round are not final, so they stay on the ministry's pages. Weightings are public, as the published
scores name them.

The lists are not answered from the shared cache (``regencies.api.base.SharedListMixin``): a change to the
evaluation does not move the data version that its keys carry (``smartcity.dashboards.figures_cache.SOURCES``), so
a cached list would outlive the publication of a round.
"""

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from smartcity.evaluation import scores
from smartcity.evaluation.api.serializers import EvaluationRoundSerializer, ScoreSerializer, WeightingSerializer
from smartcity.evaluation.choices import PART_ORDER, AssessmentStatus, RoundStatus
from smartcity.evaluation.filters import RoundFilterSet, ScoreFilterSet, WeightingFilterSet
from smartcity.evaluation.models import Criterion, Part, Round, Score, Weighting
from smartcity.evaluation.views import visible_rounds


@extend_schema_view(
    list=extend_schema(
        summary=_("Evaluation rounds, newest first"),
        description=_(
            "The yearly evaluation rounds (monitoring dan evaluasi) of the programme's members, with the weighting "
            "each one is scored with, its dates and how many members are assessed and finalised. Partners, officers "
            "and anonymous callers see the published rounds; ministry staff see open rounds as well."
        ),
    ),
    retrieve=extend_schema(
        summary=_("One evaluation round by its year"),
        description=_("A round the caller may see, by its year; any other year is a 404."),
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The round's year."))
        ],
    ),
)
class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EvaluationRoundSerializer
    filterset_class = RoundFilterSet
    ordering_fields = ["year"]
    ordering = ["-year"]
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self):
        finalised = Q(assessments__status=AssessmentStatus.FINALISED)
        return (
            visible_rounds(self.request.user)
            .select_related("weighting")
            .annotate(members=Count("assessments"), finalised=Count("assessments", filter=finalised))
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Weightings of the achievement index"),
        description=_(
            "Each version of an edition of the achievement index (Indeks Pencapaian): its five parts with their "
            "weights, which sum to 100, and under each part its criteria with their weights within the part, which "
            "sum to 100 too, and their scale. Every score names the weighting it was computed with."
        ),
    ),
    retrieve=extend_schema(
        summary=_("One weighting with its parts and criteria"),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The weighting's id."))
        ],
    ),
)
class WeightingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WeightingSerializer
    filterset_class = WeightingFilterSet
    ordering_fields = ["id", "title", "version"]
    ordering = ["title", "version"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        in_guideline_order = Case(*(When(kind=kind, then=Value(index)) for index, kind in enumerate(PART_ORDER)))
        parts = (
            Part.objects.alias(position=in_guideline_order)
            .order_by("position")
            .prefetch_related(Prefetch("criteria", Criterion.objects.order_by("order", "pk")))
        )
        published = Round.objects.filter(weighting=OuterRef("pk"), status=RoundStatus.PUBLISHED)
        return Weighting.objects.annotate(locked=Exists(published)).prefetch_related(Prefetch("parts", parts))


# After any ordering a caller asks for, so that a page never changes with equal indexes or ranks.
TIEBREAK = ["-assessment__round__year", "assessment__regency__code", "pk"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Published scores of the evaluation, with their ranks"),
        description=_(
            "One row per member and published round: the five parts and the achievement index (0 to 100, two "
            "decimals) as computed from the assessor's confirmed values with the weighting named, the member's rank "
            "in the round, in its cohort and in its province (equal indexes share a rank), and the change from its "
            "index in the latest earlier published round. Ranks are always among all the round's scores, whichever "
            "filters are used. Scores of rounds still open are never listed."
        ),
    ),
)
class ScoreViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilterSet
    ordering_fields = ["index", "rank"]
    ordering = ["-assessment__round__year", "rank"]

    def get_queryset(self):
        published = Score.objects.filter(assessment__round__status=RoundStatus.PUBLISHED).select_related(
            "assessment__round", "assessment__regency__province", "assessment__mou__cohort", "weighting"
        )
        return scores.ranked(published)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, *TIEBREAK)
