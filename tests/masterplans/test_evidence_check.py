"""Ministry reviewers (and admins) check the evidence of progress updates: verified, or rejected with a reason that
the regency's officers read on their progress page; a new file is unchecked again. Only they may check (403), on
plans they may see (404), and the partner API shows the flag but never who checked."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from masterplans import services
from masterplans.choices import EvidenceStatus
from masterplans.models import ProgressUpdate
from tests.factories import pdf_bytes


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, "PNG")
    return buffer.getvalue()


def progress_page(plan):
    return reverse("masterplans:plan-progress", args=[plan.pk]) + "?quarter=2023+Q4"


def check_url(update):
    return reverse("masterplans:evidence-check", args=[update.programme.plan_id, update.pk])


def correct_url(update):
    return reverse("masterplans:progress-update", args=[update.programme.plan_id, update.programme_id, 2023, 4])


@pytest.fixture
def update(client, officer, approved):
    """Muara Enim's 2023 Q4 update of its first programme, with a PDF as evidence, reported through the page."""
    programme = approved.programmes.first()
    client.force_login(officer)
    data = {"physical_percent": "35", "spent": "250000000", "status": "on_track", "note": "Tahap 1."}
    data["evidence"] = SimpleUploadedFile("bukti.pdf", pdf_bytes())
    response = client.post(reverse("masterplans:progress-update", args=[approved.pk, programme.pk, 2023, 4]), data)
    assert response.status_code == 302
    client.logout()
    client.cookies["django_language"] = "en"  # signing out dropped the cookie
    return ProgressUpdate.objects.get(programme=programme, year=2023, quarter=4)


def check(client, update, status, reason="", **extra):
    """POST the check form of ``update`` as its page names the fields."""
    data = {"status": status, "reason": reason, **extra}
    return client.post(check_url(update), {f"check-{update.pk}-{name}": value for name, value in data.items()})


def test_new_evidence_is_not_yet_checked(update):
    assert update.evidence_status == EvidenceStatus.PENDING
    assert update.evidence_checked_by is None and update.evidence_checked_at is None


def test_a_reviewer_verifies_evidence_and_the_history_says_so(client, reviewer, update):
    client.force_login(reviewer)
    page = client.get(progress_page(update.programme.plan))
    assert f'action="{check_url(update)}"' in page.text
    assert f'name="check-{update.pk}-status"' in page.text

    response = check(client, update, "verified", seen=update.evidence_version())

    assert response.status_code == 302
    assert response.url.endswith(f"?quarter=2023%20Q4#evidence-{update.pk}")
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.VERIFIED
    assert update.evidence_checked_by == reviewer and update.evidence_checked_at is not None
    latest = update.history.latest("history_date")
    assert latest.evidence_status == "verified" and latest.history_change_reason
    assert latest.history_user == reviewer
    followed = client.get(response.url)
    assert "is marked verified" in followed.text


def test_a_reviewer_rejects_with_a_reason_and_the_officer_reads_it(client, reviewer, officer, update):
    client.force_login(reviewer)
    assert check(client, update, "rejected", "Foto buram; unggah berita acara serah terima.").status_code == 302
    update.refresh_from_db()
    assert (update.evidence_status, update.evidence_reason) == (
        "rejected",
        "Foto buram; unggah berita acara serah terima.",
    )

    client.force_login(officer)
    page = client.get(progress_page(update.programme.plan))
    assert page.status_code == 200
    assert 'class="status status-rejected">Rejected<' in page.text
    assert "Foto buram; unggah berita acara serah terima." in page.text
    assert "Replace the evidence" in page.text
    assert f'action="{check_url(update)}"' not in page.text  # officers see the finding, not the form


def test_rejecting_without_a_reason_is_a_form_error_and_saves_nothing(client, reviewer, update):
    client.force_login(reviewer)
    before = update.history.count()

    response = check(client, update, "rejected", "   ")

    assert response.status_code == 400
    form = response.context["programmes"][0].update.check_form
    assert "Say why the evidence is rejected" in " ".join(form.errors["reason"])
    assert "There is a problem with this form" in response.text
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.PENDING
    assert update.history.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [({"status": "pending"}, "status"), ({"status": ""}, "status"), ({"reason": "x" * 5001}, "reason")],
)
def test_bad_check_input_is_a_form_error_not_a_500(client, reviewer, update, data, field):
    client.force_login(reviewer)
    response = check(client, update, **{"status": "verified", **data})
    assert response.status_code == 400
    assert field in response.context["programmes"][0].update.check_form.errors
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.PENDING


