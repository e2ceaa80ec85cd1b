import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regencies.filters import StrictFilterSet
from regencies.models import Regency
from smartcity.accounts.choices import ROLE_GROUPS, InvitationStatus, Role, SecurityAction
from smartcity.accounts.models import ApiToken, Invitation, SecurityEvent


def search_field(label):
    return django_filters.CharFilter(label=label, method="search", widget=forms.TextInput(attrs={"type": "search"}))


class PersonFilterSet(StrictFilterSet):
    """The people list: by name, address or user name, role, regency code and status."""

    q = search_field(_("Name or email address"))
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=Role.choices,
        empty_label=_("All roles"),
        method="filter_role",
        error_messages={"invalid_choice": _("Unknown role: %(value)s.")},
    )
    regency = django_filters.CharFilter(label=_("Regency/city code"), method="filter_regency")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Deactivated"))],
        empty_label=_("Active and deactivated"),
        method="filter_status",
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )

    class Meta:
        model = get_user_model()
        fields = ["q", "role", "regency", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(email__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )

    def filter_role(self, queryset, name, value):
        return queryset.filter(groups__name=ROLE_GROUPS[Role(value)])

    def filter_regency(self, queryset, name, value):
        return queryset.filter(regency_memberships__regency__code=value.strip())

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")

    def is_valid(self):
        """A regency code must be in the register: ``?regency=99.99`` is a 400, not an empty list."""
        valid = super().is_valid()
        code = self.form.cleaned_data.get("regency", "").strip() if valid else ""
        if code and not Regency.objects.filter(code=code).exists():
            self.form.add_error("regency", _("No regency/city in the register has the code %(code)s.") % {"code": code})
            return False
        return valid


class InvitationFilterSet(StrictFilterSet):
    q = search_field(_("Email address"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=InvitationStatus.choices,
        empty_label=_("All invitations"),
        method="filter_status",
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )

    class Meta:
        model = Invitation
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(email__icontains=value.strip())

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        return {
            InvitationStatus.ACCEPTED: queryset.filter(accepted_at__isnull=False),
            InvitationStatus.REVOKED: queryset.filter(revoked_at__isnull=False),
            InvitationStatus.EXPIRED: queryset.open().filter(expires_at__lte=now),
            InvitationStatus.PENDING: queryset.open().filter(expires_at__gt=now),
        }[value]


class SecurityEventFilterSet(StrictFilterSet):
    """The security log: by action, by whom or whose account (name, user name or address), and by day."""

    action = django_filters.ChoiceFilter(
        label=_("Action"),
        choices=SecurityAction.choices,
        empty_label=_("All actions"),
        error_messages={"invalid_choice": _("Unknown action: %(value)s.")},
    )
    q = search_field(_("By or about (name or email address)"))
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("Until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = SecurityEvent
        fields = ["action", "q", "since", "until"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = Q(target_email__icontains=value)
        for person in ("actor", "target"):
            for field in ("username", "email", "first_name", "last_name"):
                query |= Q(**{f"{person}__{field}__icontains": value})
        return queryset.filter(query)


class ApiTokenFilterSet(StrictFilterSet):
    """Every API token: by holder, organisation, name or prefix, and by whether it is in use."""

    q = search_field(_("Holder, organisation, name or prefix"))
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("usable", _("In use")), ("expired", _("Expired")), ("revoked", _("Revoked"))],
        empty_label=_("All tokens"),
        method="filter_state",
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )

    class Meta:
        model = ApiToken
        fields = ["q", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(organisation__icontains=value)
            | Q(prefix__startswith=value)
            | Q(user__username__icontains=value)
            | Q(user__email__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        return {
            "usable": queryset.filter(revoked_at__isnull=True, expires_at__gt=now),
            "expired": queryset.filter(revoked_at__isnull=True, expires_at__lte=now),
            "revoked": queryset.filter(revoked_at__isnull=False),
        }[value]
