import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from regencies.choices import RegencyKind
from regencies.models import Province, Regency


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering filter with labels that follow each request's language: its own descending labels
    ("Name (descending)") are formatted once, when the filter set is defined, in whatever language is active then."""

    def build_choices(self, fields, labels):
        descending = lazy(lambda label: self.descending_fmt % label, str)
        ascending = [(param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()]
        return [
            choice
            for param, label in ascending
            for choice in ((param, label), (f"-{param}", labels.get(f"-{param}", descending(label))))
        ]


class StrictFilterSet(django_filters.FilterSet):
    """A filterset that rejects query parameters it does not know, instead of silently ignoring them.

    A typo such as ``?provnce=16`` would otherwise return the whole unfiltered list. Views and the API share
    these filtersets; ``extra_parameters`` names the non-filter parameters a caller may send (paging, sorting).
    """

    extra_parameters = ("page",)

    def unknown_parameters(self):
        allowed = set(self.filters) | set(self.extra_parameters)
        return sorted(key for key in self.data if key not in allowed)

    def is_valid(self):
        valid = super().is_valid()
        unknown = self.unknown_parameters()
        if unknown:
            self.form.add_error(
                None,
                _("Unknown filter parameter: %(names)s.") % {"names": ", ".join(unknown)},
            )
        return valid and not unknown


def province_filter(field_name="province"):
    """The province filter every list shares: a two-digit Kemendagri code, anything else is refused."""
    return django_filters.ModelChoiceFilter(
        label=_("Province"),
        field_name=field_name,
        queryset=Province.objects.all(),
        to_field_name="code",
        empty_label=_("All provinces"),
        error_messages={"invalid_choice": _("Unknown province code: %(value)s.")},
    )


class RegencyFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(
        label=_("Name or code"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    province = province_filter()
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=RegencyKind.choices,
        empty_label=_("Regencies and cities"),
        error_messages={"invalid_choice": _("Unknown kind: %(value)s. Use kabupaten or kota.")},
    )

    class Meta:
        model = Regency
        fields = ["q", "province", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value)) if value else queryset
