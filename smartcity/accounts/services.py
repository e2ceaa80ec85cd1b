"""Changing people, for the people pages: invitations, roles, regencies and deactivation.

Each function checks who may do it and to whom (``refusal``), runs in a transaction holding a row lock on what it
changes, and writes its entry in the security log in the same transaction; emails go out after it commits. A role
is one of the four groups and nothing else: no function here sets staff, superuser or a permission, whatever a
form was sent. Refusals are ``PermissionDenied`` (this user may not) or ``ValidationError`` (not now, or not with
this input), with messages fit to show.
"""

import datetime
import logging
from importlib import import_module

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.throttling import BaseThrottle

from regencies.models import RegencyMembership
from smartcity.accounts import tasks
from smartcity.accounts.choices import (
    ACCESS_CHANGES,
    ROLE_GROUPS,
    InvitationStatus,
    Role,
    SecurityAction,
    TokenScope,
)
from smartcity.accounts.models import ApiToken, Invitation, Profile, SecurityEvent, hash_token
from smartcity.accounts.people import name_of, organisation_of, regency_label, role_of
from smartcity.logs import current_request_id

MANAGE_PERMISSION = "accounts.manage_people"
logger = logging.getLogger(__name__)


def can_manage_people(user):
    return user.is_active and user.has_perm(MANAGE_PERMISSION)


def refusal(actor, target):
    """Why ``actor`` may not change ``target``'s account, or None. Nobody changes their own role, regencies or
    status (another admin must), and only a superuser changes a superuser."""
    if target.pk == actor.pk:
        return _("You cannot change your own role, regencies or account. Ask another ministry admin.")
    if target.is_superuser and not actor.is_superuser:
        return _("Only a superuser may change a superuser's account.")
    return None


def _require_manager(actor):
    if not can_manage_people(actor):
        raise PermissionDenied(_("Only ministry admins manage people."))


def lock_target(actor, target_id):
    _require_manager(actor)
    target = get_user_model().objects.select_for_update().get(pk=target_id)
    reason = refusal(actor, target)
    if reason:
        raise PermissionDenied(reason)
    return target


def log(action, actor, target=None, email="", **details):
    return SecurityEvent.objects.create(
        action=action,
        actor=actor,
        target=target,
        target_email=email or (target.email if target else ""),
        details=details,
        request_id=current_request_id() or "",
    )


def after_commit(task, *args):
    """Queue ``task`` once the transaction commits. A broker that is down is logged and the change stands: the
    invitations page shows an email not sent, to send again."""

    def send():
        try:
            task.delay(*args)
        except BrokerError as error:
            logger.error("Could not queue %s%s: %s", task.name, args, error)

    transaction.on_commit(send)


def _tell(event):
    if event.action in ACCESS_CHANGES and event.target_id:
        after_commit(tasks.send_access_email, event.pk)
    return event


def email_in_use(email):
    """Why ``email`` cannot be invited, or None: an account has it (as address or user name), or an invitation to
    it is still open."""
    users = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    user = users.first()
    if user is not None:
        if not user.is_active:
            return _("A deactivated account has this address: reactivate it from its page instead.")
        return _("An account with this address exists already.")
    if Invitation.objects.open().filter(email__iexact=email).exists():
        return _("An invitation to this address is still open: send it again or revoke it on the invitations page.")
    return None


def role_problems(role, *, regencies, organisation, confirm_admin, has_regencies=False):
    """What a role needs, by field: officers a regency, partners an organisation, admins an explicit confirmation.
    Regencies are for officers alone."""
    problems = {}
    if role == Role.OFFICER and not regencies and not has_regencies:
        problems["regencies"] = _("An officer acts for at least one regency/city: give its code.")
    if role != Role.OFFICER and regencies:
        problems["regencies"] = _("Only regency officers act for regencies/cities: clear this field or pick that role.")
    if role == Role.PARTNER and not organisation:
        problems["organisation"] = _("Name the partner's organisation.")
    if role == Role.ADMIN and not confirm_admin:
        problems["confirm_admin"] = _("Confirm that this person is to be a ministry admin.")
    return problems


def _require_role_fields(role, **fields):
    problems = role_problems(role, **fields)
    if problems:
        raise ValidationError(problems)


def _expiry():
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)


