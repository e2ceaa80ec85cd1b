from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "smartcity.accounts"
    label = "accounts"
    verbose_name = _("Accounts and API tokens")

    def ready(self):
        from smartcity.accounts import signals  # noqa: F401  (connects the sign-in receivers)
