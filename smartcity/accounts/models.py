import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.accounts.choices import TokenScope

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
