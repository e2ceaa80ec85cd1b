from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mou.choices import ENDED_STATUSES
from mou.dates import DatePartsField
from mou.models import DOCUMENT_FIELDS, Cohort, Goal, MoU, SigningEvent
from mou.numbers import WholeNumberField, YearField
from mou.tabular import MAX_IMPORT_SIZE
from mou.validators import validate_pdf
from mou.widgets import PrivateFileField, PrivateFileInput
from regencies.forms import RegencyChoiceField
from regencies.models import Regency


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MoUForm(forms.ModelForm):
    """Record or edit an MoU. The rules live in ``MoU.clean``; this form adds the document check."""

    document = PrivateFileField(
        label=_("Scanned document (PDF)"),
        required=False,
        validators=[validate_pdf],
        help_text=_("PDF only, at most 20 MB."),
        widget=PrivateFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = MoU
        fields = [
            "regency",
            "cohort",
            "event",
            "signed_on",
            "valid_until",
            *DOCUMENT_FIELDS,
            "document",
            "note",
            "source",
        ]
        field_classes = {"regency": RegencyChoiceField, "signed_on": DatePartsField, "valid_until": DatePartsField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = Regency.objects.active().select_related("province")
        self.fields["event"].queryset = SigningEvent.objects.select_related("cohort")
        self.fields["source"].widget = forms.Textarea(attrs={"rows": 2})
        if self.instance.pk:
            # The regency of a recorded MoU does not change (a wrong one is ended and recorded again), even one
            # that has since left the register.
            self.fields["regency"].disabled = True
            self.fields["regency"].queryset = Regency.objects.select_related("province")
        if self.instance.pk and self.instance.document:
            self.fields["document"].widget.show_current(
                self.instance.document_filename(), reverse("mou:mou-document", args=[self.instance.pk])
            )
        self.fields["cohort"].help_text = _(
            "The cohort of the signing year. A year without a cohort needs one first: ministry admins add it "
            "on the Cohorts page."
        )
        self.missing_cohort_year = None  # the signing year, when it has no cohort yet (the page links to add one)

    def clean(self):
        cleaned_data = super().clean()
        signed_on = cleaned_data.get("signed_on")
        if signed_on and not Cohort.objects.filter(year=signed_on.year).exists():
            self.missing_cohort_year = signed_on.year
            self.add_error(
                "cohort",
                _(
                    "There is no cohort for %(year)s yet, so an MoU signed in %(year)s cannot be recorded. "
                    "A ministry admin must add the %(year)s cohort first."
                )
                % {"year": signed_on.year},
            )
        return cleaned_data

    def _update_errors(self, errors):
        """The model's rules may name a field this form does not show (``ended_on``): show those on top."""
        hidden = [
            name for name in getattr(errors, "error_dict", {}) if name not in self.fields and name != NON_FIELD_ERRORS
        ]
        for name in hidden:
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(name))
        if self.missing_cohort_year and hasattr(errors, "error_dict"):
            errors.error_dict.pop("cohort", None)  # "does not match the signing year" says less than our message
        super()._update_errors(errors)


class EndMoUForm(forms.Form):
    status = forms.ChoiceField(label=_("How it ended"), choices=[(s.value, s.label) for s in ENDED_STATUSES])
    ended_on = DatePartsField(label=_("Ended on"))
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("Kept in the MoU's history."))


class ImportForm(forms.Form):
    file = PrivateFileField(
        label=_("CSV or XLSX file"),
        help_text=_("At most 5 MB. The first row names the columns; see the template below."),
        widget=PrivateFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class CohortForm(forms.ModelForm):
    """A cohort, added or corrected by ministry admins. The year of a cohort that has MoUs stays as it is."""

    year = YearField(
        label=_("Year"),
        min_value=2017,
        max_value=2100,
        error_messages={"unique": _("A cohort for this year already exists.")},
    )
    target = WholeNumberField(label=_("Target"), min_value=1, help_text=_("How many members this cohort aimed for."))

    class Meta:
        model = Cohort
        fields = ["year", "target", "label", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(min=2017, max=2100, step=1)
        self.fields["label"].required = False
        self.fields["label"].help_text = _("Left empty: “Angkatan” and the year, such as Angkatan 2024.")
        if self.instance.pk and self.instance.mous.exists():
            self.fields["year"].disabled = True
            self.fields["year"].help_text = _("The year cannot change: MoUs signed that year belong to this cohort.")

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("label") and cleaned_data.get("year"):
            cleaned_data["label"] = f"Angkatan {cleaned_data['year']}"  # data, named as the real cohorts are
        return cleaned_data


class GoalForm(forms.ModelForm):
    """A headline goal (such as 100 members), added or changed by ministry admins as the programme grows."""

    target = WholeNumberField(label=_("Target number of members"), min_value=1)
    deadline_year = YearField(label=_("Deadline year"), required=False, min_value=2017, max_value=2100)

    class Meta:
        model = Goal
        fields = ["name", "target", "deadline_year", "is_active", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"unique": _("A goal with this name already exists.")}}
