import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from smartcity.accounts import services
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
