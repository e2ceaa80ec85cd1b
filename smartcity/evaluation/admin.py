from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from smartcity.evaluation import services
from smartcity.evaluation.models import BimtekSession, Criterion, Part, Round, Weighting, weight_problems


class PartFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        parts = [form.instance for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        total = sum(part.weight or 0 for part in parts)
        if parts and total != 100:
            raise ValidationError(_("The parts' weights add up to %(total)d, not 100.") % {"total": total})


class PartInline(admin.TabularInline):
    model = Part
    formset = PartFormSet
    extra = 0


class LockedMixin:
    """A weighting that a published round used, and its parts and criteria, can only be read."""

    def weighting_of(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and self.weighting_of(obj).is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and self.weighting_of(obj).rounds.exists())


@admin.register(Weighting)
class WeightingAdmin(LockedMixin, admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    inlines = [PartInline]
    actions = ["copy_as_new_version"]

    @admin.action(description=_("Copy as a new version"))
    def copy_as_new_version(self, request, queryset):
        for weighting in queryset:
            copy = services.new_version(weighting)
            self.message_user(request, _("%(copy)s made from %(original)s.") % {"copy": copy, "original": weighting})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        parts = list(form.instance.parts.all())
        problems = weight_problems(parts, {part.kind: list(part.criteria.all()) for part in parts})
        for problem in problems:
            self.message_user(request, problem, messages.WARNING)


@admin.register(Criterion)
class CriterionAdmin(LockedMixin, admin.ModelAdmin):
    list_display = ["name_id", "name_en", "part", "weight", "scale"]
    list_filter = ["part__weighting", "part__kind"]
    list_select_related = ["part__weighting"]

    def weighting_of(self, obj):
        return obj.part.weighting


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    """Rounds are opened and published on the evaluation pages; the admin shows them and their history."""

    list_display = ["__str__", "status", "weighting", "closes_on", "is_demo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BimtekSession)
class BimtekSessionAdmin(SimpleHistoryAdmin):
    """Bimtek stages are recorded on the regency's dashboard page; the admin lists them and keeps their history."""

    list_display = ["regency", "stage", "started_on", "ended_on", "guide", "is_demo"]
    list_filter = ["stage", "is_demo"]
    list_select_related = ["regency"]
    search_fields = ["regency__name", "regency__code", "guide"]
    raw_id_fields = ["regency", "mou", "guide_account"]
