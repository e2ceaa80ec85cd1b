from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mou.choices import ENDED_STATUSES
from mou.models import DOCUMENT_FIELDS, MoU, SigningEvent
from mou.tabular import MAX_IMPORT_SIZE
from mou.validators import validate_pdf
from regencies.models import Regency


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MoUForm(forms.ModelForm):
    """Record or edit an MoU. The rules live in ``MoU.clean``; this form adds the document check."""

    document = forms.FileField(
        label=_("Scanned document (PDF)"),
        required=False,
        validators=[validate_pdf],
        help_text=_("PDF only, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
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
        widgets = {"signed_on": DateInput(), "valid_until": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = Regency.objects.active().select_related("province")
        self.fields["event"].queryset = SigningEvent.objects.select_related("cohort")
        self.fields["signed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["source"].widget = forms.Textarea(attrs={"rows": 2})
        if self.instance.pk:
            # The regency of a recorded MoU does not change (a wrong one is ended and recorded again), even one
            # that has since left the register.
            self.fields["regency"].disabled = True
            self.fields["regency"].queryset = Regency.objects.select_related("province")

    def _update_errors(self, errors):
        """The model's rules may name a field this form does not show (``ended_on``): show those on top."""
        hidden = [
            name for name in getattr(errors, "error_dict", {}) if name not in self.fields and name != NON_FIELD_ERRORS
        ]
        for name in hidden:
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)


class EndMoUForm(forms.Form):
    status = forms.ChoiceField(label=_("How it ended"), choices=[(s.value, s.label) for s in ENDED_STATUSES])
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("Kept in the MoU's history."))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("At most 5 MB. The first row names the columns; see the template below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
