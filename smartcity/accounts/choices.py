from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcity import roles


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


# What a person may choose as their own token's lifetime, in days.
OWN_TOKEN_DAYS = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("one year"))]


class Role(models.TextChoices):
    """The four roles a ministry admin may give, each one of the groups in ``smartcity.roles``."""

    ADMIN = "admin", _("Ministry admin")
    REVIEWER = "reviewer", _("Ministry reviewer")
    OFFICER = "officer", _("Regency officer")
    PARTNER = "partner", _("Partner")

    @property
    def group_name(self):
        return ROLE_GROUPS[self]


ROLE_GROUPS = {
    Role.ADMIN: roles.MINISTRY_ADMIN,
    Role.REVIEWER: roles.MINISTRY_REVIEWER,
    Role.OFFICER: roles.REGENCY_OFFICER,
    Role.PARTNER: roles.PARTNER,
}
GROUP_ROLES = {group: role for role, group in ROLE_GROUPS.items()}


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the person")
    EXPIRED = "expired", _("Expired")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class SecurityAction(models.TextChoices):
    INVITED = "invited", _("Invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBERSHIP_ADDED = "membership_added", _("Regency/city added")
    MEMBERSHIP_MOVED = "membership_moved", _("Moved to another regency/city")
    MEMBERSHIP_ENDED = "membership_ended", _("Regency/city membership ended")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SESSION_EXPIRED = "session_expired", _("Signed out after being idle")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset link sent")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
    LOCK_OUT_LIFTED = "lock_out_lifted", _("Lock-out lifted")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in set up")
    TWO_FACTOR_PASSED = "two_factor_passed", _("Second step of sign-in passed")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong two-factor code")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("New recovery codes made")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset by an admin")


# Actions after which the person concerned is told by email what they may now do.
ACCESS_CHANGES = {
    SecurityAction.ROLE_CHANGED,
    SecurityAction.MEMBERSHIP_ADDED,
    SecurityAction.MEMBERSHIP_MOVED,
    SecurityAction.MEMBERSHIP_ENDED,
}
