from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminIntegerFieldWidget
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from mou.models import Cohort, Goal, MoU, SigningEvent
from mou.numbers import WholeNumberField, YearField
from mou.validators import validate_pdf

# Years (``PositiveSmallIntegerField`` here) in digits only; targets in digits or grouped, ``1.000`` being a thousand.
NUMBER_FIELDS = {
    models.PositiveSmallIntegerField: {"form_class": YearField, "widget": AdminIntegerFieldWidget},
    models.PositiveIntegerField: {"form_class": WholeNumberField},
}


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    formfield_overrides = NUMBER_FIELDS
    list_display = ["year", "label", "target"]
    list_filter = ["year"]
    search_fields = ["label", "source"]


@admin.register(SigningEvent)
class SigningEventAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "venue", "city", "cohort"]
    list_filter = ["cohort"]
    list_select_related = ["cohort"]
    search_fields = ["title", "venue", "city", "note"]
    date_hierarchy = "date"


class MoUAdminForm(forms.ModelForm):
    """The admin builds the rest of the form from ``MoUAdmin``; this adds the PDF check to the scan."""

    document = forms.FileField(required=False, validators=[validate_pdf])


@admin.register(MoU)
class MoUAdmin(SimpleHistoryAdmin):
    """The same rules as the staff pages: PDF scans only, and no way here to turn demo into real or back, to move an
    MoU to another regency, or to end one without the reason the staff page asks for."""

    form = MoUAdminForm
    list_display = ["regency", "cohort", "signed_on", "status", "is_demo"]
    list_filter = ["status", "cohort", "is_demo", "regency__province"]
    list_select_related = ["regency", "cohort"]
    search_fields = ["regency__name", "regency__code", "ministry_number", "regency_number", "regency_signatory_name"]
    autocomplete_fields = ["regency"]
    date_hierarchy = "signed_on"

    def get_readonly_fields(self, request, obj=None):
        fixed = ["is_demo", "status", "ended_on"]
        return [*fixed, "regency"] if obj else fixed


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    formfield_overrides = NUMBER_FIELDS
    list_display = ["name", "target", "deadline_year", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "source"]
