import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from masterplans import services
from masterplans.choices import PlanAction, PlanStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent
from tests.factories import ProgrammeFactory


def actions(plan):
    return list(
        PlanEvent.objects.filter(plan=plan).values_list("action", "from_status", "to_status", "actor__username")
    )


def test_the_whole_workflow_from_draft_to_approval(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    services.request_revision(complete_draft.pk, reviewer, "Tambahkan anggaran per tahun.")
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    plan = services.approve(complete_draft.pk, reviewer, "Disetujui.")

    assert plan.status == PlanStatus.APPROVED
    assert actions(plan) == [
        (PlanAction.CREATED, "", PlanStatus.DRAFT, "officer"),
        (PlanAction.SUBMITTED, PlanStatus.DRAFT, PlanStatus.SUBMITTED, "officer"),
        (PlanAction.TAKEN_UP, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, "reviewer"),
        (PlanAction.REVISION_REQUESTED, PlanStatus.IN_REVIEW, PlanStatus.REVISION_REQUESTED, "reviewer"),
        (PlanAction.SUBMITTED, PlanStatus.REVISION_REQUESTED, PlanStatus.SUBMITTED, "officer"),
        (PlanAction.TAKEN_UP, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, "reviewer"),
        (PlanAction.APPROVED, PlanStatus.IN_REVIEW, PlanStatus.APPROVED, "reviewer"),
    ]
    assert (
        PlanEvent.objects.get(plan=plan, action=PlanAction.REVISION_REQUESTED).comment
        == "Tambahkan anggaran per tahun."
    )
    assert plan.history.count() >= 6  # every status change is in the audit history too


def test_an_incomplete_plan_cannot_be_submitted_and_says_what_is_missing(draft, officer):
    with pytest.raises(ValidationError) as refused:
        services.submit(draft.pk, officer)
    messages = " ".join(refused.value.messages)
    assert "main document" in messages
    assert "at least one programme" in messages
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert not PlanEvent.objects.filter(plan=draft, action=PlanAction.SUBMITTED).exists()


def test_completeness_lists_uncovered_dimensions_missing_quick_win_and_years_outside(complete_draft, officer):
    complete_draft.programmes.filter(dimension__code="environment").delete()
    complete_draft.programmes.update(is_quick_win=False, horizon="medium")
    complete_draft.programmes.filter(dimension__code="economy").update(end_year=2030)
    problems = services.load_completeness(complete_draft)
    assert any("Smart Environment" in problem for problem in problems)
    assert any("quick win" in problem for problem in problems)
    assert any("outside the plan's period" in problem and "Smart Economy" in problem for problem in problems)


def test_a_dimension_marked_not_applicable_needs_no_programme(complete_draft, officer):
    environment = Dimension.objects.get(code="environment")
    complete_draft.programmes.filter(dimension=environment).delete()
    complete_draft.not_applicable.add(environment)
    assert services.load_completeness(complete_draft) == []
    assert services.submit(complete_draft.pk, officer).status == PlanStatus.SUBMITTED


def test_a_submitted_plan_is_read_only_to_officers(complete_draft, officer):
    services.submit(complete_draft.pk, officer)
    with pytest.raises(ValidationError, match="submitted"):
        services.save_programme(officer, ProgrammeFactory.build(plan=complete_draft))
    with pytest.raises(ValidationError):
        services.delete_programme(officer, complete_draft.programmes.first())
    assert complete_draft.programmes.count() == 6


def test_officers_of_another_regency_and_reviewers_cannot_act_as_the_officer(complete_draft, other_officer, reviewer):
    with pytest.raises(PermissionDenied):
        services.submit(complete_draft.pk, other_officer)
    with pytest.raises(PermissionDenied):
        services.submit(complete_draft.pk, reviewer)
    with pytest.raises(PermissionDenied):
        services.save_programme(other_officer, ProgrammeFactory.build(plan=complete_draft))


def test_officers_cannot_review(complete_draft, officer):
    services.submit(complete_draft.pk, officer)
    with pytest.raises(PermissionDenied):
        services.take_up(complete_draft.pk, officer)


@pytest.mark.parametrize("step", ["take_up", "approve", "request_revision"])
def test_reviewers_cannot_decide_on_a_draft(draft, reviewer, step):
    arguments = (draft.pk, reviewer) if step == "take_up" else (draft.pk, reviewer, "comment")
    with pytest.raises(ValidationError, match="draft"):
        getattr(services, step)(*arguments)
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_a_decision_needs_a_comment(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    with pytest.raises(ValidationError) as refused:
        services.request_revision(complete_draft.pk, reviewer, "   ")
    assert "comment" in refused.value.message_dict


def test_a_regency_works_on_one_plan_at_a_time(draft, officer, muara_enim):
    second = MasterPlan(regency=muara_enim, title="Another", start_year=2020, end_year=2024)
    with pytest.raises(ValidationError, match="already working on a plan"):
        services.create_draft(officer, second)


def test_a_regency_without_an_active_mou_cannot_start_a_plan(officer, muara_enim):
    muara_enim.mous.update(status="terminated", ended_on="2020-01-01")
    with pytest.raises(ValidationError, match="no active MoU"):
        services.create_draft(officer, MasterPlan(regency=muara_enim, title="X", start_year=2019, end_year=2023))


def test_a_new_version_starts_as_a_copy_and_supersedes_the_approved_plan_once_approved(approved, officer, reviewer):
    approved.attachments.create(title="Lampiran peta", file="masterplans/attachments/x.pdf")
    new = services.start_new_version(approved.pk, officer)
    assert (new.version, new.status, new.previous_id) == (2, PlanStatus.DRAFT, approved.pk)
    assert new.programmes.count() == approved.programmes.count() == 6
    assert new.attachments.get().title == "Lampiran peta"
    assert new.main_document.name == approved.main_document.name
    approved.refresh_from_db()
    assert approved.status == PlanStatus.APPROVED  # still in force while the new version is worked on

    services.submit(new.pk, officer)
    services.take_up(new.pk, reviewer)
    services.approve(new.pk, reviewer, "Versi baru disetujui.")
    approved.refresh_from_db()
    assert approved.status == PlanStatus.SUPERSEDED
    assert MasterPlan.objects.filter(regency=approved.regency, status=PlanStatus.APPROVED).get().pk == new.pk
    assert PlanEvent.objects.filter(plan=approved, action=PlanAction.SUPERSEDED).exists()


def test_only_an_approved_plan_gets_a_new_version(draft, officer):
    with pytest.raises(ValidationError):
        services.start_new_version(draft.pk, officer)


def test_a_reviewer_decides_on_a_resubmitted_plan_at_once_and_the_take_up_is_recorded(
    client, complete_draft, officer, reviewer
):
    """After a resubmission the decision form is on the plan page at once; deciding takes the plan up first, in the
    same transaction, so the history still reads submitted, taken up, decided."""
    services.submit(complete_draft.pk, officer)
    services.take_up(complete_draft.pk, reviewer)
    services.request_revision(complete_draft.pk, reviewer, "Tambahkan anggaran per tahun.")
    services.submit(complete_draft.pk, officer)
    client.force_login(reviewer)
    page = client.get(complete_draft.get_absolute_url())
    assert page.context["can_decide"] and page.context["can_take_up"]
    assert 'name="decision"' in page.text

    response = client.post(
        reverse("masterplans:plan-decide", args=[complete_draft.pk]), {"decision": "approve", "comment": "Disetujui."}
    )

    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.APPROVED
    assert actions(complete_draft)[-3:] == [
        (PlanAction.SUBMITTED, PlanStatus.REVISION_REQUESTED, PlanStatus.SUBMITTED, "officer"),
        (PlanAction.TAKEN_UP, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, "reviewer"),
        (PlanAction.APPROVED, PlanStatus.IN_REVIEW, PlanStatus.APPROVED, "reviewer"),
    ]


def test_a_revision_requested_on_a_waiting_plan_takes_it_up_first(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    plan = services.request_revision(complete_draft.pk, reviewer, "Lengkapi rujukan RPJMD.", take_up=True)
    assert plan.status == PlanStatus.REVISION_REQUESTED
    assert actions(plan)[-2:] == [
        (PlanAction.TAKEN_UP, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, "reviewer"),
        (PlanAction.REVISION_REQUESTED, PlanStatus.IN_REVIEW, PlanStatus.REVISION_REQUESTED, "reviewer"),
    ]


def test_without_take_up_a_decision_still_needs_a_plan_in_review(complete_draft, officer, reviewer):
    """The API keeps its explicit take-up step: the services decide on a waiting plan only when asked to."""
    services.submit(complete_draft.pk, officer)
    for decide in (services.approve, services.request_revision):
        with pytest.raises(ValidationError):
            decide(complete_draft.pk, reviewer, "Komentar.")
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.SUBMITTED
    assert not PlanEvent.objects.filter(plan=complete_draft, action=PlanAction.TAKEN_UP).exists()


def test_a_failed_decision_on_a_waiting_plan_leaves_it_waiting(complete_draft, officer, reviewer):
    services.submit(complete_draft.pk, officer)
    with pytest.raises(ValidationError):
        services.approve(complete_draft.pk, reviewer, "   ", take_up=True)
    complete_draft.refresh_from_db()
    assert complete_draft.status == PlanStatus.SUBMITTED
    assert not PlanEvent.objects.filter(plan=complete_draft, action=PlanAction.TAKEN_UP).exists()
