import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, JpegImagePlugin

from mou.validators import validate_pdf, validate_size

# Evidence of progress is often a photo; images are recognised by their first bytes, not by their names, and are
# then decoded in full: a PNG header followed by anything else is not a photo.
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
IMAGE_FORMATS = {"png": ["PNG"], "jpg": ["JPEG"]}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
# 50 megapixels: above any phone camera's photo, and a bound on the memory one decoded upload may take (a
# "decompression bomb" is a small file that claims enormous dimensions).
MAX_IMAGE_PIXELS = 50_000_000


def evidence_kind(upload):
    """``"pdf"``, ``"png"`` or ``"jpg"`` for an acceptable evidence file; raises ``ValidationError`` otherwise.

    An image must decode in full (``decoded_image``); a PDF must pass ``validate_pdf``."""
    kind, image = inspect(upload)
    if image is not None:
        image.close()
    return kind


def validate_evidence(upload):
    evidence_kind(upload)


def inspect(upload):
    """The kind of an acceptable evidence file, with its decoded image (``None`` for a PDF)."""
    validate_size(upload)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return kind, decoded_image(upload, kind)
    if b"%PDF-" in head or b"%PDF-" in upload.read(1024):
        upload.seek(0)
        validate_pdf(upload)
        return "pdf", None
    upload.seek(0)
    raise ValidationError(_("Evidence must be a PDF document or a PNG or JPEG photo."), code="bad_evidence")


def decoded_image(upload, kind):
    """The image in ``upload``, decoded in full (a loaded ``PIL.Image``, for the caller to close);
    ``ValidationError`` for a file that is damaged, truncated, not of ``kind`` or larger than ``MAX_IMAGE_PIXELS``.
    Pillow's own bomb check (its warning and its error) is answered as too large too, whatever its global limit."""
    formats = IMAGE_FORMATS[kind]
    image = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=formats) as checked:  # reads the header: format and dimensions
                check_pixels(checked)
                checked.verify()  # the file's structure and checksums, without decoding the pixels
            upload.seek(0)
            image = Image.open(upload, formats=formats)  # verify() leaves an image unusable: open it again
            check_pixels(image)
            image.load()  # decodes every pixel: a truncated file fails here
        return image
    except Exception as exc:
        if image is not None:
            image.close()
        if isinstance(exc, ValidationError):
            raise
        if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
            raise too_large() from None
        # Pillow raises many kinds of error on malformed input; any of them means "not readable".
        raise ValidationError(
            _("The photo is damaged or incomplete: it cannot be read as a PNG or JPEG image."), code="broken_image"
        ) from None
    finally:
        upload.seek(0)


def check_pixels(image):
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise too_large()


def too_large():
    return ValidationError(
        _("The photo has too many pixels: at most %(limit)s megapixels are accepted.")
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_too_large",
    )


def clean_evidence(upload):
    """An acceptable evidence upload as it is to be stored and served, named ``evidence.<kind>``.

    A PDF is kept as it came. A photo is stored as Pillow writes it from the decoded pixels, with no metadata: no
    EXIF (where a phone keeps the GPS position, the camera and the time), XMP, comments or PNG text, so that
    downloading evidence never tells where it was taken. Its EXIF orientation is applied to the pixels first, so
    the photo stays upright; its colour profile is kept."""
    kind, image = inspect(upload)
    if image is None:
        # The same content under the stored name; the upload keeps its own, which the form names after an error.
        return UploadedFile(upload.file, "evidence.pdf", "application/pdf", upload.size, upload.charset)
    with image:
        content = without_metadata(image, kind)
    return SimpleUploadedFile(f"evidence.{kind}", content, CONTENT_TYPES[kind])


def without_metadata(image, kind):
    """``image`` written again as ``kind`` with its pixels, orientation, colour profile and (PNG) transparency."""
    upright = ImageOps.exif_transpose(image)
    options = {"icc_profile": image.info.get("icc_profile")}
    if kind == "jpg":
        # The original's quantisation tables and chroma subsampling: the same quality, not Pillow's default 75.
        options.update(qtables=getattr(image, "quantization", None), subsampling=JpegImagePlugin.get_sampling(image))
    elif "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    upright.info = {}  # nothing of the original's metadata goes along (Pillow copies a JPEG's comment from here)
    output = io.BytesIO()
    upright.save(output, format=IMAGE_FORMATS[kind][0], **{k: v for k, v in options.items() if v is not None})
    return output.getvalue()
