"""The portal's roles. Each is a Django group, created by a migration; group names are stable identifiers."""

from django.utils.translation import gettext_lazy as _

MINISTRY_ADMIN = "Ministry admin"
MINISTRY_REVIEWER = "Ministry reviewer"
REGENCY_OFFICER = "Regency officer"
PARTNER = "Partner"

ROLES = {
    MINISTRY_ADMIN: _("Ministry admin"),
    MINISTRY_REVIEWER: _("Ministry reviewer"),
    REGENCY_OFFICER: _("Regency officer"),
    PARTNER: _("Partner"),
}

# Accounts made by ``seed_demo`` belong to this group as well, so they are marked as demo wherever they show.
DEMO_ACCOUNTS = "Demo accounts"
