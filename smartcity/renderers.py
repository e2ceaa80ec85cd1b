"""How forms render: through TEMPLATES (so templates/ can override Django's widget templates), each field as the
portal's field group (``templates/forms/field.html``), whose help text and errors carry the ids that Django's
``aria-describedby`` on the input names."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
