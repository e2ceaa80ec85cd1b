"""Master plans, programmes and progress as the API shows and takes them.

Reads use stable identifiers beside database ids: regency and province codes, dimension codes, cohort years.
Files stay behind the access-checked download pages; the API says only whether a plan has its main document.
Write serializers take only what an officer may set; everything else (status, version, MoU, dates) is the
services' business, and a field a write serializer does not take is refused (``StrictFieldsMixin``). Numbers are
taken as sent or refused, never rounded or cut (``StrictNumbersMixin``); long texts have a maximum length.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from masterplans.choices import EvidenceStatus
from masterplans.forms import PLAN_FIELDS, PROGRAMME_FIELDS
from masterplans.models import (
    MAX_COMMENT_LENGTH,
    Dimension,
    MasterPlan,
    PlanEvent,
    Programme,
    ProgressUpdate,
    SubDimension,
)
from regencies.api.base import StrictFieldsMixin, StrictNumbersMixin
from regencies.api.serializers import ProvinceBriefSerializer, RegencyBriefSerializer
from regencies.models import Regency


class SubDimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubDimension
        fields = ["code", "name_id", "name_en", "order"]


class DimensionSerializer(serializers.ModelSerializer):
    sub_dimensions = SubDimensionSerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["code", "name_id", "name_en", "order", "sub_dimensions"]


class ProgrammeSerializer(serializers.ModelSerializer):
    """A programme with its plan (id) and regency (code); nested in a plan, ``PlanProgrammeSerializer``."""

    regency = serializers.CharField(source="plan.regency.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True)
    sub_dimension = serializers.CharField(source="sub_dimension.code", read_only=True, allow_null=True)

    class Meta:
        model = Programme
        fields = ["id", "plan", "regency", *PROGRAMME_FIELDS, "created_at"]
        read_only_fields = fields


class PlanProgrammeSerializer(ProgrammeSerializer):
    """A programme inside its plan, without repeating the plan."""

    class Meta(ProgrammeSerializer.Meta):
        fields = [name for name in ProgrammeSerializer.Meta.fields if name not in ("plan", "regency")]
        read_only_fields = fields


class PlanEventSerializer(serializers.ModelSerializer):
    """One workflow step. Who took it stays on the pages; the API says what, when and why."""

    class Meta:
        model = PlanEvent
        fields = ["action", "from_status", "to_status", "comment", "created_at"]
        read_only_fields = fields


class PlanBriefSerializer(serializers.ModelSerializer):
    regency = RegencyBriefSerializer(read_only=True)
    province = ProvinceBriefSerializer(source="regency.province", read_only=True)
    cohort = serializers.IntegerField(source="mou.cohort.year", read_only=True)
    programme_count = serializers.IntegerField(read_only=True)
    budget_total = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("Sum of the programmes' budgets, whole rupiah.")
    )

    class Meta:
        model = MasterPlan
        fields = [
            "id",
            "regency",
            "province",
            "cohort",
            "title",
            "version",
            "status",
            "start_year",
            "end_year",
            "programme_count",
            "budget_total",
            "is_demo",
            "submitted_at",
            "decided_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanSerializer(PlanBriefSerializer):
    """A plan with its programmes, the dimensions it leaves out, and its workflow history."""

    mou = serializers.IntegerField(source="mou_id", read_only=True)
    previous = serializers.IntegerField(source="previous_id", read_only=True, allow_null=True)
    has_main_document = serializers.SerializerMethodField()
    not_applicable = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    programmes = PlanProgrammeSerializer(many=True, read_only=True)
    events = PlanEventSerializer(many=True, read_only=True)

    class Meta(PlanBriefSerializer.Meta):
        fields = [
            *PlanBriefSerializer.Meta.fields,
            "mou",
            "previous",
            "summary",
            "rpjmd_reference",
            "renstra_reference",
            "regulation_number",
            "has_main_document",
            "not_applicable",
            "created_at",
            "programmes",
            "events",
        ]
        read_only_fields = fields

    def get_has_main_document(self, plan) -> bool:
        return bool(plan.main_document)


class PlanUpdateSerializer(StrictFieldsMixin, StrictNumbersMixin, serializers.ModelSerializer):
    """The fields of a draft an officer may change (the main document is uploaded on the plan's page)."""

    not_applicable = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Dimension.objects.all(), required=False
    )

    class Meta:
        model = MasterPlan
        fields = [*PLAN_FIELDS, "not_applicable"]


