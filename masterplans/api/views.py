"""The master-plan API: thin viewsets over the pages' rules.

Who may see what is ``MasterPlan.objects.visible_to`` (programmes and progress through their plan), so a plan the
caller may not see answers 404, before any other check. Every change goes through ``masterplans.services``, which
checks roles and statuses under a row lock on the plan; its refusals become JSON errors (``PermissionDenied`` 403,
``ValidationError`` 400 with its code) in ``regencies.api.base.handle_exception``. Writes honour ``If-Match``: the
ETag of the record's detail as a GET shows it, compared while the plan's row is locked.
"""

import django_filters
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from masterplans import services
from masterplans.api import serializers
from masterplans.choices import FundingSource, Horizon, ProgressStatus
from masterplans.filters import PlanFilterSet
from masterplans.models import Dimension, MasterPlan, Programme, ProgressUpdate, sees_only_published
from regencies.api.base import SharedListMixin, check_if_match, etag_for, updated_since_filter
from regencies.filters import StrictFilterSet, province_filter

QUARTERS = [(str(quarter), str(quarter)) for quarter in (1, 2, 3, 4)]


def id_filter(label, field_name):
    """An id filter whose out-of-range numbers are a 400, not a database overflow."""
    return django_filters.NumberFilter(label=label, field_name=field_name, min_value=1, max_value=2**63 - 1)


class DimensionFilterSet(StrictFilterSet):
    """No filters for the six dimensions, but unknown parameters are still refused."""

    class Meta:
        model = Dimension
        fields = []


class PlanApiFilterSet(PlanFilterSet):
    """The plan list page's filters, plus a regency code and a change date for partners who sync."""

    regency = django_filters.CharFilter(label=_("Regency code"), field_name="regency__code")
    updated_since = updated_since_filter()

    class Meta(PlanFilterSet.Meta):
        fields = [*PlanFilterSet.Meta.fields, "regency", "updated_since"]


