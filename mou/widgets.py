"""A file input for private files, used by every app's forms (it lives in the first app with file fields).

Django's ``ClearableFileInput`` links the current file to ``file.url``, a media path that is never served here
(private files go through views that check access), and shows the random storage name. ``PrivateFileInput``
shows the file under the name it is downloaded with, linked to its download view, when the form says so with
``show_current``. A browser cannot keep a chosen file across a page that is shown again after an error, so
``PrivateFileField`` has the input say which file was chosen and ask for it again.
"""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _


class PrivateFileInput(forms.ClearableFileInput):
    template_name = "widgets/clearable_file_input.html"
    clear_checkbox_label = _("Remove this file")
    initial_text = _("Current file")
    input_text = _("Replace with")

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.current_name = self.current_url = None
        self.chosen_name = None  # set by ``FileBoundField`` when the form comes back with errors

    def show_current(self, name, url):
        """Show the saved file as ``name``, linked to ``url`` (a view that checks who may download it)."""
        self.current_name, self.current_url = name, url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        again = f"{widget_attrs.get('id', name)}_again"
        context["widget"].update(
            current_name=self.current_name,
            current_url=self.current_url,
            chosen_name=self.chosen_name,
            choose_again_id=again,
        )
        if self.chosen_name:
            widget_attrs["aria-describedby"] = " ".join(filter(None, [again, widget_attrs.get("aria-describedby")]))
        return context


class FileBoundField(BoundField):
    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        if isinstance(widget, PrivateFileInput):  # each form has its own copy of the widget
            chosen = self.data if self.form.is_bound and self.form.errors else None
            widget.chosen_name = chosen.name if isinstance(chosen, UploadedFile) else None
        return super().as_widget(widget, attrs, only_initial)


class PrivateFileField(forms.FileField):
    """A file field whose input shows the saved file by name, and asks again for a file chosen before an error."""

    widget = PrivateFileInput
    bound_field_class = FileBoundField
