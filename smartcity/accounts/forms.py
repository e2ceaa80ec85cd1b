"""Forms of the people pages. Each has the fields it needs and no others, so a posted ``is_superuser``, ``is_staff``
or ``groups`` is never read; the services check every rule again."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from masterplans.notifications import bilingual, portal_url
from regencies.models import Regency
from smartcity.accounts import bulk, services, tasks
from smartcity.accounts.choices import OWN_TOKEN_DAYS, Role, TokenScope

CODE = re.compile(r"^\d{2}\.\d{2}$")
ADMIN_CONFIRMATION = _(
    "I confirm that this person is to be a ministry admin, who can invite people, change their roles and "
    "deactivate accounts."
)


class RegencyCodesField(forms.CharField):
    """Kemendagri codes of regencies/cities in the register (``73.71, 16.03``), as a list of ``Regency``."""

    def __init__(self, *, many=True, **kwargs):
        self.many = many
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        codes = list(dict.fromkeys(code for code in re.split(r"[\s,;]+", text) if code))
        if not codes:
            return []
        if not self.many and len(codes) > 1:
            raise forms.ValidationError(_("Give one code."), code="one")
        malformed = [code for code in codes if not CODE.match(code)]
        if malformed:
            raise forms.ValidationError(
                _("A code has two digits, a dot and two digits (73.71), not %(codes)s.")
                % {"codes": ", ".join(malformed)},
                code="malformed",
            )
        found = Regency.objects.active().in_bulk(codes, field_name="code")
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("No regency/city in the register has the code %(codes)s.") % {"codes": ", ".join(unknown)},
                code="unknown",
            )
        return [found[code] for code in codes]

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(regency.code for regency in value)
        return value


def regency_codes_field(label=None, **kwargs):
    return RegencyCodesField(
        label=label or _("Regencies/cities"),
        help_text=_("Kemendagri codes, separated by commas, e.g. 73.71 for Kota Makassar (see Regencies and cities)."),
        **kwargs,
    )


class RoleFieldsMixin:
    """The fields a role needs, checked together: officers a regency, partners an organisation, admins an
    explicit confirmation."""

    has_regencies = False

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role:
            problems = services.role_problems(
                Role(role),
                regencies=data.get("regencies") or [],
                organisation=data.get("organisation", "").strip(),
                confirm_admin=data.get("confirm_admin", False),
                has_regencies=self.has_regencies,
            )
            for field, problem in problems.items():
                if field not in self.errors:
                    self.add_error(field, problem)
        return data


def role_field(**kwargs):
    return forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect, **kwargs)


def organisation_field():
    return forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Required for partners: their ministry, university or company."),
    )


class InviteForm(RoleFieldsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=150)
    role = role_field()
    regencies = regency_codes_field(label=_("Regencies/cities (officers)"), required=False)
    organisation = organisation_field()
    confirm_admin = forms.BooleanField(label=ADMIN_CONFIRMATION, required=False)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        problem = services.email_in_use(email)
        if problem:
            raise forms.ValidationError(problem, code="in_use")
        return email


class RoleForm(RoleFieldsMixin, forms.Form):
    role = role_field()
    regencies = regency_codes_field(label=_("Regencies/cities (when becoming an officer)"), required=False)
    organisation = organisation_field()
    confirm_admin = forms.BooleanField(label=ADMIN_CONFIRMATION, required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_regencies = bool(person.regencies)
        self.fields["role"].initial = person.role
        self.fields["organisation"].initial = person.organisation


class AddRegenciesForm(forms.Form):
    regencies = regency_codes_field()


class MoveForm(forms.Form):
    regency = RegencyCodesField(
        many=False,
        label=_("Move to the regency/city"),
        help_text=_("Its Kemendagri code, e.g. 73.71."),
        max_length=5,
    )

    def clean_regency(self):
        return self.cleaned_data["regency"][0]


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the security log)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """The invited person's name and password, checked by every validator in ``AUTH_PASSWORD_VALIDATORS`` (the
    common-password list and likeness to the name and address among them)."""

    first_name = forms.CharField(label=_("Given name"), max_length=150)
    last_name = forms.CharField(
        label=_("Family name"), max_length=150, required=False, help_text=_("Leave empty if you have one name.")
    )
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        data = super().clean()
        self.validate_passwords()
        user = get_user_model()(
            username=self.invitation.email,
            email=self.invitation.email,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        self.validate_password_for_user(user)
        return data


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with its email in Indonesian then English like the portal's others, and its link on
    ``PORTAL_URL`` rather than on whatever host the request named."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        context = {**context, "url": portal_url(path), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        subject, body = bilingual("registration/password_reset_email.txt", context)
        services.after_commit(tasks.send_reset_email, subject, body, to_email)


class OwnTokenForm(forms.Form):
    """A partner's own token. ``scope`` is asked so that a request for writing is answered, not ignored."""

    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        help_text=_("e.g. “Dashboard of our office”, to recognise it in the list."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Yours read only; a token that writes is issued by a ministry admin."),
    )
    days = forms.TypedChoiceField(label=_("Valid for"), choices=OWN_TOKEN_DAYS, coerce=int, initial=90)

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        if scope != TokenScope.READ:
            raise forms.ValidationError(
                _("Partners create read-only tokens. Ask a ministry admin if you need to write through the API."),
                code="read_only",
            )
        return scope


class BulkInviteForm(forms.Form):
    """A CSV of people to invite; ``rows`` holds its cells once the file has been read (``bulk.read_csv``)."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, at most 1 MB and 1,000 people. The first row names the columns; see the template below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > bulk.MAX_SIZE:
            raise forms.ValidationError(_("The file is larger than 1 MB: split it into several files."), code="size")
        try:
            self.rows = bulk.read_csv(upload.read())
        except bulk.BulkFileError as error:
            raise forms.ValidationError(str(error), code="file") from error
        return upload


class AppCodeForm(forms.Form):
    """The six digits an authenticator app shows, to confirm it while it is set up."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Six digits; a new one every 30 seconds."),
    )


class SecondStepForm(forms.Form):
    """The second step of signing in: the app's code, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_(
            "The six digits your authenticator app shows, or one of your recovery codes (such as abcde-fghij)."
        ),
    )


class ConfirmPasswordForm(forms.Form):
    """Asks for the person's password before a step that weakens their sign-in."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
