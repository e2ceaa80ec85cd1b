"""Evidence photos are decoded in full before they are stored: damaged files, files that only start like an image
and decompression bombs are form errors (never a 500 or an escaping Pillow warning), and the stored photo, the one
that is served, carries no EXIF and so no GPS position."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from masterplans.models import ProgressUpdate
from masterplans.validators import MAX_IMAGE_PIXELS
from tests.factories import pdf_bytes

ORIENTATION, GPS_IFD = 0x0112, 0x8825


def image_bytes(kind="PNG", size=(64, 48), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, kind, **options)
    return buffer.getvalue()


def photo_with_gps():
    """A phone-like JPEG: GPS position (Muara Enim), camera, a comment, and an orientation to apply (90° turn)."""
    exif = Image.Exif()
    exif[0x010F] = "Kamera Ponsel"  # Make
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "S", 2: (3.0, 39.0, 36.0), 3: "E", 4: (103.0, 46.0, 12.0)})
    return image_bytes("JPEG", size=(80, 40), exif=exif, comment=b"Jl. Jend. Sudirman 1", quality=90)


def progress_url(plan, programme):
    return reverse("masterplans:progress-update", args=[plan.pk, programme.pk, 2023, 4])


def post_evidence(client, officer, approved, name, content):
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    data["evidence"] = SimpleUploadedFile(name, content)
    return client.post(progress_url(approved, approved.programmes.first()), data)


def test_a_photo_is_stored_without_its_gps_position_or_other_metadata(client, officer, approved):
    original = Image.open(io.BytesIO(photo_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)  # the upload does carry a position

    response = post_evidence(client, officer, approved, "IMG_0001.JPG", photo_with_gps())

    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence.name.endswith(".jpg")
    served = client.get(reverse("masterplans:evidence-download", args=[approved.pk, update.pk]))
    content = b"".join(served.streaming_content)
    stored = Image.open(io.BytesIO(content))
    assert stored.format == "JPEG"
    assert not stored.getexif()  # no GPS, no camera, no orientation: nothing
    assert "exif" not in stored.info and "comment" not in stored.info
    assert b"Sudirman" not in content and b"Kamera" not in content
    assert stored.size == (40, 80)  # the orientation was applied to the pixels, so the photo stays upright


def test_a_png_is_stored_as_its_decoded_pixels_without_text_or_exif(client, officer, approved):
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (3.0, 39.0, 36.0)})
    upload = image_bytes("PNG", exif=exif) + b"<script>trailing bytes</script>"

    assert post_evidence(client, officer, approved, "peta.png", upload).status_code == 302

    with ProgressUpdate.objects.get().evidence.open("rb") as stored:
        content = stored.read()
    assert b"<script>" not in content
    image = Image.open(io.BytesIO(content))
    assert (image.format, image.size) == ("PNG", (64, 48)) and not image.getexif()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("foto.png", image_bytes("PNG", size=(400, 300))[:300], id="truncated-png"),
        pytest.param("foto.jpg", image_bytes("JPEG", size=(400, 300))[:400], id="truncated-jpeg"),
        pytest.param("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, id="png-header-and-zeros"),
        pytest.param("foto.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", id="png-header-and-html"),
        pytest.param("foto.jpg", b"\xff\xd8\xff" + b"junk" * 50, id="jpeg-header-and-junk"),
    ],
)
def test_a_file_that_does_not_decode_is_refused(client, officer, approved, name, content):
    response = post_evidence(client, officer, approved, name, content)

    assert response.status_code == 200
    assert "damaged or incomplete" in " ".join(response.context["form"].errors["evidence"])
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((8000, 7000), id="56-megapixels-under-pillows-own-limit"),
        pytest.param((10_000, 10_000), id="100-megapixels-pillow-warns"),
        pytest.param((20_000, 20_000), id="400-megapixels-pillow-refuses"),
    ],
)
def test_a_decompression_bomb_is_a_form_error(client, officer, approved, size):
    bomb = image_bytes("PNG", size=size, mode="1")  # a few kilobytes on disk
    assert len(bomb) < 100_000 and size[0] * size[1] > MAX_IMAGE_PIXELS

    response = post_evidence(client, officer, approved, "bom.png", bomb)  # a Pillow warning would fail the test

    assert response.status_code == 200
    assert "at most 50 megapixels" in " ".join(response.context["form"].errors["evidence"])
    assert not ProgressUpdate.objects.exists()


def test_a_pdf_stays_as_it_came(client, officer, approved):
    document = pdf_bytes()

    assert post_evidence(client, officer, approved, "bukti.pdf", document).status_code == 302

    with ProgressUpdate.objects.get().evidence.open("rb") as stored:
        assert stored.read() == document
