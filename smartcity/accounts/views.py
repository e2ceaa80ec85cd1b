"""The people pages for ministry admins (``accounts.manage_people``): the list, invitations, each person's role,
regencies and status, and the security log (``accounts.view_securityevent``); and the page where an invited person
accepts. Every change goes through ``smartcity.accounts.services``."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from regencies.views import FilteredListView
from smartcity.accounts import bulk, services, two_factor
from smartcity.accounts.choices import Role, SecurityAction
from smartcity.accounts.filters import (
    ApiTokenFilterSet,
    InvitationFilterSet,
    PersonFilterSet,
    SecurityEventFilterSet,
)
from smartcity.accounts.forms import (
    AcceptInvitationForm,
    AddRegenciesForm,
    BulkInviteForm,
    DeactivateForm,
    InviteForm,
    MoveForm,
    OwnTokenForm,
    PasswordResetForm,
    RoleForm,
)
from smartcity.accounts.models import ApiToken, Invitation, SecurityEvent, hash_token
from smartcity.accounts.people import describe, membership_periods, name_of, people

# Where the open invitation's hash waits between the link and the form, so the secret leaves the address bar.
INVITATION_SESSION_KEY = "_invitation_key"
# What the link's secret is replaced by in the address once it is in the session (as Django's password reset does).
SET_PASSWORD = "set-password"


class PeopleAccessMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the sign-in page; signed-in users without the permission get 403."""

    permission_required = services.MANAGE_PERMISSION


