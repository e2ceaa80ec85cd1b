import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from regencies.models import Regency
from smartcity.accounts.choices import InvitationStatus, Role, SecurityAction, TokenScope

TOKEN_PREFIX = "sc100"


def hash_token(raw):
    """Tokens are long random strings, so a plain SHA-256 is enough to keep them unusable if the table leaks."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the API, issued by a ministry admin to a partner organisation (or an officer).

    The token is shown once when it is made; only its SHA-256 and an 8-character prefix (to recognise it in
    lists) are kept. It acts as its user, limited to reading unless its scope allows writing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “Dashboard BAPPENAS”."))
    organisation = models.CharField(_("organisation"), max_length=200)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        db_table = "smartcity_apitoken"  # the project app's table: kept when the model moved here

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def issue(self):
        """Give the token a new secret and return it: the only time the secret is known in full."""
        secret = secrets.token_urlsafe(32)
        raw = f"{TOKEN_PREFIX}_{secret}"
        self.prefix, self.key_hash = secret[:8], hash_token(raw)
        return raw

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now() and self.user.is_active

    @property
    def can_write(self):
        return self.scope == TokenScope.READ_WRITE


class Profile(models.Model):
    """What the portal keeps about a person beyond Django's user: the organisation they work for (a partner's
    ministry, university or company; the ministry's own unit). Accounts made before invitations may have none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True, related_name="profile", verbose_name=_("user")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor revoked: expired ones included, since they may be sent again."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An invitation to join the portal with a role, sent by a ministry admin as a one-time link.

    Only the SHA-256 of the link's secret is kept. Sending the email (again) gives the invitation a new secret, so
    an earlier link stops working; the account is made when the person accepts, with the role and regencies here.
    """

    email = models.EmailField(_("email address"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    regencies = models.ManyToManyField(Regency, blank=True, related_name="+", verbose_name=_("regencies/cities"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(
        _("sent at"), null=True, blank=True, help_text=_("When its latest link was emailed; empty until then.")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("account"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]
        permissions = [("manage_people", "Can invite, change and deactivate people")]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    def issue(self):
        """Give the invitation a new secret and return it: the only time it is known in full."""
        raw = secrets.token_urlsafe(32)
        self.key_hash = hash_token(raw)
        return raw

    @property
    def status(self):
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None

    def get_status_display(self):
        return self.status.label


class SecurityEvent(models.Model):
    """One line of the security log: who did what to whose account, when, from which request.

    Written by the services in ``smartcity.accounts.services`` in the same transaction as the change itself.
    ``target_email`` names the person when there is no account yet (an invitation) and stays if the account goes.
    """

    action = models.CharField(_("action"), max_length=40, choices=SecurityAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        verbose_name=_("account"),
    )
    target_email = models.CharField(_("email address"), max_length=254, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    emailed_at = models.DateTimeField(_("person told at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.target_email}"

    def summary(self):
        """What changed, in the active language, from ``details`` (which keep codes and names, in no language)."""
        details = self.details

        def role(key):
            value = details.get(key)
            return Role(value).label if value in Role.values else "—"

        def regencies(key):
            return ", ".join(details.get(key) or [])

        parts = []
        if self.action in (SecurityAction.INVITED, SecurityAction.INVITATION_ACCEPTED):
            parts.append(_("as %(role)s") % {"role": role("role")})
        if self.action == SecurityAction.ROLE_CHANGED:
            parts.append(_("from %(old)s to %(new)s") % {"old": role("from_role"), "new": role("to_role")})
        if self.action == SecurityAction.MEMBERSHIP_MOVED:
            parts.append(_("from %(old)s to %(new)s") % {"old": details["from_regency"], "new": details["to_regency"]})
        if details.get("regencies"):
            parts.append(_("regencies/cities: %(list)s") % {"list": regencies("regencies")})
        if details.get("regencies_added"):
            parts.append(_("now acts for %(list)s") % {"list": regencies("regencies_added")})
        if details.get("regencies_ended"):
            parts.append(_("no longer acts for %(list)s") % {"list": regencies("regencies_ended")})
        if details.get("organisation") and self.action != SecurityAction.ROLE_CHANGED:
            parts.append(_("organisation: %(name)s") % {"name": details["organisation"]})
        if self.action == SecurityAction.DEACTIVATED:
            parts.append(
                _("sessions ended: %(sessions)d; API tokens revoked: %(tokens)d")
                % {"sessions": details.get("sessions", 0), "tokens": details.get("tokens", 0)}
            )
        if details.get("reason"):
            parts.append(_("reason: %(reason)s") % {"reason": details["reason"]})
        if details.get("token"):
            parts.append(_("token: %(name)s") % {"name": details["token"]})
        if details.get("address"):
            parts.append(_("from address %(address)s") % {"address": details["address"]})
        return "; ".join(parts)


def normalise_recovery_code(code):
    """A recovery code as typed, in the form it is hashed in: without spaces or hyphens, lower case."""
    return "".join(code.split()).replace("-", "").lower()


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """A person's one-time recovery codes, a django-otp device of their own: each code signs in once, in place of the
    authenticator app's code, and is then gone. Only their SHA-256 is kept (each has 50 random bits, like a token's
    secret, so a plain hash is enough); wrong codes are throttled like the app's."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        used, _kinds = self.codes.filter(code_hash=hash_token(normalise_recovery_code(str(token)))).delete()
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return f"{self.device}: {self.code_hash[:8]}…"