def test_ministry_admins_check_evidence_too(client, ministry_admin, update):
    client.force_login(ministry_admin)
    assert check(client, update, "verified").status_code == 302
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.VERIFIED


@pytest.mark.parametrize("persona", ["officer", "partner"])
def test_officers_and_partners_cannot_check_evidence(client, update, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert check(client, update, "verified").status_code == 403
    with pytest.raises(PermissionDenied):
        services.check_evidence(request.getfixturevalue(persona), update.pk, "verified")
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.PENDING


def test_anonymous_visitors_are_sent_to_sign_in(client, update):
    response = check(client, update, "verified")
    assert response.status_code == 302 and "login" in response.url


def test_an_officer_of_another_regency_gets_404_for_a_plan_they_cannot_see(client, officer, other_officer, update):
    draft = services.start_new_version(update.programme.plan_id, officer)
    # Progress is never reported on a draft; this row stands for any update of a plan hidden from the visitor.
    hidden = ProgressUpdate.objects.create(
        programme=draft.programmes.first(),
        year=2023,
        quarter=4,
        physical_percent=1,
        spent=1,
        status="on_track",
        evidence="masterplans/evidence/hidden.pdf",
    )
    client.force_login(other_officer)
    assert check(client, hidden, "verified").status_code == 404
    assert check(client, update, "verified").status_code == 403  # the approved plan is public, checking is not


def test_an_update_of_another_plan_is_404(client, reviewer, officer, update):
    draft = services.start_new_version(update.programme.plan_id, officer)
    client.force_login(reviewer)
    address = reverse("masterplans:evidence-check", args=[draft.pk, update.pk])
    response = client.post(address, {f"check-{update.pk}-status": "verified"})
    assert response.status_code == 404


def test_an_update_without_evidence_has_nothing_to_check(client, reviewer, update):
    ProgressUpdate.objects.filter(pk=update.pk).update(evidence="")
    client.force_login(reviewer)
    response = check(client, update, "verified")
    assert response.status_code == 302
    assert "no evidence to check" in client.get(response.url).text
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.PENDING


def test_replacing_the_file_puts_the_check_back_to_pending(client, reviewer, officer, update):
    services.check_evidence(reviewer, update.pk, "rejected", "Bukan dokumen program ini.")
    client.force_login(officer)
    data = {"physical_percent": "35", "spent": "250000000", "status": "on_track", "note": "Tahap 1."}

    client.post(correct_url(update), {**data, "evidence": ""})  # a correction that keeps the file keeps the check
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.REJECTED

    response = client.post(correct_url(update), {**data, "evidence": SimpleUploadedFile("foto.png", png_bytes())})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.evidence.name.endswith(".png")
    assert (update.evidence_status, update.evidence_reason, update.evidence_checked_by) == ("pending", "", None)
    reasons = list(update.history.order_by("history_date").values_list("evidence_status", flat=True))
    assert reasons[-2:] == ["rejected", "pending"]  # the rejection stays in the history


def test_a_check_of_a_file_replaced_since_the_page_showed_it_records_nothing(client, reviewer, update):
    client.force_login(reviewer)
    shown = update.evidence_version()
    ProgressUpdate.objects.filter(pk=update.pk).update(evidence="masterplans/evidence/newer.pdf")

    response = check(client, update, "verified", seen=shown)

    assert response.status_code == 302
    assert "The evidence was replaced since you opened the page" in client.get(response.url).text
    update.refresh_from_db()
    assert update.evidence_status == EvidenceStatus.PENDING
    with pytest.raises(ValidationError):
        services.check_evidence(reviewer, update.pk, "verified", seen=shown)


def test_the_plan_progress_page_shows_the_flag_to_everyone(client, reviewer, update):
    services.check_evidence(reviewer, update.pk, "verified", "Sesuai.")
    page = client.get(progress_page(update.programme.plan))  # anonymous: an approved plan is public
    assert 'class="status status-verified">Verified<' in page.text
    assert "Sesuai." not in page.text  # the reasons are for the regency's officers and the ministry


def test_the_api_shows_the_flag_but_not_who_checked(reviewer, partner, update):
    services.check_evidence(reviewer, update.pk, "rejected", "Buram.")
    client = APIClient()
    client.force_authenticate(partner)
    body = client.get(reverse("api:progress-update-detail", args=[update.pk])).json()
    assert body["evidence_status"] == "rejected" and body["has_evidence"] is True
    assert not {key for key in body if "checked" in key or "reason" in key}
    assert "reviewer" not in str(body)