def apply_errors(form, error):
    """A service's refusal on the form: by field when it names them, on the whole form otherwise."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


class PersonListView(PeopleAccessMixin, FilteredListView):
    template_name = "accounts/person_list.html"
    filterset_class = PersonFilterSet
    context_object_name = "people"

    def get_base_queryset(self):
        return people()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for person in context["people"]:
            describe(person)
        context["open_invitations"] = Invitation.objects.open().count()
        return context


class InviteView(PeopleAccessMixin, View):
    template_name = "accounts/invite.html"

    def page(self, form):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={"form": form, "invitation_days": settings.INVITATION_DAYS},
        )

    def get(self, request):
        return self.page(InviteForm())

    def post(self, request):
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = services.invite(
                    request.user,
                    data["email"],
                    data["role"],
                    regencies=data["regencies"],
                    organisation=data["organisation"],
                    confirm_admin=data["confirm_admin"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(email)s is invited. The link in the email works once, until %(date)s.")
                    % {"email": invitation.email, "date": date_label(invitation.expires_at)},
                )
                return redirect("accounts:invitation-list")
        return self.page(form)


def date_label(moment):
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


class InvitationListView(PeopleAccessMixin, FilteredListView):
    template_name = "accounts/invitation_list.html"
    filterset_class = InvitationFilterSet
    context_object_name = "invitations"

    def get_base_queryset(self):
        return Invitation.objects.select_related("invited_by", "user").prefetch_related("regencies")


class InvitationActionView(PeopleAccessMixin, View):
    """Send an open invitation again (a new link) or revoke it; back to the list either way."""

    http_method_names = ["post"]
    actions = {"resend": services.resend, "revoke": services.revoke}

    def post(self, request, pk, action):
        invitation = get_object_or_404(Invitation, pk=pk)
        try:
            self.actions[action](request.user, invitation.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if action == "resend":
                messages.success(
                    request,
                    _("A new link is on its way to %(email)s; the earlier one no longer works.")
                    % {"email": invitation.email},
                )
            else:
                messages.success(request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email})
        return redirect("accounts:invitation-list")


class PersonMixin(PeopleAccessMixin):
    """A page about one account: ``self.person``, described, and ``self.refusal``, why this admin may not change it."""

    @cached_property
    def person(self):
        return describe(get_object_or_404(people(), pk=self.kwargs["pk"]))

    @cached_property
    def refusal(self):
        return services.refusal(self.request.user, self.person)

    def context(self, **kwargs):
        return {"person": self.person, "refusal": self.refusal, **kwargs}

    def done(self, message):
        messages.success(self.request, message)
        return redirect("accounts:person-detail", pk=self.person.pk)

    def refused(self, template, **kwargs):
        return render(self.request, template, self.context(**kwargs), status=403)


class PersonDetailView(PersonMixin, TemplateView):
    template_name = "accounts/person_detail.html"

    def get_context_data(self, **kwargs):
        person = self.person
        events = (
            SecurityEvent.objects.filter(target=person)
            .select_related("actor", "target")
            .order_by("-created_at", "-pk")[:20]
        )
        return self.context(
            periods=membership_periods(person),
            events=list(events),
            tokens=ApiToken.objects.usable().filter(user=person).count(),
            locked_until=services.lockout_ends(username=person.get_username()),
            two_factor_required=two_factor.required_for(person),
            **kwargs,
        )


class PersonRoleView(PersonMixin, View):
    template_name = "accounts/person_role.html"

    def get(self, request, pk):
        return render(request, self.template_name, self.context(form=RoleForm(person=self.person)))

    def post(self, request, pk):
        form = RoleForm(request.POST, person=self.person)
        if self.refusal:
            return self.refused(self.template_name, form=None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_role(
                    request.user,
                    self.person.pk,
                    data["role"],
                    regencies=data["regencies"],
                    organisation=data["organisation"],
                    confirm_admin=data["confirm_admin"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return self.done(_("The role of %(name)s is changed.") % {"name": name_of(self.person)})
        return render(request, self.template_name, self.context(form=form))


class PersonRegenciesView(PersonMixin, View):
    """An officer's regencies: add some, move one to another regency, or end one. Each change keeps its history."""

    template_name = "accounts/person_regencies.html"

    def page(self, status=200, add_form=None, move_forms=None):
        move_forms = move_forms or {}
        memberships = [
            (membership, move_forms.get(membership.pk) or MoveForm(prefix=f"move-{membership.pk}"))
            for membership in self.person.regency_memberships.all()
        ]
        context = self.context(memberships=memberships, add_form=add_form or AddRegenciesForm())
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk, **kwargs):
        return self.page()

    def post(self, request, pk, membership=None, action="add"):
        if self.refusal:
            return self.page(status=403)
        if action == "add":
            form = AddRegenciesForm(request.POST)
            if form.is_valid():
                try:
                    services.add_regencies(request.user, self.person.pk, form.cleaned_data["regencies"])
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    return self.done(_("%(name)s now acts for more regencies/cities.") % {"name": name_of(self.person)})
            return self.page(add_form=form)
        if action == "move":
            form = MoveForm(request.POST, prefix=f"move-{membership}")
            if form.is_valid():
                try:
                    services.move_membership(request.user, self.person.pk, membership, form.cleaned_data["regency"])
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    return self.done(
                        _("%(name)s now acts for %(regency)s.")
                        % {"name": name_of(self.person), "regency": form.cleaned_data["regency"].name}
                    )
            return self.page(move_forms={membership: form})
        try:
            services.end_membership(request.user, self.person.pk, membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:person-regencies", pk=self.person.pk)
        return self.done(_("The membership is ended; its history is kept."))


class PersonDeactivateView(PersonMixin, View):
    template_name = "accounts/person_deactivate.html"

    def get(self, request, pk):
        return render(request, self.template_name, self.context(form=DeactivateForm()))

    def post(self, request, pk):
        form = DeactivateForm(request.POST)
        if self.refusal:
            return self.refused(self.template_name, form=None)
        if form.is_valid():
            try:
                services.deactivate(request.user, self.person.pk, form.cleaned_data["reason"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return self.done(
                    _("%(name)s is deactivated: their sessions have ended and their API tokens are revoked.")
                    % {"name": name_of(self.person)}
                )
        return render(request, self.template_name, self.context(form=form))


class PersonReactivateView(PersonMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.reactivate(request.user, self.person.pk)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("accounts:person-detail", pk=self.person.pk)
        return self.done(_("%(name)s can sign in again.") % {"name": name_of(self.person)})


class PersonLiftLockoutView(PersonMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.lift_lockout(request.user, self.person.pk)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("accounts:person-detail", pk=self.person.pk)
        return self.done(_("%(name)s can sign in again now.") % {"name": name_of(self.person)})


class PersonTwoFactorResetView(PersonMixin, View):
    """For a person who lost their phone: their app and recovery codes go, and they are signed out."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            two_factor.reset(request.user, self.person.pk)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("accounts:person-detail", pk=self.person.pk)
        return self.done(
            _(
                "%(name)s's two-factor sign-in is reset and they are signed out. They set up a new app when they next "
                "sign in."
            )
            % {"name": name_of(self.person)}
        )


@never_cache
def locked_out(request, original_response=None, credentials=None):
    """The sign-in page for an account or address that django-axes has locked out (``AXES_LOCKOUT_CALLABLE``),
    with status 429 and when to try again."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    ends = services.lockout_ends(username=username, address=services.client_address(request))
    context = {"until": date_label(ends) if ends else None, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)


class SecurityLogView(PermissionRequiredMixin, FilteredListView):
    permission_required = "accounts.view_securityevent"
    template_name = "accounts/security_log.html"
    filterset_class = SecurityEventFilterSet
    context_object_name = "events"

    def get_base_queryset(self):
        return SecurityEvent.objects.select_related("actor", "target")


@method_decorator([sensitive_post_parameters("password1", "password2"), never_cache], name="dispatch")
class InvitationAcceptView(View):
    """The link from the email: its secret is swapped for its hash in the session and the address loses it (like
    Django's password reset), then the person sets their name and password; the account is made with the role."""

    template_name = "accounts/invitation_accept.html"

    def invitation(self, request, token):
        key = request.session.get(INVITATION_SESSION_KEY) if token == SET_PASSWORD else hash_token(token)
        return Invitation.objects.select_related("invited_by").filter(key_hash=key).first() if key else None

    def invalid(self, request, invitation):
        context = {"problem": services.invitation_problem(invitation)}
        return render(request, "accounts/invitation_invalid.html", context, status=404 if invitation is None else 410)

    def get(self, request, token):
        invitation = self.invitation(request, token)
        if services.invitation_problem(invitation):
            return self.invalid(request, invitation)
        if token != SET_PASSWORD:
            request.session[INVITATION_SESSION_KEY] = invitation.key_hash
            return redirect("accounts:invitation", token=SET_PASSWORD)
        return render(
            request, self.template_name, {"invitation": invitation, "form": AcceptInvitationForm(invitation=invitation)}
        )

    def post(self, request, token):
        invitation = self.invitation(request, SET_PASSWORD) if token == SET_PASSWORD else None
        if services.invitation_problem(invitation):
            return self.invalid(request, invitation)
        form = AcceptInvitationForm(request.POST, invitation=invitation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.accept(
                    invitation.key_hash,
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    password=data["password1"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if request.user.is_authenticated:
                    logout(request)  # whoever was signed in here, the browser is now the invited person's
                request.session.pop(INVITATION_SESSION_KEY, None)
                messages.success(
                    request,
                    _("Your account is ready. Sign in with your email address, %(email)s, and the password you chose.")
                    % {"email": user.email},
                )
                return redirect("login")
        return render(request, self.template_name, {"invitation": invitation, "form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, with the bilingual email. Each link sent is in the security log; the page says the
    same whether or not the address has an account."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        for user in form.get_users(form.cleaned_data["email"]):
            services.log_own(SecurityAction.PASSWORD_RESET_REQUESTED, self.request, user)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.log_own(SecurityAction.PASSWORD_RESET, self.request, form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.log_own(SecurityAction.PASSWORD_CHANGED, self.request, form.user)
        return response


def token_rows(tokens):
    """Tokens, newest first, each with its ``state`` for the lists: in use, expired or revoked."""
    now = timezone.now()
    rows = list(tokens)
    for token in rows:
        if token.revoked_at is not None:
            token.state = _("Revoked")
        elif token.expires_at <= now:
            token.state = _("Expired")
        else:
            token.state = _("In use")
    return rows


class ProfileView(LoginRequiredMixin, View):
    """A person's own page: their role, regencies and organisation, their API tokens, and (partners) a form for a
    new read-only token, whose secret is shown once, on the page that answers the form."""

    template_name = "accounts/profile.html"

    def page(self, form=None, new_token=None, status=200):
        user = self.request.user
        person = describe(get_object_or_404(people(), pk=user.pk))
        context = {
            "person": person,
            "tokens": token_rows(ApiToken.objects.filter(user=user)),
            "can_create_token": services.can_create_own_token(user),
            "form": form or OwnTokenForm(),
            "new_token": new_token,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.page()

    def post(self, request):
        if not services.can_create_own_token(request.user):
            raise PermissionDenied(_("Only partners create their own API tokens; ask a ministry admin for one."))
        form = OwnTokenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, raw = services.create_own_token(
                    request.user, name=data["name"], scope=data["scope"], days=data["days"], request=request
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return self.page(new_token={"token": token, "raw": raw})
        return self.page(form=form, status=400)


class TokenRevokeView(LoginRequiredMixin, View):
    """Revoke a token: one's own from the profile, anyone's (ministry admins) from the token list. A token the
    user may not revoke is a 404."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            token = services.revoke_token(request.user, pk, request=request)
        except ApiToken.DoesNotExist as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The token %(name)s is revoked.") % {"name": str(token)})
        back = request.POST.get("next")
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return redirect(back)
        return redirect("accounts:profile")


class TokenListView(PeopleAccessMixin, FilteredListView):
    """Every API token, for ministry admins to see whose they are and revoke them."""

    template_name = "accounts/token_list.html"
    filterset_class = ApiTokenFilterSet
    context_object_name = "tokens"

    def get_base_queryset(self):
        return ApiToken.objects.select_related("user", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = token_rows(context["tokens"])
        return context


# Where a bulk invitation's rows wait between the preview and the confirmation: the session, never a file on disk.
BULK_SESSION_KEY = "accounts_bulk_invite"


class BulkInviteView(PeopleAccessMixin, View):
    """Step one of a bulk invitation: upload a CSV and see what each row would do. Nothing is saved here."""

    template_name = "accounts/invite_bulk.html"

    def page(self, form, preview=None, token="", filename=""):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "preview": preview,
                "token": token,
                "filename": filename,
                "required_columns": bulk.REQUIRED_COLUMNS,
                "optional_columns": bulk.OPTIONAL_COLUMNS,
                "roles": [(role, role_labels(role)) for role in Role if role != Role.ADMIN],
                "max_rows": bulk.MAX_ROWS,
                "invitation_days": settings.INVITATION_DAYS,
            },
        )

    def get(self, request):
        return self.page(BulkInviteForm())

    def post(self, request):
        form = BulkInviteForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        filename = form.cleaned_data["file"].name[:100]
        return self.preview(form, form.rows, filename)

    def preview(self, form, rows, filename, preview=None):
        """Show ``preview`` (or that of ``rows``) and keep the rows in the session for the confirmation."""
        if preview is None:
            preview = bulk.validate(rows)
        token = uuid.uuid4().hex
        self.request.session[BULK_SESSION_KEY] = {
            "token": token,
            "filename": filename,
            "rows": rows,
            "outcome": preview.outcome(),
        }
        return self.page(form, preview=preview, token=token, filename=filename)


def role_labels(role):
    """A role's label in each language of the portal, for the accepted values of the bulk file."""
    labels = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.append(str(role.label))
    return list(dict.fromkeys(labels))


class BulkInviteConfirmView(BulkInviteView):
    """Step two: invite every valid row of the preview in one transaction, or none if anything changed meanwhile."""

    def get(self, request):
        return redirect("accounts:invite-bulk")

    def post(self, request):
        pending = request.session.get(BULK_SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("token"):
            messages.error(request, _("This preview has expired. Please upload the file again."))
            return redirect("accounts:invite-bulk")
        preview, saved = bulk.apply(request.user, pending["rows"], pending["outcome"])
        if not saved:
            messages.error(
                request,
                _("Some rows changed since the preview, so nobody was invited. Please check the new preview."),
            )
            return self.preview(BulkInviteForm(), pending["rows"], pending["filename"], preview)
        del request.session[BULK_SESSION_KEY]
        messages.success(
            request,
            _("%(invited)d people are invited; %(rejected)d rows were skipped.")
            % {"invited": len(preview.valid_rows), "rejected": preview.rejected},
        )
        return redirect("accounts:invitation-list")


class BulkInviteTemplateView(PeopleAccessMixin, View):
    """A CSV to start a bulk invitation from."""

    def get(self, request):
        response = HttpResponse(bulk.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="invitations.csv"'
        return response
