"""The admin site's titles. Each app registers its own models in its ``admin.py``."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Smart City Programme Portal")
admin.site.site_title = _("Smart City Portal")
admin.site.index_title = _("Administration")
