from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024


def validate_size(upload):
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(MAX_DOCUMENT_SIZE)}, code="too_large"
        )


def validate_pdf(upload):
    """Accept a real PDF of at most 20 MB, judged by its content (pypdf must read its pages), not by its name."""
    validate_size(upload)
    upload.seek(0)
    header = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in header:
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
    try:
        pages = len(PdfReader(upload).pages)
    except Exception:  # pypdf raises many kinds of error on malformed input; any of them means "not readable"
        pages = 0
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(_("The PDF file is damaged or has no pages."), code="broken_pdf")
