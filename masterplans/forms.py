from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from masterplans.choices import EvidenceStatus
from masterplans.models import (
    MAX_COMMENT_LENGTH,
    Dimension,
    MasterPlan,
    PlanAttachment,
    Programme,
    ProgressUpdate,
    SubDimension,
)
from masterplans.validators import clean_evidence
from mou.numbers import PercentField, RupiahField, YearField
from mou.validators import validate_pdf
from mou.widgets import PrivateFileField, PrivateFileInput

PDF_INPUT = PrivateFileInput(attrs={"accept": "application/pdf"})


# What an officer fills in for a plan and for a programme, on the pages and through the API.
PLAN_FIELDS = [
    "title",
    "start_year",
    "end_year",
    "summary",
    "rpjmd_reference",
    "renstra_reference",
    "regulation_number",
]
PROGRAMME_FIELDS = [
    "dimension",
    "sub_dimension",
    "name",
    "description",
    "horizon",
    "start_year",
    "end_year",
    "budget",
    "funding_source",
    "agency",
    "is_quick_win",
    "bimtek_stage",
]


class YearInput(forms.NumberInput):
    def __init__(self):
        super().__init__(attrs={"min": 2017, "max": 2100, "step": 1})


class MasterPlanForm(forms.ModelForm):
    """A draft's own fields; the period rules live in ``MasterPlan.clean``."""

    main_document = PrivateFileField(
        label=_("Main document (PDF)"),
        required=False,
        validators=[validate_pdf],
        help_text=_("PDF only, at most 20 MB."),
        widget=PDF_INPUT,
    )

    class Meta:
        model = MasterPlan
        fields = [*PLAN_FIELDS, "main_document", "not_applicable"]
        field_classes = {"start_year": YearField, "end_year": YearField}
        widgets = {
            "start_year": YearInput(),
            "end_year": YearInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "not_applicable": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_applicable"].queryset = Dimension.objects.all()
        plan = self.instance
        if plan.pk and plan.main_document:
            self.fields["main_document"].widget.show_current(
                f"{plan.file_stem()}.pdf", reverse("masterplans:plan-document", args=[plan.pk])
            )


class SubDimensionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.dimension.name}: {obj.name}"


class ProgrammeForm(forms.ModelForm):
    sub_dimension = SubDimensionChoiceField(
        label=_("Sub-dimension"), queryset=SubDimension.objects.select_related("dimension"), required=False
    )

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS
        field_classes = {"start_year": YearField, "end_year": YearField, "budget": RupiahField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_year": YearInput(),
            "end_year": YearInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(min=plan.start_year, max=plan.end_year)
        self.fields["budget"].min_value = 0


class AttachmentForm(forms.ModelForm):
    file = PrivateFileField(
        label=_("File (PDF)"), validators=[validate_pdf], help_text=_("PDF only, at most 20 MB."), widget=PDF_INPUT
    )

    class Meta:
        model = PlanAttachment
        fields = ["title", "file"]


class ProgressUpdateForm(forms.ModelForm):
    evidence = PrivateFileField(
        label=_("Evidence"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 20 MB."),
        widget=PrivateFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["physical_percent", "spent", "status", "note", "evidence"]
        field_classes = {"physical_percent": PercentField, "spent": RupiahField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        update = self.instance
        if update.pk and update.evidence:
            plan = update.programme.plan
            self.fields["evidence"].widget.show_current(
                update.evidence_filename(), reverse("masterplans:evidence-download", args=[plan.pk, update.pk])
            )

    def clean_evidence(self):
        upload = self.cleaned_data["evidence"]
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already saved
            return clean_evidence(upload)
        return upload


class DecisionForm(forms.Form):
    APPROVE, REVISE = "approve", "revise"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REVISE, _("Request revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The regency's officers read this with your decision."),
        max_length=MAX_COMMENT_LENGTH,
    )


class EvidenceCheckForm(forms.Form):
    """A reviewer's finding on one update's evidence; ``seen`` is the file the page showed (``evidence_version``)."""

    status = forms.ChoiceField(
        label=_("Evidence"),
        choices=[(EvidenceStatus.VERIFIED, _("Verified")), (EvidenceStatus.REJECTED, _("Rejected"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: the regency's officers read it to fix the evidence."),
        max_length=MAX_COMMENT_LENGTH,
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, update, **kwargs):
        kwargs.setdefault("prefix", f"check-{update.pk}")
        kwargs.setdefault("initial", {"seen": update.evidence_version()})
        super().__init__(*args, **kwargs)
        self.update = update

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == EvidenceStatus.REJECTED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the evidence is rejected, so the regency's officers can fix it."))
        return cleaned
