from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from regencies.models import Province, Regency, RegencyMembership


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "regency_count", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(regency_count=Count("regencies"))

    @admin.display(description=_("regencies/cities"), ordering="regency_count")
    def regency_count(self, obj):
        return obj.regency_count


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "slug"]
    readonly_fields = ["slug"]


@admin.register(RegencyMembership)
class RegencyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "regency", "created_at"]
    list_filter = ["regency__province"]
    list_select_related = ["user", "regency"]
    search_fields = ["user__username", "user__email", "regency__name", "regency__code"]
    autocomplete_fields = ["user", "regency"]


class RegencyMembershipInline(admin.TabularInline):
    model = RegencyMembership
    extra = 0
    autocomplete_fields = ["regency"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Django's user admin, with the regencies an officer acts for edited on the same page."""

    inlines = [*UserAdmin.inlines, RegencyMembershipInline]