def invite(actor, email, role, *, regencies=(), organisation="", confirm_admin=False):
    """Invite ``email`` with ``role``; the email with the link goes out once this commits."""
    _require_manager(actor)
    role, email, organisation = Role(role), email.strip().lower(), organisation.strip()
    _require_role_fields(role, regencies=regencies, organisation=organisation, confirm_admin=confirm_admin)
    with transaction.atomic():
        problem = email_in_use(email)
        if problem:
            raise ValidationError({"email": problem})
        invitation = Invitation(
            email=email, role=role, organisation=organisation, invited_by=actor, expires_at=_expiry()
        )
        invitation.issue()  # a secret nobody knows: the email is sent with a new one (``notifications``)
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError as error:  # another admin invited the same address just now
            raise ValidationError({"email": email_in_use(email) or str(error)}) from error
        invitation.regencies.set(regencies)
        log(
            SecurityAction.INVITED,
            actor,
            email=email,
            role=role.value,
            regencies=[regency_label(regency) for regency in regencies],
            organisation=organisation,
        )
        after_commit(tasks.send_invitation_email, invitation.pk)
    return invitation


def _lock_open_invitation(actor, invitation_id):
    _require_manager(actor)
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    if invitation.accepted_at is not None:
        raise ValidationError(_("The invitation to %(email)s has been accepted already.") % {"email": invitation.email})
    if invitation.revoked_at is not None:
        raise ValidationError(_("The invitation to %(email)s has been revoked already.") % {"email": invitation.email})
    return invitation


def resend(actor, invitation_id):
    """A new link for an open invitation, valid for the full period again; the earlier link stops working now."""
    with transaction.atomic():
        invitation = _lock_open_invitation(actor, invitation_id)
        invitation.issue()
        invitation.expires_at, invitation.sent_at = _expiry(), None
        invitation.save(update_fields=["key_hash", "expires_at", "sent_at"])
        log(SecurityAction.INVITATION_RESENT, actor, email=invitation.email)
        after_commit(tasks.send_invitation_email, invitation.pk)
    return invitation


def revoke(actor, invitation_id):
    with transaction.atomic():
        invitation = _lock_open_invitation(actor, invitation_id)
        invitation.revoked_at, invitation.revoked_by = timezone.now(), actor
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        log(SecurityAction.INVITATION_REVOKED, actor, email=invitation.email)
    return invitation


def invitation_for(raw):
    """The invitation of a link's secret, or None."""
    return Invitation.objects.select_related("invited_by").filter(key_hash=hash_token(raw)).first() if raw else None


def invitation_problem(invitation):
    """Why a link cannot be used, for the person who opened it; None when it can."""
    if invitation is None:
        return _(
            "This invitation link is not valid. If you were sent a newer invitation, use the link in that email; "
            "otherwise ask the ministry admin who invited you for a new one."
        )
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        return _("This invitation has been used already. Sign in with your email address and password.")
    if status == InvitationStatus.REVOKED:
        return _("This invitation has been withdrawn. Ask a ministry admin if you still need an account.")
    if status == InvitationStatus.EXPIRED:
        return _("This invitation has expired. Ask the ministry admin who invited you to send it again.")
    return None


def accept(key_hash, *, first_name, last_name, password):
    """Make the account of an invitation, with its role, regencies and organisation, and close the invitation.
    The password has passed Django's validators (``forms.AcceptInvitationForm``)."""
    User = get_user_model()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(key_hash=key_hash).first()
        problem = invitation_problem(invitation)
        if problem:
            raise ValidationError(problem)
        if User.objects.filter(Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email)).exists():
            raise ValidationError(_("An account with this address exists already. Sign in with it instead."))
        user = User(username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name)
        user.set_password(password)
        user.save()
        role = Role(invitation.role)
        user.groups.add(Group.objects.get(name=role.group_name))
        Profile.objects.create(user=user, organisation=invitation.organisation)
        regencies = list(invitation.regencies.order_by("code"))
        for regency in regencies:
            _start_membership(user, regency, invitation.invited_by)
        invitation.accepted_at, invitation.user = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "user"])
        log(
            SecurityAction.INVITATION_ACCEPTED,
            user,
            user,
            role=role.value,
            regencies=[regency_label(regency) for regency in regencies],
            invited_by=invitation.invited_by.get_username() if invitation.invited_by else "",
        )
    return user


def _start_membership(user, regency, actor):
    membership = RegencyMembership(user=user, regency=regency)
    membership._history_user = actor  # simple-history's "who", when no request tells it
    membership.save()
    return membership


def _end_membership(membership, actor):
    membership._history_user = actor
    membership.delete()


