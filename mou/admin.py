from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mou.models import Cohort, Goal, MoU, SigningEvent


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["year", "label", "target"]
    search_fields = ["label", "source"]


@admin.register(SigningEvent)
class SigningEventAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "venue", "city", "cohort"]
    list_filter = ["cohort"]
    list_select_related = ["cohort"]
    search_fields = ["title", "venue", "city", "note"]
    date_hierarchy = "date"


@admin.register(MoU)
class MoUAdmin(SimpleHistoryAdmin):
    list_display = ["regency", "cohort", "signed_on", "status", "is_demo"]
    list_filter = ["status", "cohort", "is_demo", "regency__province"]
    list_select_related = ["regency", "cohort"]
    search_fields = ["regency__name", "regency__code", "ministry_number", "regency_number", "regency_signatory_name"]
    autocomplete_fields = ["regency"]
    date_hierarchy = "signed_on"


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["name", "target", "deadline_year", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "source"]
