import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from masterplans import services
from masterplans.choices import PlanStatus
from masterplans.models import Dimension, MasterPlan, Programme
from tests.factories import pdf_bytes


def url(name, *args):
    return reverse(f"masterplans:{name}", args=args)


def programme_data(**overrides):
    data = {
        "dimension": Dimension.objects.get(code="governance").pk,
        "name": "Mal Pelayanan Publik Digital",
        "horizon": "quick_win",
        "start_year": 2019,
        "end_year": 2020,
        "budget": "2500000000",
        "funding_source": "apbd",
        "agency": "Dinas Penanaman Modal dan PTSP",
        "is_quick_win": "on",
    }
    return {**data, **overrides}


def test_an_officer_drafts_a_plan_in_the_browser(client, officer, muara_enim):
    client.force_login(officer)
    page = client.get(url("my-regency"))
    assert page.status_code == 200
    assert url("plan-create", "16.03") in page.text
    response = client.post(
        url("plan-create", "16.03"),
        {
            "title": "Masterplan Smart City Kabupaten Muara Enim",
            "start_year": "2019",
            "end_year": "2023",
            "summary": "Lima tahun pertama.",
            "main_document": SimpleUploadedFile("plan.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    plan = MasterPlan.objects.get(regency=muara_enim)
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert plan.status == PlanStatus.DRAFT
    assert plan.main_document.name.startswith("masterplans/documents/")
    detail = client.get(plan.get_absolute_url())
    assert "Before this plan can be submitted" in detail.text


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2019", "2022", "5 to 10 whole years"),
        ("2019", "2029", "5 to 10 whole years"),
        ("2023", "2019", "cannot come before"),
        ("dua ribu", "2023", "Enter the year in four digits"),
    ],
)
def test_a_bad_period_is_refused_with_a_message(client, officer, muara_enim, start, end, message):
    client.force_login(officer)
    response = client.post(url("plan-create", "16.03"), {"title": "X", "start_year": start, "end_year": end})
    assert response.status_code == 200
    assert message in response.text
    assert not MasterPlan.objects.exists()


def test_a_non_pdf_main_document_is_refused(client, officer, muara_enim):
    client.force_login(officer)
    fake = SimpleUploadedFile("plan.pdf", b"MZ this is not a pdf", "application/pdf")
    response = client.post(
        url("plan-create", "16.03"), {"title": "X", "start_year": "2019", "end_year": "2023", "main_document": fake}
    )
    assert "not a PDF" in response.text
    assert not MasterPlan.objects.exists()


def test_officers_add_edit_and_remove_programmes(client, officer, draft):
    client.force_login(officer)
    response = client.post(url("programme-create", draft.pk), programme_data())
    assert response.status_code == 302
    programme = draft.programmes.get()
    assert programme.budget == 2_500_000_000
    client.post(url("programme-update", draft.pk, programme.pk), programme_data(name="MPP Digital"))
    programme.refresh_from_db()
    assert programme.name == "MPP Digital"
    assert programme.history.count() == 2
    page = client.get(draft.get_absolute_url())
    assert "MPP Digital" in page.text
    assert "Rp2.500.000.000" in page.text
    client.post(url("programme-delete", draft.pk, programme.pk))
    assert not draft.programmes.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_year": "2018"}, "start_year", "outside the plan's period"),
        ({"end_year": "2024"}, "end_year", "outside the plan's period"),
        ({"budget": "-5"}, "budget", "greater than or equal to 0"),
        ({"budget": "satu miliar"}, "budget", "whole rupiah"),
        ({"budget": "1.5"}, "budget", "whole rupiah"),
        ({"sub_dimension": "economy"}, "sub_dimension", "another dimension"),
    ],
)
def test_bad_programme_input_is_refused_with_a_message(client, officer, draft, overrides, field, message):
    if overrides.get("sub_dimension") == "economy":
        overrides = {"sub_dimension": Dimension.objects.get(code="economy").sub_dimensions.first().pk}
    client.force_login(officer)
    response = client.post(url("programme-create", draft.pk), programme_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Programme.objects.exists()


def test_officers_submit_and_the_plan_becomes_read_only(client, officer, complete_draft):
    client.force_login(officer)
    response = client.post(url("plan-step", complete_draft.pk, "submit"), follow=True)
    assert "submitted for review" in response.text
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.SUBMITTED
    refused = client.post(url("programme-create", complete_draft.pk), programme_data(), follow=True)
    assert "cannot be changed" in refused.text
    assert complete_draft.programmes.count() == 6


def test_submitting_an_incomplete_plan_shows_what_is_missing(client, officer, draft):
    client.force_login(officer)
    response = client.post(url("plan-step", draft.pk, "submit"), follow=True)
    assert "Upload the main document" in response.text
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_reviewers_take_up_and_approve_from_the_queue(client, officer, reviewer, complete_draft):
    services.submit(complete_draft.pk, officer)
    client.force_login(reviewer)
    queue = client.get(url("review-queue"))
    assert complete_draft.title in queue.text
    client.post(url("plan-step", complete_draft.pk, "take-up"))
    missing_comment = client.post(url("plan-decide", complete_draft.pk), {"decision": "approve", "comment": ""})
    assert missing_comment.status_code == 400
    assert "This field is required" in missing_comment.text
    response = client.post(url("plan-decide", complete_draft.pk), {"decision": "approve", "comment": "Bagus."})
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.APPROVED
    assert complete_draft.title not in client.get(url("review-queue")).text


def test_a_second_decision_on_a_decided_plan_is_refused(client, reviewer, approved):
    client.force_login(reviewer)
    response = client.post(url("plan-decide", approved.pk), {"decision": "revise", "comment": "Ubah."}, follow=True)
    assert "This plan is approved, so this cannot be done now." in response.text
    approved.refresh_from_db()
    assert approved.status == PlanStatus.APPROVED


def test_unknown_queue_filters_answer_400(client, reviewer):
    client.force_login(reviewer)
    assert client.get(url("review-queue"), {"provnce": "16"}).status_code == 400
    assert client.get(url("review-queue"), {"cohort": "1999"}).status_code == 400


def test_the_queue_is_for_reviewers(client, officer):
    client.force_login(officer)
    assert client.get(url("review-queue")).status_code == 403


def test_the_plan_page_speaks_indonesian_by_default(client, officer, draft):
    client.cookies.pop("django_language")
    client.force_login(officer)
    with translation.override("id"):
        page = client.get(draft.get_absolute_url())
    assert "Ajukan untuk ditinjau" in page.text
    assert "Unggah dokumen utama (PDF)." in page.text
    assert "Draf" in page.text


def test_the_home_page_counts_approved_plans(client, approved):
    page = client.get(reverse("home"))
    assert page.context["approved_plans"] == {"real": 1, "demo": 0}
    assert "approved master plans" in page.text


def test_a_regency_with_an_approved_plan_starts_a_new_version_not_a_fresh_draft(client, officer, approved):
    client.force_login(officer)
    response = client.post(url("plan-create", "16.03"), {"title": "X", "start_year": "2024", "end_year": "2028"})
    assert "start a new version from it instead" in response.text
    assert MasterPlan.objects.count() == 1
    client.post(url("plan-step", approved.pk, "new-version"))
    new = MasterPlan.objects.get(version=2)
    assert (new.previous, new.status, new.programmes.count()) == (approved, PlanStatus.DRAFT, 6)


def test_a_document_over_20_mb_is_refused(client, officer, draft):
    client.force_login(officer)
    big = SimpleUploadedFile("besar.pdf", pdf_bytes() + b"\0" * (20 * 1024 * 1024), "application/pdf")
    response = client.post(url("attachment-create", draft.pk), {"title": "Peta", "file": big})
    assert "larger than 20" in " ".join(response.context["form"].errors["file"])
    assert not draft.attachments.exists()


def test_attachments_must_be_real_pdfs_and_are_stored_as_pdf_under_a_random_name(client, officer, draft):
    client.force_login(officer)
    fake = SimpleUploadedFile("peta.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(url("attachment-create", draft.pk), {"title": "Peta", "file": fake})
    assert "not a PDF" in " ".join(response.context["form"].errors["file"])
    long_name = "peta." + "x" * 120
    client.post(
        url("attachment-create", draft.pk), {"title": "Peta", "file": SimpleUploadedFile(long_name, pdf_bytes())}
    )
    attachment = draft.attachments.get()
    assert attachment.file.name.startswith("masterplans/attachments/") and attachment.file.name.endswith(".pdf")
    client.post(url("attachment-delete", draft.pk, attachment.pk))
    assert not draft.attachments.exists()
    assert attachment.history.count() == 2  # added, then removed: both kept


def test_a_budget_beyond_any_programme_is_refused(client, officer, draft):
    client.force_login(officer)
    response = client.post(url("programme-create", draft.pk), programme_data(budget=str(10**16)))
    assert "less than or equal to" in " ".join(response.context["form"].errors["budget"])
    assert not Programme.objects.exists()


def test_editing_a_draft_keeps_its_status_and_records_history(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        url("plan-update", draft.pk), {"title": "Judul baru", "start_year": "2019", "end_year": "2026"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.end_year, draft.status) == ("Judul baru", 2026, PlanStatus.DRAFT)
    assert draft.history.first().title == "Judul baru"


def test_the_plan_page_shows_steps_whose_user_is_gone(client, approved, reviewer):
    """A deleted account leaves its workflow steps without a user; the history then says "system", never a 500."""
    reviewer.delete()
    page = client.get(approved.get_absolute_url())
    assert page.status_code == 200
    assert "<td>system</td>" in page.text


def test_irreversible_steps_ask_for_confirmation(client, officer, reviewer, complete_draft):
    """Forms whose step cannot be undone carry data-confirm, which static/js/confirm.js asks before sending."""
    client.force_login(officer)
    page = client.get(complete_draft.get_absolute_url()).text
    assert 'data-confirm="Submit this plan for review? It is read-only until the ministry decides."' in page
    assert "/static/js/confirm.js" in page
    services.submit(complete_draft.pk, officer)
    client.force_login(reviewer)
    page = client.get(complete_draft.get_absolute_url()).text
    assert 'data-confirm="Record this decision?' in page
    plan = services.approve(complete_draft.pk, reviewer, "Disetujui.", take_up=True)
    client.force_login(officer)
    page = client.get(plan.get_absolute_url()).text
    assert 'data-confirm="Start a new version of this approved plan?' in page


def test_the_plan_form_links_the_current_document_by_name(client, officer, draft):
    draft.main_document = SimpleUploadedFile("rencana.pdf", pdf_bytes())
    draft.save()
    client.force_login(officer)
    page = client.get(url("plan-update", draft.pk)).text
    link = url("plan-document", draft.pk)
    assert f'<a href="{link}">rencana-induk-16.03-v1.pdf</a>' in page
    assert "masterplans/documents/" not in page
    assert client.get(link).status_code == 200


def test_the_progress_form_links_the_current_evidence_by_name(client, officer, approved):
    from masterplans.models import ProgressUpdate

    programme = approved.programmes.first()
    form_url = reverse("masterplans:progress-update", args=[approved.pk, programme.pk, 2023, 4])
    client.force_login(officer)
    data = {"physical_percent": "10", "spent": "0", "status": "on_track"}
    assert client.post(form_url, {**data, "evidence": SimpleUploadedFile("bukti.pdf", pdf_bytes())}).status_code == 302
    update = ProgressUpdate.objects.get()
    page = client.get(form_url).text
    link = url("evidence-download", approved.pk, update.pk)
    assert f'<a href="{link}">rencana-induk-16.03-v1-bukti-2023-q4-{update.pk}.pdf</a>' in page
    assert client.get(link).status_code == 200
    response = client.post(form_url, {**data, "spent": "x", "evidence": SimpleUploadedFile("foto.pdf", pdf_bytes())})
    assert "You chose foto.pdf: choose it again." in response.text
