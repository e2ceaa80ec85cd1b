"""Two-factor sign-in: the six-digit code of an authenticator app (django-otp's TOTP device), or one of ten one-time
recovery codes (``models.RecoveryCodes``), after the password.

A sign-in with the password alone makes a session that may do one thing, which ``middleware.TwoFactorMiddleware``
enforces on every page, API call and the admin site: enter a code, if the person has set up an app (``VERIFY``), or
set one up, if their role requires it (``SET_UP``: ``TWO_FACTOR_ROLES``). The session keeps which (``STATE_KEY``),
decided once when the person signs in, so pages spend no query on it.
"""

import base64
import math
import secrets

import django_otp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartcity import roles
from smartcity.accounts import services
from smartcity.accounts.choices import ROLE_GROUPS, Role, SecurityAction
from smartcity.accounts.models import RecoveryCode, RecoveryCodes, hash_token, normalise_recovery_code
from smartcity.accounts.people import name_of

STATE_KEY = "_two_factor"
VERIFY, SET_UP, DONE = "verify", "set_up", "done"
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 letters and digits, none easily mistaken for another


def required_for(user):
    """Whether ``user`` must use two-factor sign-in: their role is one of ``TWO_FACTOR_ROLES`` (a superuser when any
    role is). make run's demo accounts are exempt while DEBUG is on, so the demo works without a phone."""
    required = {ROLE_GROUPS[Role(role)] for role in settings.TWO_FACTOR_ROLES}
    if not required:
        return False
    names = set(user.groups.values_list("name", flat=True))
    if settings.DEBUG and roles.DEMO_ACCOUNTS in names:
        return False
    return user.is_superuser or bool(names & required)


def app_of(user):
    """The person's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def state_for(user):
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return SET_UP if required_for(user) else DONE


def begin(request, user):
    """At sign-in: what the new session must do before anything else. Returns the state."""
    state = request.session[STATE_KEY] = state_for(user)
    return state


def pending(request):
    """The step left to a signed-in session (``VERIFY`` or ``SET_UP``), or None once it has none."""
    session = getattr(request, "session", None)
    state = session.get(STATE_KEY) if session is not None else None
    return state if state in (VERIFY, SET_UP) else None


def _finish(request, device):
    django_otp.login(request, device)
    request.session[STATE_KEY] = DONE
    request.session.cycle_key()  # the session that passed the second step is a new one


def new_app(user):
    """The app being set up: made on the first look at the set-up page and the same on each look until it is
    confirmed, so a reload keeps the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_of(device):
    """The app's secret as people type it into an app: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def qr_code(device):
    """The app's set-up link as an inline SVG QR code (no image request, no style attribute: the CSP allows it)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, omitsize=True, svgclass="qr-code", lineclass=None
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup, of a link it encoded


def _renew_codes(user):
    device, _made = RecoveryCodes.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    device.codes.all().delete()
    codes = []
    for _number in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _letter in range(10))  # 50 random bits
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=hash_token(normalise_recovery_code(code))) for code in codes
    )
    device.throttle_reset()
    return codes


def confirm_app(request, device_id, code):
    """Confirm the app being set up with a code it shows. Returns the new recovery codes (shown once), or None for a
    wrong code; the app replaces any earlier one, and the session has passed its second step."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        # A wrong code is counted (the throttle), so nothing here may roll the transaction back.
        if device is None or not device.verify_token(code):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _renew_codes(user)
        services.log_own(SecurityAction.TWO_FACTOR_ENABLED, request, user)
    _finish(request, device)
    return codes


def wait_seconds(user, *, setting_up=False):
    """How many seconds before the next code may be tried after wrong ones (django-otp's throttle doubles the wait
    with each), 0 if one may be tried now: for the app being set up, or for the app and the recovery codes."""
    devices = [new_app(user)] if setting_up else [app_of(user), RecoveryCodes.objects.filter(user=user).first()]
    now, waits = timezone.now(), [0]
    for device in devices:
        if device is not None:
            allowed, info = device.verify_is_allowed()
            if not allowed and info and info.get("locked_until"):
                waits.append(math.ceil((info["locked_until"] - now).total_seconds()))
    return max(waits)


def verify(request, code):
    """The second step of a sign-in: an app's code (six digits) or a recovery code. Returns the kind of code that
    passed (``"app"`` or ``"recovery"``), or None; each attempt is in the security log."""
    user = request.user
    code = "".join(str(code).split())
    kind = "app" if code.isdigit() and len(code) == 6 else "recovery"
    model = TOTPDevice if kind == "app" else RecoveryCodes
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        passed = device is not None and device.verify_token(code)
        left = device.codes.count() if passed and kind == "recovery" else None
        action = SecurityAction.TWO_FACTOR_PASSED if passed else SecurityAction.TWO_FACTOR_FAILED
        services.log_own(action, request, user, code=kind, **({} if left is None else {"codes_left": left}))
    if not passed:
        return None
    _finish(request, device)
    return kind


def codes_left(user):
    device = RecoveryCodes.objects.filter(user=user).first()
    return device.codes.count() if device else 0


def renew_codes(request):
    """New recovery codes in place of the old ones, which stop working. Returns them (shown once)."""
    with transaction.atomic():
        codes = _renew_codes(request.user)
        services.log_own(SecurityAction.RECOVERY_CODES_RENEWED, request, request.user)
    return codes


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()


def turn_off(request):
    """The person's own choice, where their role does not require it: their app and codes are removed."""
    with transaction.atomic():
        _remove_devices(request.user)
        services.log_own(SecurityAction.TWO_FACTOR_DISABLED, request, request.user)
    request.session[STATE_KEY] = DONE


def reset(actor, target_id):
    """A ministry admin's help for a person who lost their phone: their app and codes are removed and their
    sessions end, so they sign in again with the password and set up a new app (where their role requires one)."""
    with transaction.atomic():
        target = services.lock_target(actor, target_id)
        if (
            not TOTPDevice.objects.filter(user=target).exists()
            and not RecoveryCodes.objects.filter(user=target).exists()
        ):
            raise ValidationError(_("%(name)s has no two-factor sign-in to reset.") % {"name": name_of(target)})
        _remove_devices(target)
        sessions = services.end_sessions(target)
        services.log(SecurityAction.TWO_FACTOR_RESET, actor, target, sessions=sessions)
    return target
