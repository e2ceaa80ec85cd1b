from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regencies.choices import RegencyKind


class RegisterQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class RegisterEntry(models.Model):
    """What provinces and regencies share: a Kemendagri code, a name, and whether the current register lists it.

    A row the register drops is kept, inactive, while other records point to it (see ``load_regions``).
    """

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(
        _("in the current register"), default=True, help_text=_("Off when the Kemendagri register no longer lists it.")
    )

    objects = RegisterQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    def is_referenced(self):
        """Whether any other record points to this row, found through every reverse relation Django knows of."""
        for relation in self._meta.related_objects:
            if relation.related_model._default_manager.filter(**{relation.field.name: self}).exists():
                return True
        return False


class Province(RegisterEntry):
    """A province (provinsi), with its two-digit Kemendagri code such as ``16``."""

    code = models.CharField(
        _("code"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$", _("Two digits, e.g. 16."))]
    )

    class Meta(RegisterEntry.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Regency(RegisterEntry):
    """A regency (kabupaten) or city (kota), with its Kemendagri code such as ``16.03``."""

    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{2}\.\d{2}$", _("Province and regency digits, e.g. 16.03."))],
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RegencyKind.choices)
    province = models.ForeignKey(Province, models.PROTECT, related_name="regencies", verbose_name=_("province"))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta(RegisterEntry.Meta):
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=RegencyKind.values), name="regency_kind_valid"),
        ]

    def get_absolute_url(self):
        return reverse("regencies:regency-detail", kwargs={"slug": self.slug})


class RegencyMembership(models.Model):
    """Links a regency officer to a regency they act for now; an officer may serve more than one.

    A row is a current membership: moving an officer or ending their membership deletes it, and the history keeps
    who acted for which regency from when to when, and who made or ended it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="regency_memberships", verbose_name=_("user")
    )
    regency = models.ForeignKey(Regency, models.PROTECT, related_name="memberships", verbose_name=_("regency/city"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regency membership")
        verbose_name_plural = _("regency memberships")
        ordering = ["regency__code", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "regency"], name="one_membership_per_user_regency")]

    def __str__(self):
        return f"{self.user} – {self.regency}"
