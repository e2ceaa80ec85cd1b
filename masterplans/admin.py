"""The taxonomy is edited here by ministry admins. Plans, programmes and progress are shown read-only: they change
only through the workflow pages, which check roles and statuses and record every step."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate, SubDimension


class SubDimensionInline(admin.TabularInline):
    model = SubDimension
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "name_en", "order"]
    search_fields = ["code", "name_id", "name_en"]
    inlines = [SubDimensionInline]


@admin.register(SubDimension)
class SubDimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "name_en", "dimension", "order"]
    list_filter = ["dimension"]
    list_select_related = ["dimension"]
    search_fields = ["code", "name_id", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanEventInline(admin.TabularInline):
    model = PlanEvent
    fields = ["created_at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(MasterPlan)
class MasterPlanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "regency", "version", "status", "start_year", "end_year", "is_demo"]
    list_filter = ["status", "is_demo", "mou__cohort"]
    list_select_related = ["regency"]
    search_fields = ["title", "regency__name", "regency__code"]
    exclude = ["main_document"]  # files are served only by the portal's access-checked views
    inlines = [PlanEventInline]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "plan", "dimension", "horizon", "budget", "funding_source"]
    list_filter = ["dimension", "horizon", "funding_source", "is_quick_win"]
    list_select_related = ["plan", "dimension"]
    search_fields = ["name", "agency", "plan__regency__name"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["programme", "year", "quarter", "physical_percent", "spent", "status", "evidence_status"]
    list_filter = ["status", "evidence_status", "year", "quarter"]
    list_select_related = ["programme"]
    search_fields = ["programme__name"]
    exclude = ["evidence"]
