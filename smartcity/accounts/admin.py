from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Ministry admins issue partner tokens here. The token is shown once, on saving a new one; it cannot be read
    again, only revoked and replaced."""

    list_display = ["name", "organisation", "user", "scope", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "organisation", "user__username", "prefix"]
    readonly_fields = ["prefix", "last_used_at", "created_by", "created_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token's holder and scope are fixed once issued: a different one is a new token.
        return [*self.readonly_fields, "user", "scope"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            raw = obj.issue()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                _("The token for %(name)s is %(token)s. Copy it now: it is not shown again.")
                % {"name": obj.name, "token": raw},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count})
