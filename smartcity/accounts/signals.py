"""Sign-ins, refused sign-ins (Django's own signals) and lock-outs (django-axes') into the security log with the
caller's address."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from smartcity.accounts import services, two_factor
from smartcity.accounts.choices import SecurityAction

# When the session last saw its person, in seconds since the epoch (``middleware.IdleSessionMiddleware``).
LAST_SEEN_KEY = "_last_seen"


def _from_a_visitor(request):
    """A sign-in through a page, not one made in code without a request to answer (the test client's
    ``force_login``, a shell)."""
    return request is not None and getattr(request, "resolver_match", None) is not None


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())
        two_factor.begin(request, user)
    if _from_a_visitor(request):
        services.log_own(SecurityAction.SIGNED_IN, request, user)


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if _from_a_visitor(request):
        services.log_failed_sign_in(request, str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def locked_out(sender, request, username=None, **kwargs):
    """Once, on the failure that reaches the limit: axes sends this again on each refused attempt while locked out,
    which it does not count (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` off), so those carry no count."""
    if _from_a_visitor(request) and getattr(request, "axes_failures_since_start", None) is not None:
        services.log_lockout(request, username)
