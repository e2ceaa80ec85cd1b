from pathlib import PurePath

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from masterplans.validators import clean_evidence
from mou.dates import DatePartsField
from mou.models import MAX_TEXT_LENGTH
from mou.numbers import PercentField
from mou.widgets import PrivateFileField, PrivateFileInput
from smartcity import roles
from smartcity.evaluation.choices import EvidenceStatus, Scale
from smartcity.evaluation.models import BimtekSession, Round, Weighting, weight_problems
from smartcity.evaluation.services import ASSESS


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["year", "weighting", "opens_on", "closes_on", "note"]
        field_classes = {"opens_on": DatePartsField, "closes_on": DatePartsField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weighting"].queryset = Weighting.objects.prefetch_related("parts__criteria")

    def clean_weighting(self):
        weighting = self.cleaned_data["weighting"]
        parts = list(weighting.parts.all())
        problems = weight_problems(parts, {part.kind: list(part.criteria.all()) for part in parts})
        if problems:
            raise forms.ValidationError(problems)
        return weighting


class AnswersForm(forms.Form):
    """One value and one note per criterion, named ``answer-<id>-value`` / ``answer-<id>-note`` (or the assessor's
    ``confirmed_value`` and ``assessor_note``): the field names the services' errors use."""

    def __init__(self, *args, answers, value_field="value", note_field="note", prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers, self.value_field, self.note_field = answers, value_field, note_field
        prefill = prefill or {}
        for answer in answers:
            criterion = answer.criterion
            value = getattr(answer, value_field)
            if criterion.scale == Scale.CHOICE:
                field = forms.TypedChoiceField(
                    choices=[("", _("Not chosen yet")), *[(str(s), name) for s, name in criterion.choice_list()]],
                    coerce=lambda text: PercentField().to_python(text),
                    empty_value=None,
                    required=False,
                )
                initial = "" if value is None else str(value.normalize())
            else:
                field = PercentField(required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2)
                initial = prefill.get(answer.pk, value)
            confirming = value_field == "confirmed_value"
            names = {"criterion": criterion.name}
            field.label = (
                _("Confirmed value for %(criterion)s") if confirming else _("Value for %(criterion)s")
            ) % names
            field.help_text = criterion.description
            self.fields[self.value_name(answer)] = field
            self.initial[self.value_name(answer)] = initial
            self.fields[self.note_name(answer)] = forms.CharField(
                label=(_("Assessor's note on %(criterion)s") if confirming else _("Note on %(criterion)s")) % names,
                required=False,
                max_length=MAX_TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial[self.note_name(answer)] = getattr(answer, note_field)

    def value_name(self, answer):
        return f"answer-{answer.pk}-{self.value_field}"

    def note_name(self, answer):
        return f"answer-{answer.pk}-{self.note_field}"

    def rows(self):
        """Each answer with its two bound fields, for the template."""
        return [(answer, self[self.value_name(answer)], self[self.note_name(answer)]) for answer in self.answers]

    def values(self):
        return {
            answer.pk: (self.cleaned_data[self.value_name(answer)], self.cleaned_data[self.note_name(answer)].strip())
            for answer in self.answers
        }


class EvidenceForm(forms.Form):
    answer = forms.TypedChoiceField(label=_("Criterion"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = PrivateFileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 20 MB."),
        widget=PrivateFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    programme = forms.TypedChoiceField(
        label=_("Or a programme of the approved plan"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Its quarterly progress updates are the evidence."),
    )

    def __init__(self, *args, answers, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [(answer.pk, answer.criterion.name) for answer in answers]
        self.fields["programme"].choices = [("", "—"), *[(p.pk, p.name) for p in programmes]]

    def clean_file(self):
        """The checked upload, stored as ``evidence.<kind>``; without a title it is listed by the name it was sent
        under, so that officers and assessors recognise it."""
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        if not self.cleaned_data.get("title"):
            self.cleaned_data["title"] = PurePath(upload.name).name[: self.fields["title"].max_length]
        return clean_evidence(upload)

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("programme")):
            self.add_error("file", _("Choose a file, or one of the plan's programmes, not both."))
        return data


class CheckEvidenceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Verification"),
        choices=[(EvidenceStatus.VERIFIED, _("Verified")), (EvidenceStatus.REJECTED, _("Rejected"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the evidence is rejected."),
    )


def assessors():
    """Active users who may confirm self-assessments (ministry reviewers)."""
    User = get_user_model()
    perm = Q(
        groups__permissions__codename=ASSESS.split(".")[1], groups__permissions__content_type__app_label="evaluation"
    )
    return User.objects.filter(perm, is_active=True).distinct().order_by("username")


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(label=_("Assessor"), queryset=None, required=False, empty_label=_("Nobody yet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors()


def ministry_staff():
    """Active ministry admins and reviewers: the accounts a bimtek guide may have on the portal."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=[roles.MINISTRY_ADMIN, roles.MINISTRY_REVIEWER], is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class BimtekSessionForm(forms.ModelForm):
    """One bimtek stage of a member: its regency, MoU and stage come from the page, not from the form."""

    class Meta:
        model = BimtekSession
        fields = ["started_on", "ended_on", "guide", "guide_account", "note"]
        field_classes = {"started_on": DatePartsField, "ended_on": DatePartsField, "guide_account": StaffChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide_account"].queryset = ministry_staff()
        self.fields["guide_account"].empty_label = _("None")
