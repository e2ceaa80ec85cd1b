import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from smartcity.accounts import services, two_factor
from smartcity.accounts.choices import SecurityAction
from smartcity.accounts.signals import LAST_SEEN_KEY

# The session notes a visit at most this often, so a signed-in page costs a session write once a minute, not always.
TOUCH_EVERY = 60


class IdleSessionMiddleware:
    """Sign a person out once ``SESSION_IDLE_MINUTES`` have passed since their last request (after
    ``AuthenticationMiddleware``, so the page that follows is an anonymous visitor's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now, seen = int(time.time()), request.session.get(LAST_SEEN_KEY)
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                user = request.user
                logout(request)
                services.log_own(SecurityAction.SESSION_EXPIRED, request, user, minutes=settings.SESSION_IDLE_MINUTES)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity. Sign in again to go on.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif seen is None or now - seen >= TOUCH_EVERY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A session signed in with the password alone reaches only its second step: the page for the app's code, or
    (where the role requires two-factor sign-in and none is set up) the set-up page, besides signing out and the
    language switch. Anything else leads there: pages by a redirect that comes back, the API by a JSON 403."""

    STEPS = {two_factor.VERIFY: "accounts:two-factor-verify", two_factor.SET_UP: "accounts:two-factor-setup"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            state = request.session.get(two_factor.STATE_KEY) or two_factor.begin(request, request.user)
            if state in self.STEPS and request.path_info not in self.open_paths(state):
                return self.refuse(request, state)
        return self.get_response(request)

    def open_paths(self, state):
        return {reverse(self.STEPS[state]), reverse("logout"), reverse("set_language")}

    def refuse(self, request, state):
        step = reverse(self.STEPS[state])
        if request.path_info.startswith("/api/"):
            detail = (
                _("Finish signing in first: enter the code from your authenticator app at %(url)s.")
                if state == two_factor.VERIFY
                else _("Finish signing in first: set up two-factor sign-in at %(url)s.")
            )
            return JsonResponse({"detail": detail % {"url": step}}, status=403)
        if request.method == "GET":
            step += "?" + urlencode({"next": request.get_full_path()})
        return redirect(step)