class ProgrammeFilterSet(StrictFilterSet):
    plan = id_filter(_("Master plan (id)"), "plan_id")
    regency = django_filters.CharFilter(label=_("Regency code"), field_name="plan__regency__code")
    province = province_filter("plan__regency__province")
    dimension = django_filters.ModelChoiceFilter(
        label=_("Dimension"),
        queryset=Dimension.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Unknown dimension: %(value)s.")},
    )
    horizon = django_filters.ChoiceFilter(
        label=_("Horizon"),
        choices=Horizon.choices,
        error_messages={"invalid_choice": _("Unknown horizon: %(value)s.")},
    )
    funding_source = django_filters.ChoiceFilter(
        label=_("Funding source"),
        choices=FundingSource.choices,
        error_messages={"invalid_choice": _("Unknown funding source: %(value)s.")},
    )
    quick_win = django_filters.ChoiceFilter(
        label=_("Quick win (marked so, or in the quick-win horizon)"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="filter_quick_win",
        error_messages={"invalid_choice": _("Use true or false, not %(value)s.")},
    )

    class Meta:
        model = Programme
        fields = ["plan", "regency", "province", "dimension", "horizon", "funding_source", "quick_win"]

    def filter_quick_win(self, queryset, name, value):
        quick_win = Q(is_quick_win=True) | Q(horizon=Horizon.QUICK_WIN)
        return queryset.filter(quick_win) if value == "true" else queryset.exclude(quick_win)


class ProgressUpdateFilterSet(StrictFilterSet):
    plan = id_filter(_("Master plan (id)"), "programme__plan_id")
    programme = id_filter(_("Programme (id)"), "programme_id")
    year = django_filters.NumberFilter(label=_("Year"), min_value=2017, max_value=2100)
    quarter = django_filters.ChoiceFilter(
        label=_("Quarter"), choices=QUARTERS, error_messages={"invalid_choice": _("Unknown quarter: %(value)s.")}
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=ProgressStatus.choices,
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )
    updated_since = updated_since_filter()

    class Meta:
        model = ProgressUpdate
        fields = ["plan", "programme", "year", "quarter", "status", "updated_since"]


def visible_plans(request):
    return MasterPlan.objects.visible_to(request.user)


def lock_and_check_if_match(request, plan_id, current):
    """Inside a transaction: lock the plan's row, then refuse (412) an ``If-Match`` that names another version of
    the record than ``current()``, its detail as a GET shows it now."""
    if request.headers.get("If-Match"):
        list(MasterPlan.objects.select_for_update().filter(pk=plan_id).order_by().values_list("pk", flat=True))
        check_if_match(request, current())


class PublishedListMixin(SharedListMixin):
    """Lists of plans and what hangs on them: shared answers only for callers who see just the published plans
    (anonymous callers and partners); officers and staff, who see drafts, always get their own."""

    def shares_answers(self, request):
        return sees_only_published(request.user)


class WriteMixin:
    """Writes read their input with a write serializer and answer with the record as a GET shows it, with its
    ETag, so that a client can chain conditional writes."""

    serializers_by_action = {}

    def get_serializer_class(self):
        return self.serializers_by_action.get(self.action, super().get_serializer_class())

    def read_input(self, instance=None, **kwargs):
        serializer = self.get_serializer(instance, data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def current(self, pk):
        """The record as its detail GET shows it now (404 if the caller can no longer see it)."""
        instance = self.get_visible_queryset().filter(pk=pk).first()
        if instance is None:
            raise Http404
        return self.detail_serializer_class(instance, context=self.get_serializer_context()).data

    def detail_response(self, pk, status_code=status.HTTP_200_OK):
        data = self.current(pk)
        return Response(data, status=status_code, headers={"ETag": etag_for(data)})


@extend_schema_view(
    list=extend_schema(summary="Dimensions of the smart-city taxonomy, with their sub-dimensions"),
    retrieve=extend_schema(summary="One dimension by its code"),
)
class DimensionViewSet(SharedListMixin, viewsets.ReadOnlyModelViewSet):
    """The dimensions (Smart Governance, Branding, Economy, Living, Society, Environment) and their sub-dimensions,
    by code. Programmes name them by these codes."""

    serializer_class = serializers.DimensionSerializer
    filterset_class = DimensionFilterSet
    queryset = Dimension.objects.prefetch_related("sub_dimensions")
    ordering_fields = ["order", "code"]
    ordering = ["order", "code"]
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="Master plans the caller may see (published ones for partners and the public)"),
    retrieve=extend_schema(summary="One master plan with its programmes and workflow history"),
    create=extend_schema(
        summary="Start a draft (officers of the regency)", responses={201: serializers.PlanSerializer}
    ),
    partial_update=extend_schema(summary="Change a draft (officers)", responses=serializers.PlanSerializer),
)
class PlanViewSet(
    WriteMixin, PublishedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Master plans. Anonymous callers and partners see approved and superseded plans; a regency's officers also
    see their own regency's drafts; ministry staff see every plan. Officers write drafts, reviewers decide, all
    through the workflow steps below, with the same rules as the pages."""

    serializer_class = serializers.PlanSerializer
    detail_serializer_class = serializers.PlanSerializer
    serializers_by_action = {
        "list": serializers.PlanBriefSerializer,
        "create": serializers.PlanCreateSerializer,
        "partial_update": serializers.PlanUpdateSerializer,
        "submit": serializers.EmptySerializer,
        "take_up": serializers.EmptySerializer,
        "new_version": serializers.EmptySerializer,
        "approve": serializers.DecisionSerializer,
        "request_revision": serializers.DecisionSerializer,
    }
    filterset_class = PlanApiFilterSet
    ordering_fields = ["id", "regency__code", "version", "start_year", "submitted_at", "decided_at", "updated_at"]
    ordering = ["regency__code", "-version"]

    def get_visible_queryset(self):
        queryset = (
            visible_plans(self.request)
            .select_related("regency__province", "mou__cohort")
            .annotate(programme_count=Count("programmes"), budget_total=Coalesce(Sum("programmes__budget"), 0))
        )
        if self.action == "list":
            return queryset
        programmes = Programme.objects.select_related("dimension", "sub_dimension")
        return queryset.prefetch_related(Prefetch("programmes", programmes), "not_applicable", "events")

    def get_queryset(self):
        return self.get_visible_queryset()

    def create(self, request):
        data = self.read_input()
        not_applicable = data.pop("not_applicable", [])
        plan = services.create_draft(request.user, MasterPlan(**data), not_applicable)
        return self.detail_response(plan.pk, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        plan = self.get_object()
        data = self.read_input(plan, partial=True)
        not_applicable = data.pop("not_applicable", None)
        with services.editing(request.user, plan.pk) as locked:
            check_if_match(request, self.current(plan.pk))
            for name, value in data.items():
                setattr(locked, name, value)
            locked.full_clean()
            locked.save(update_fields=[*data, "updated_at"])  # status and dates stay as locked
            if not_applicable is not None:
                locked.not_applicable.set(not_applicable)
        return self.detail_response(plan.pk)

    def step(self, function, *, commented=False, created=False):
        """A workflow step by the service ``function``, as the plan page takes it."""
        plan = self.get_object()  # a plan the caller may not see is a 404 before any 403 or 400
        data = self.read_input()
        args = [data["comment"]] if commented else []
        with transaction.atomic():
            lock_and_check_if_match(self.request, plan.pk, lambda: self.current(plan.pk))
            result = function(plan.pk, self.request.user, *args)
        return self.detail_response(result.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(summary="Submit a complete draft for review (officers)", responses=serializers.PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit)

    @extend_schema(summary="Take up a submitted plan for review (reviewers)", responses=serializers.PlanSerializer)
    @action(detail=True, methods=["post"], url_path="take-up")
    def take_up(self, request, pk=None):
        return self.step(services.take_up)

    @extend_schema(summary="Approve a plan in review, with a comment (reviewers)", responses=serializers.PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.step(services.approve, commented=True)

    @extend_schema(
        summary="Send a plan in review back for revision, with a comment (reviewers)",
        responses=serializers.PlanSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-revision")
    def request_revision(self, request, pk=None):
        return self.step(services.request_revision, commented=True)

    @extend_schema(
        summary="Start a new version as a copy of an approved plan (officers)",
        responses={201: serializers.PlanSerializer},
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        return self.step(services.start_new_version, created=True)


@extend_schema_view(
    list=extend_schema(summary="Programmes of the plans the caller may see"),
    retrieve=extend_schema(summary="One programme"),
    create=extend_schema(
        summary="Add a programme to a draft (officers)", responses={201: serializers.ProgrammeSerializer}
    ),
    partial_update=extend_schema(
        summary="Change a programme of a draft (officers)", responses=serializers.ProgrammeSerializer
    ),
    destroy=extend_schema(summary="Remove a programme from a draft (officers)"),
)
class ProgrammeViewSet(WriteMixin, PublishedListMixin, viewsets.ReadOnlyModelViewSet):
    """Programmes of master plans, by dimension code and horizon, with budgets in whole rupiah. Officers add,
    change and remove them while their plan is a draft or sent back."""

    serializer_class = serializers.ProgrammeSerializer
    detail_serializer_class = serializers.ProgrammeSerializer
    serializers_by_action = {
        "create": serializers.ProgrammeCreateSerializer,
        "partial_update": serializers.ProgrammeUpdateSerializer,
    }
    filterset_class = ProgrammeFilterSet
    ordering_fields = ["id", "budget", "name", "start_year"]
    ordering = ["plan_id", "dimension__order", "horizon", "name", "id"]

    def get_visible_queryset(self):
        return Programme.objects.filter(plan__in=visible_plans(self.request)).select_related(
            "plan__regency", "dimension", "sub_dimension"
        )

    def get_queryset(self):
        return self.get_visible_queryset()

    def create(self, request):
        programme = services.save_programme(request.user, Programme(**self.read_input()))
        return self.detail_response(programme.pk, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        programme = self.get_object()
        data = self.read_input(programme, partial=True)
        with services.editing(request.user, programme.plan_id):
            check_if_match(request, self.current(programme.pk))
            for name, value in data.items():
                setattr(programme, name, value)
            services.save_programme(request.user, programme)
        return self.detail_response(programme.pk)

    def destroy(self, request, pk=None):
        programme = self.get_object()
        with services.editing(request.user, programme.plan_id):
            check_if_match(request, self.current(programme.pk))
            services.delete_programme(request.user, programme)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Quarterly progress of the programmes the caller may see"),
    retrieve=extend_schema(summary="One programme's progress in one quarter"),
    create=extend_schema(
        summary="Report a programme's quarter (officers, approved plans)",
        responses={201: serializers.ProgressUpdateSerializer},
    ),
    partial_update=extend_schema(
        summary="Correct a reported quarter (officers); the earlier figures stay in the history",
        responses=serializers.ProgressUpdateSerializer,
    ),
)
class ProgressUpdateViewSet(WriteMixin, PublishedListMixin, viewsets.ReadOnlyModelViewSet):
    """Progress per programme and quarter: physical progress (%), money spent (Rp), status, note. One update per
    programme and quarter: report it with POST, correct it with PATCH."""

    serializer_class = serializers.ProgressUpdateSerializer
    detail_serializer_class = serializers.ProgressUpdateSerializer
    serializers_by_action = {
        "create": serializers.ProgressReportSerializer,
        "partial_update": serializers.ProgressCorrectionSerializer,
    }
    filterset_class = ProgressUpdateFilterSet
    ordering_fields = ["id", "year", "quarter", "updated_at"]
    ordering = ["-year", "-quarter", "programme_id"]

    def get_visible_queryset(self):
        return ProgressUpdate.objects.filter(programme__plan__in=visible_plans(self.request)).select_related(
            "programme__plan__regency"
        )

    def get_queryset(self):
        return self.get_visible_queryset()

    def create(self, request):
        update = services.save_progress(request.user, ProgressUpdate(**self.read_input()))
        return self.detail_response(update.pk, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        update = self.get_object()
        data = self.read_input(update, partial=True)
        with transaction.atomic():
            lock_and_check_if_match(request, update.programme.plan_id, lambda: self.current(update.pk))
            for name, value in data.items():
                setattr(update, name, value)
            services.save_progress(request.user, update)
        return self.detail_response(update.pk)