class PlanCreateSerializer(PlanUpdateSerializer):
    """A new draft of a regency the caller is an officer of, by the regency's code."""

    regency = serializers.SlugRelatedField(slug_field="code", queryset=Regency.objects.all())

    class Meta(PlanUpdateSerializer.Meta):
        fields = ["regency", *PlanUpdateSerializer.Meta.fields]


class DecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(
        max_length=MAX_COMMENT_LENGTH, help_text=gettext_lazy("For the regency's officers; required.")
    )


class EmptySerializer(StrictFieldsMixin, serializers.Serializer):
    """Workflow steps that take no input."""


class ProgrammeUpdateSerializer(StrictFieldsMixin, StrictNumbersMixin, serializers.ModelSerializer):
    """A programme's fields by dimension and sub-dimension code; the plan is fixed once it is made."""

    dimension = serializers.SlugRelatedField(slug_field="code", queryset=Dimension.objects.all())
    sub_dimension = serializers.CharField(
        max_length=60,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Code of a sub-dimension of the dimension."),
    )

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS

    def validate(self, attrs):
        if "sub_dimension" not in attrs:
            return attrs
        code = attrs["sub_dimension"]
        dimension = attrs.get("dimension") or getattr(self.instance, "dimension", None)
        if code in (None, ""):
            attrs["sub_dimension"] = None
            return attrs
        sub_dimension = SubDimension.objects.filter(dimension=dimension, code=code).first()
        if sub_dimension is None:
            raise serializers.ValidationError(
                {
                    "sub_dimension": [
                        _("%(dimension)s has no sub-dimension %(code)s.") % {"dimension": dimension.code, "code": code}
                    ]
                },
                code="does_not_exist",
            )
        attrs["sub_dimension"] = sub_dimension
        return attrs


class ProgrammeCreateSerializer(ProgrammeUpdateSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=MasterPlan.objects.none())

    class Meta(ProgrammeUpdateSerializer.Meta):
        fields = ["plan", *ProgrammeUpdateSerializer.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a plan the caller may not see is answered as if it did not exist
            self.fields["plan"].queryset = MasterPlan.objects.visible_to(request.user)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="programme.plan_id", read_only=True)
    regency = serializers.CharField(source="programme.plan.regency.code", read_only=True)
    has_evidence = serializers.SerializerMethodField()
    # The ministry's check of the evidence; who checked it stays on the pages.
    evidence_status = serializers.ChoiceField(
        source="evidence_check",
        choices=EvidenceStatus.choices,
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The ministry's check of the evidence; null without evidence."),
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "programme",
            "plan",
            "regency",
            "year",
            "quarter",
            "physical_percent",
            "spent",
            "status",
            "note",
            "has_evidence",
            "evidence_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, update) -> bool:
        return bool(update.evidence)


class ProgressCorrectionSerializer(StrictFieldsMixin, StrictNumbersMixin, serializers.ModelSerializer):
    """A quarter's figures; the programme and quarter are fixed once reported (evidence goes through the page)."""

    class Meta:
        model = ProgressUpdate
        fields = ["physical_percent", "spent", "status", "note"]


class ProgressReportSerializer(ProgressCorrectionSerializer):
    """A programme's first report for a quarter. One per programme and quarter: correct one with PATCH."""

    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.none())

    class Meta(ProgressCorrectionSerializer.Meta):
        fields = ["programme", "year", "quarter", *ProgressCorrectionSerializer.Meta.fields]
        validators = []  # the one-per-quarter rule answers below, with the address to correct it at

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["programme"].queryset = Programme.objects.filter(
                plan__in=MasterPlan.objects.visible_to(request.user)
            ).select_related("plan")

    def validate(self, attrs):
        existing = ProgressUpdate.objects.filter(
            programme=attrs["programme"], year=attrs["year"], quarter=attrs["quarter"]
        ).first()
        if existing is not None:
            raise serializers.ValidationError(
                {
                    "detail": _(
                        "This programme already has progress for %(year)s Q%(quarter)s (update %(id)s); "
                        "correct it with PATCH %(url)s."
                    )
                    % {
                        "year": existing.year,
                        "quarter": existing.quarter,
                        "id": existing.pk,
                        "url": reverse("api:progress-update-detail", args=[existing.pk]),
                    }
                },
                code="exists",
            )
        return attrs
