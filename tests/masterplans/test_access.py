"""Who sees what: drafts and their files belong to the regency's officers and ministry staff; approved plans are
public, their files for anyone signed in. Everything else answers 404, as if it did not exist."""

import pytest
from django.urls import reverse

from masterplans.models import ProgressUpdate
from tests.factories import UserFactory


def plan_urls(plan):
    programme = plan.programmes.first()
    attachment = plan.attachments.create(title="Peta", file="masterplans/attachments/peta.pdf")
    update = ProgressUpdate.objects.create(
        programme=programme,
        year=2023,
        quarter=4,
        physical_percent=10,
        spent=0,
        status="on_track",
        evidence="masterplans/evidence/foto.png",
    )
    pk = plan.pk
    return {
        "detail": reverse("masterplans:plan-detail", args=[pk]),
        "edit": reverse("masterplans:plan-update", args=[pk]),
        "document": reverse("masterplans:plan-document", args=[pk]),
        "attachment": reverse("masterplans:attachment-download", args=[pk, attachment.pk]),
        "new attachment": reverse("masterplans:attachment-create", args=[pk]),
        "new programme": reverse("masterplans:programme-create", args=[pk]),
        "programme": reverse("masterplans:programme-update", args=[pk, programme.pk]),
        "remove programme": reverse("masterplans:programme-delete", args=[pk, programme.pk]),
        "progress": reverse("masterplans:plan-progress", args=[pk]),
        "report progress": reverse("masterplans:progress-update", args=[pk, programme.pk, 2023, 4]),
        "evidence": reverse("masterplans:evidence-download", args=[pk, update.pk]),
    }


@pytest.fixture
def draft_urls(complete_draft):
    return plan_urls(complete_draft)


def test_the_officer_of_another_regency_gets_404_on_everything_of_a_draft(client, other_officer, draft_urls):
    client.force_login(other_officer)
    for name, address in draft_urls.items():
        assert client.get(address).status_code == 404, name
    for name in ("edit", "new attachment", "new programme", "programme", "remove programme", "report progress"):
        assert client.post(draft_urls[name], {"title": "x"}).status_code == 404, name


@pytest.mark.parametrize("step", ["submit", "take-up", "new-version"])
def test_workflow_steps_on_another_regencys_draft_answer_404(client, other_officer, complete_draft, step):
    client.force_login(other_officer)
    assert client.post(reverse("masterplans:plan-step", args=[complete_draft.pk, step])).status_code == 404
    assert client.post(reverse("masterplans:plan-decide", args=[complete_draft.pk])).status_code == 404


def test_a_partner_and_the_public_do_not_see_drafts(client, partner, draft_urls, complete_draft):
    client.force_login(partner)
    assert client.get(draft_urls["detail"]).status_code == 404
    assert client.get(draft_urls["document"]).status_code == 404
    client.logout()
    assert client.get(draft_urls["detail"]).status_code == 404
    listing = client.get(reverse("masterplans:plan-list"))
    assert complete_draft.title not in listing.text


def test_the_regencys_officer_and_ministry_staff_open_the_draft_and_its_files(
    client, officer, reviewer, ministry_admin, draft_urls
):
    for user in (officer, reviewer, ministry_admin):
        client.force_login(user)
        assert client.get(draft_urls["detail"]).status_code == 200
        document = client.get(draft_urls["document"])
        assert document.status_code == 200
        assert document["Content-Disposition"].startswith("attachment")


def test_reviewers_do_not_edit_a_regencys_plan(client, reviewer, draft_urls):
    client.force_login(reviewer)
    assert client.get(draft_urls["edit"]).status_code == 403
    assert client.get(draft_urls["new programme"]).status_code == 403


def test_an_approved_plan_is_public_and_its_files_are_for_anyone_signed_in(client, approved, other_officer):
    urls = plan_urls(approved)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["progress"]).status_code == 200
    assert client.get(urls["document"]).status_code == 302  # to the sign-in page
    assert "/accounts/login/" in client.get(urls["document"]).url
    client.force_login(UserFactory(username="someone"))
    assert client.get(urls["document"]).status_code == 200
    client.force_login(other_officer)
    assert client.get(urls["edit"]).status_code == 403  # visible, but not theirs to change
    assert client.post(urls["report progress"], {"physical_percent": "1"}).status_code == 403


def test_files_are_not_served_from_media_urls(client, officer, complete_draft):
    client.force_login(officer)
    assert client.get(f"/media/{complete_draft.main_document.name}").status_code == 404


def test_an_officer_without_a_regency_has_no_regency_page(client, partner):
    client.force_login(partner)
    assert client.get(reverse("masterplans:my-regency")).status_code == 403


def test_an_officer_cannot_start_a_plan_for_another_regency(client, other_officer, muara_enim):
    client.force_login(other_officer)
    assert client.get(reverse("masterplans:plan-create", args=["16.03"])).status_code == 404