def change_role(actor, target_id, role, *, regencies=(), organisation=None, confirm_admin=False):
    """Give ``target`` one of the four roles instead of the one they have. An officer who stops being one stops
    acting for their regencies (kept in the history); one who becomes an officer starts with ``regencies``."""
    role = Role(role)
    with transaction.atomic():
        target = lock_target(actor, target_id)
        before = role_of(target)
        memberships = list(target.regency_memberships.select_related("regency"))
        if organisation is None:
            organisation = organisation_of(target)
        organisation = organisation.strip()
        if role == before:
            raise ValidationError(
                {"role": _("%(name)s has the role %(role)s already.") % {"name": name_of(target), "role": role.label}}
            )
        _require_role_fields(
            role,
            regencies=regencies,
            organisation=organisation,
            confirm_admin=confirm_admin,
            has_regencies=bool(memberships),
        )
        target.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
        target.groups.add(Group.objects.get(name=role.group_name))
        ended = []
        if role != Role.OFFICER:
            for membership in memberships:
                _end_membership(membership, actor)
                ended.append(regency_label(membership.regency))
        current = {membership.regency_id for membership in memberships}
        added = [regency for regency in regencies if regency.pk not in current]
        for regency in added:
            _start_membership(target, regency, actor)
        Profile.objects.update_or_create(user=target, defaults={"organisation": organisation})
        event = log(
            SecurityAction.ROLE_CHANGED,
            actor,
            target,
            from_role=before.value if before else "",
            to_role=role.value,
            regencies_added=[regency_label(regency) for regency in added],
            regencies_ended=ended,
            organisation=organisation,
        )
        _tell(event)
    return target


def _require_officer(target):
    if role_of(target) != Role.OFFICER:
        raise ValidationError(
            _("%(name)s is not a regency officer: change their role first.") % {"name": name_of(target)}
        )


def add_regencies(actor, target_id, regencies):
    """Let an officer act for more regencies."""
    with transaction.atomic():
        target = lock_target(actor, target_id)
        _require_officer(target)
        current = set(target.regency_memberships.values_list("regency_id", flat=True))
        known = [regency_label(regency) for regency in regencies if regency.pk in current]
        if known:
            raise ValidationError(
                {
                    "regencies": _("%(name)s acts for %(regencies)s already.")
                    % {"name": name_of(target), "regencies": ", ".join(known)}
                }
            )
        for regency in regencies:
            _start_membership(target, regency, actor)
        event = log(
            SecurityAction.MEMBERSHIP_ADDED, actor, target, regencies=[regency_label(regency) for regency in regencies]
        )
        _tell(event)
    return target


def _lock_membership(target, membership_id):
    membership = (
        RegencyMembership.objects.select_for_update().select_related("regency").filter(pk=membership_id, user=target)
    ).first()
    if membership is None:
        raise ValidationError(_("%(name)s no longer acts for that regency/city.") % {"name": name_of(target)})
    return membership


def move_membership(actor, target_id, membership_id, regency):
    """An officer stops acting for one regency and starts acting for another, from now."""
    with transaction.atomic():
        target = lock_target(actor, target_id)
        membership = _lock_membership(target, membership_id)
        if target.regency_memberships.filter(regency=regency).exists():
            raise ValidationError(
                {
                    "regency": _("%(name)s acts for %(regency)s already.")
                    % {"name": name_of(target), "regency": regency.name}
                }
            )
        _end_membership(membership, actor)
        _start_membership(target, regency, actor)
        event = log(
            SecurityAction.MEMBERSHIP_MOVED,
            actor,
            target,
            from_regency=regency_label(membership.regency),
            to_regency=regency_label(regency),
        )
        _tell(event)
    return target


def end_membership(actor, target_id, membership_id):
    with transaction.atomic():
        target = lock_target(actor, target_id)
        membership = _lock_membership(target, membership_id)
        _end_membership(membership, actor)
        event = log(SecurityAction.MEMBERSHIP_ENDED, actor, target, regencies=[regency_label(membership.regency)])
        _tell(event)
    return target


def end_sessions(user):
    """Sign ``user`` out everywhere: delete each session signed in as them. Sessions are kept by key, not by user,
    so every unexpired one is read; the authentication backend also refuses an inactive user's session."""
    engine = import_module(settings.SESSION_ENGINE)
    model = engine.SessionStore.get_model_class()
    keys = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for key in keys:
        engine.SessionStore(session_key=key).delete()
    return len(keys)


def deactivate(actor, target_id, reason=""):
    """The account can no longer sign in: its sessions end and its API tokens are revoked at once. Its history,
    plans and log stay; it can be reactivated."""
    with transaction.atomic():
        target = lock_target(actor, target_id)
        if not target.is_active:
            raise ValidationError(_("%(name)s is deactivated already.") % {"name": name_of(target)})
        target.is_active = False
        target.save(update_fields=["is_active"])
        tokens = ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(revoked_at=timezone.now())
        sessions = end_sessions(target)
        log(SecurityAction.DEACTIVATED, actor, target, sessions=sessions, tokens=tokens, reason=reason.strip())
    return target


