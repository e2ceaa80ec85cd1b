"""Reading people: the accounts of the people pages with what they show, each account's role, and who acted for
which regency from when to when (from the memberships' history)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Prefetch
from django_otp.plugins.otp_totp.models import TOTPDevice

from regencies.models import RegencyMembership
from smartcity import roles
from smartcity.accounts.choices import Role
from smartcity.accounts.models import Profile


def people():
    """Accounts with their groups, regencies and profile in three queries more, whatever their number, and whether
    each has two-factor sign-in (``has_two_factor``)."""
    return (
        get_user_model()
        .objects.select_related("profile")
        .annotate(has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .prefetch_related(
            Prefetch("groups", Group.objects.order_by("name")),
            Prefetch(
                "regency_memberships", RegencyMembership.objects.select_related("regency").order_by("regency__code")
            ),
        )
        .order_by("first_name", "last_name", "username")
    )


def name_of(user):
    return user.get_full_name() or user.get_username()


def role_of(user):
    """The account's role: the first of the four, in ``Role``'s order, among its groups (read once, prefetched or
    not); None for an account without one, such as a superuser made on the command line."""
    names = {group.name for group in user.groups.all()}
    return next((role for role in Role if role.group_name in names), None)


def is_demo(user):
    return any(group.name == roles.DEMO_ACCOUNTS for group in user.groups.all())


def describe(user):
    """Set what the pages show of ``user`` (its groups and memberships prefetched) on it, and return it."""
    user.role = role_of(user)
    user.is_demo = is_demo(user)
    user.regencies = [membership.regency for membership in user.regency_memberships.all()]
    user.organisation = organisation_of(user)
    return user


def regency_label(regency):
    """How a regency is named where the text is kept (the security log): its code and name, in no one language."""
    return f"{regency.code} {regency.name}"


def organisation_of(user):
    try:
        return user.profile.organisation
    except Profile.DoesNotExist:
        return ""


def membership_periods(user):
    """Each time ``user`` acted for a regency, newest first: the regency, from and until when (None: still), and who
    started and ended it. Read from the memberships' history, in one query."""
    records = (
        RegencyMembership.history.filter(user_id=user.pk)
        .select_related("regency", "history_user")
        .order_by("history_date", "history_id")
    )
    current, periods = {}, []
    for record in records:
        if record.history_type == "+":
            current[record.id] = {
                "regency": record.regency,
                "started": record.history_date,
                "started_by": record.history_user,
                "ended": None,
                "ended_by": None,
            }
            periods.append(current[record.id])
        elif record.history_type == "-":
            period = current.pop(record.id, None)
            if period is None:  # made before its history was kept, and never recorded
                period = {"regency": record.regency, "started": None, "started_by": None}
                periods.append(period)
            period.update(ended=record.history_date, ended_by=record.history_user)
    return sorted(periods, key=lambda period: (period["ended"] is None, period["ended"] or period["started"]))[::-1]
