from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mou.validators import validate_pdf, validate_size

# Evidence of progress is often a photo; images are recognised by their first bytes, not by their names.
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def evidence_kind(upload):
    """``"pdf"``, ``"png"`` or ``"jpg"`` for an acceptable evidence file; raises ``ValidationError`` otherwise."""
    validate_size(upload)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if b"%PDF-" in head or b"%PDF-" in upload.read(1024):
        upload.seek(0)
        validate_pdf(upload)
        return "pdf"
    upload.seek(0)
    raise ValidationError(_("Evidence must be a PDF document or a PNG or JPEG photo."), code="bad_evidence")


def validate_evidence(upload):
    evidence_kind(upload)