def reactivate(actor, target_id):
    """The account can sign in again, with the role it had; its revoked tokens stay revoked."""
    with transaction.atomic():
        target = lock_target(actor, target_id)
        if target.is_active:
            raise ValidationError(_("%(name)s is active already.") % {"name": name_of(target)})
        target.is_active = True
        target.save(update_fields=["is_active"])
        log(SecurityAction.REACTIVATED, actor, target)
    return target


def lockout_ends(*, username="", address=""):
    """When sign-in is allowed again for ``username`` or from ``address`` (the later, if both are locked out), or
    None if neither is: the last counted failure plus the cool-off, once the failures within it reach the limit."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    ends = []
    for field, value in (("username", username), ("ip_address", address)):
        if value:
            counted = recent.filter(**{field: value}).aggregate(
                failures=Sum("failures_since_start"), last=Max("attempt_time")
            )
            if (counted["failures"] or 0) >= settings.AXES_FAILURE_LIMIT:
                ends.append(counted["last"] + settings.AXES_COOLOFF_TIME)
    return max(ends, default=None)


def lift_lockout(actor, target_id):
    """Let a locked-out account sign in again now: its failed attempts are forgotten (axes' reset). Addresses stay
    locked out until their own cool-off ends."""
    with transaction.atomic():
        target = lock_target(actor, target_id)
        if lockout_ends(username=target.get_username()) is None:
            raise ValidationError(_("%(name)s is not locked out.") % {"name": name_of(target)})
        attempts = axes_reset(username=target.get_username())
        log(SecurityAction.LOCK_OUT_LIFTED, actor, target, attempts=attempts)
    return target


def log_lockout(request, username):
    """The failure that locked out an account or an address, with the name tried and the address it came from."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    return log(SecurityAction.LOCKED_OUT, None, user, email=(username or "")[:254], address=client_address(request))


def client_address(request):
    """The caller's address, by the API throttling's rule: X-Forwarded-For believed only as far as the proxies
    the operator names (``TRUSTED_PROXIES``, DRF's ``NUM_PROXIES``), else the peer's address."""
    return BaseThrottle().get_ident(request) or ""


def log_own(action, request, user, email="", **details):
    """An entry about what a person did to their own account, with the address it came from."""
    return log(action, user, user, email=email, address=client_address(request), **details)


def log_failed_sign_in(request, username):
    """A sign-in refused: for the account of ``username`` if there is one, else for the name that was tried."""
    user = get_user_model().objects.filter(Q(username__iexact=username) | Q(email__iexact=username)).first()
    return log(SecurityAction.SIGN_IN_FAILED, None, user, email=username[:254], address=client_address(request))


def _token_label(token):
    return f"{token.name} ({token.prefix}…)"


def can_create_own_token(user):
    return user.is_active and role_of(user) == Role.PARTNER


def create_own_token(user, *, name, scope, days, request=None):
    """A partner's read-only token for themselves, with their organisation. Returns the token and its secret, which
    is shown once. Writing is for tokens a ministry admin issues."""
    if not can_create_own_token(user):
        raise PermissionDenied(_("Only partners create their own API tokens; ask a ministry admin for one."))
    if scope != TokenScope.READ:
        raise ValidationError(
            {"scope": _("Partners create read-only tokens. Ask a ministry admin if you need to write through the API.")}
        )
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name.strip(),
            organisation=organisation_of(user) or name_of(user),
            scope=TokenScope.READ,
            expires_at=timezone.now() + datetime.timedelta(days=days),
            created_by=user,
        )
        raw = token.issue()
        token.save()
        log(
            SecurityAction.TOKEN_CREATED,
            user,
            user,
            token=_token_label(token),
            address=client_address(request) if request else "",
        )
    return token, raw


def revoke_token(actor, token_id, request=None):
    """Revoke a token: its holder may revoke their own, a ministry admin anyone's (a superuser's only if a
    superuser). What the actor may not revoke is ``ApiToken.DoesNotExist``, for a 404."""
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update(of=("self",)).select_related("user")
        token = tokens.get(pk=token_id)
        mine = token.user_id == actor.pk
        if not mine and not (can_manage_people(actor) and (actor.is_superuser or not token.user.is_superuser)):
            raise ApiToken.DoesNotExist
        if token.revoked_at is not None:
            raise ValidationError(_("The token %(name)s is revoked already.") % {"name": _token_label(token)})
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log(
            SecurityAction.TOKEN_REVOKED,
            actor,
            token.user,
            token=_token_label(token),
            address=client_address(request) if request else "",
        )
    return token
