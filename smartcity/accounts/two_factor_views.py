"""A person's own two-factor sign-in: setting up an authenticator app, the second step of signing in, new recovery
codes and (where the role allows) turning it off. The rules are in ``smartcity.accounts.two_factor``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from smartcity.accounts import two_factor
from smartcity.accounts.forms import AppCodeForm, ConfirmPasswordForm, SecondStepForm


def next_url(request):
    """Where to go once the step is done: the ``next`` the sign-in carried, if it is on this portal."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe else settings.LOGIN_REDIRECT_URL


def try_code(form, attempt, wait):
    """Run ``attempt`` unless wrong codes make the person wait; else put why on the form. Returns what it returned."""
    if wait:
        message = ngettext(
            "Too many wrong codes: wait %(seconds)d second, then try again.",
            "Too many wrong codes: wait %(seconds)d seconds, then try again.",
            wait,
        )
        form.add_error("code", message % {"seconds": wait})
        return None
    result = attempt()
    if result is None:
        form.add_error("code", _("That code is not right. Type the code the app shows now."))
    return result


def show_codes(request, codes, *, next_url=None):
    """The page that shows new recovery codes: the only time they are shown."""
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url})


@method_decorator(never_cache, name="dispatch")
class TwoFactorView(LoginRequiredMixin, View):
    """The person's two-factor sign-in: whether it is on, recovery codes left, and what they may do about it."""

    template_name = "accounts/two_factor.html"

    def page(self, form=None, status=200):
        user = self.request.user
        context = {
            "app": two_factor.app_of(user),
            "codes_left": two_factor.codes_left(user),
            "required": two_factor.required_for(user),
            "form": form or ConfirmPasswordForm(user=user),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.page()

    @method_decorator(sensitive_post_parameters("password"))
    def post(self, request):
        if two_factor.app_of(request.user) is None:
            messages.error(request, _("Two-factor sign-in is off: set up an app first."))
            return redirect("accounts:two-factor")
        if request.POST.get("action") == "renew":
            return show_codes(request, two_factor.renew_codes(request))
        if request.POST.get("action") != "turn-off":
            return self.page(status=400)
        if two_factor.required_for(request.user):
            messages.error(request, _("Your role requires two-factor sign-in: it cannot be turned off."))
            return redirect("accounts:two-factor")
        form = ConfirmPasswordForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(form=form, status=400)
        two_factor.turn_off(request)
        messages.success(request, _("Two-factor sign-in is off. You sign in with your password alone."))
        return redirect("accounts:two-factor")


@method_decorator(never_cache, name="dispatch")
class SetUpView(LoginRequiredMixin, View):
    """Scan the QR code (or type the key) into an authenticator app, then confirm with a code it shows. A new app
    replaces the earlier one only once it is confirmed."""

    template_name = "accounts/two_factor_setup.html"

    def page(self, form, status=200):
        device = two_factor.new_app(self.request.user)
        context = {
            "form": form,
            "qr_code": two_factor.qr_code(device),
            "secret": two_factor.secret_of(device),
            "required": two_factor.pending(self.request) == two_factor.SET_UP,
            "replacing": two_factor.app_of(self.request.user) is not None,
            "next": next_url(self.request),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(AppCodeForm())

    def post(self, request):
        form = AppCodeForm(request.POST)
        if form.is_valid():
            device = two_factor.new_app(request.user)
            codes = try_code(
                form,
                lambda: two_factor.confirm_app(request, device.pk, form.cleaned_data["code"]),
                two_factor.wait_seconds(request.user, setting_up=True),
            )
            if codes is not None:
                return show_codes(request, codes, next_url=next_url(request))
        return self.page(form, status=400)


@method_decorator(never_cache, name="dispatch")
class VerifyView(LoginRequiredMixin, View):
    """The second step of signing in, for a person with an app: its code, or a recovery code."""

    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor.pending(request) != two_factor.VERIFY:
            return redirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "next": next_url(self.request)}, status=status)

    def get(self, request):
        return self.page(SecondStepForm())

    def post(self, request):
        form = SecondStepForm(request.POST)
        if form.is_valid():
            kind = try_code(
                form,
                lambda: two_factor.verify(request, form.cleaned_data["code"]),
                two_factor.wait_seconds(request.user),
            )
            if kind is not None:
                if kind == "recovery":
                    self.tell_codes_left(request)
                return redirect(next_url(request))
        return self.page(form, status=400)

    @staticmethod
    def tell_codes_left(request):
        left = two_factor.codes_left(request.user)
        message = ngettext(
            "You signed in with a recovery code; %(count)d is left. Make new ones on your two-factor page.",
            "You signed in with a recovery code; %(count)d are left. Make new ones on your two-factor page.",
            left,
        )
        messages.warning(request, message % {"count": left})
