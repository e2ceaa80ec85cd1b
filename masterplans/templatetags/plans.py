import lokal
from django import template

register = template.Library()


@register.filter
def rupiah(amount):
    """Whole rupiah in the Indonesian form, Rp1.500.000, whatever the page's language."""
    if amount in (None, ""):
        return "—"
    return lokal.format_rupiah(amount)
