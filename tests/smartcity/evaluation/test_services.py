"""The evaluation round's steps, their refusals, and that nothing is half-saved when one is refused."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from smartcity.evaluation import services
from smartcity.evaluation.choices import AssessmentStatus, EvidenceStatus, RoundStatus
from smartcity.evaluation.models import Answer, Part, Score
from tests.factories import UserFactory, pdf_bytes
from tests.smartcity.evaluation.conftest import open_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ON_TIME = datetime.date(2019, 10, 1)


def officer_of(assessment):
    return assessment.regency.memberships.first().user


def fill(assessment, value=Decimal("70")):
    return {answer.pk: (value, "catatan") for answer in assessment.answers.all()}


def submitted(assessment):
    officer = officer_of(assessment)
    services.save_self_assessment(officer, assessment.pk, fill(assessment))
    services.add_evidence(
        officer, assessment.answers.first().pk, upload=SimpleUploadedFile("bukti.pdf", pdf_bytes()), title="SK"
    )
    return services.submit(officer, assessment.pk, today=ON_TIME)


def assigned(assessment, admin_user, assessor):
    return services.assign(admin_user, assessment.pk, assessor)


def test_opening_a_round_gives_each_member_an_answer_for_every_criterion(evaluation_round, members):
    assessments = list(evaluation_round.assessments.all())
    assert {a.regency_id for a in assessments} == {m.regency_id for m in members}
    assert all(a.answers.count() == 5 and a.status == AssessmentStatus.DRAFT for a in assessments)


def test_opening_refuses_a_weighting_whose_weights_do_not_add_up(members, admin_user):
    from tests.smartcity.evaluation.conftest import weighting

    edition = weighting(1)
    Part.objects.filter(weighting=edition, kind="impact").update(weight=35)

    with pytest.raises(ValidationError) as refused:
        open_round(admin_user)

    assert refused.value.message_dict["weighting"] == ["The parts' weights add up to 105, not 100."]


def test_a_value_outside_the_scale_names_its_field_and_saves_nothing(evaluation_round):
    assessment = evaluation_round.assessments.first()
    values = fill(assessment)
    wrong = next(iter(values))
    values[wrong] = (Decimal("120"), "")

    with pytest.raises(ValidationError) as refused:
        services.save_self_assessment(officer_of(assessment), assessment.pk, values)

    assert refused.value.message_dict == {f"answer-{wrong}-value": ["Give a score from 0 to 100."]}
    assert not Answer.objects.filter(assessment=assessment, value__isnull=False).exists()


def test_an_officer_of_another_regency_may_not_fill_it_in(evaluation_round):
    mine, other = evaluation_round.assessments.order_by("pk")
    with pytest.raises(PermissionDenied):
        services.save_self_assessment(officer_of(other), mine.pk, fill(mine))


def test_a_submission_with_empty_criteria_is_refused_and_names_them(evaluation_round):
    assessment = evaluation_round.assessments.first()
    officer = officer_of(assessment)
    values = fill(assessment)
    values[next(iter(values))] = (None, "")
    services.save_self_assessment(officer, assessment.pk, values)

    with pytest.raises(ValidationError, match="still empty: Improvement on the previous evaluation"):
        services.submit(officer, assessment.pk, today=ON_TIME)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_the_deadline_moves_past_a_weekend_and_a_late_submission_is_refused(evaluation_round):
    # 31 October 2019 is a Thursday: the deadline stays; 1 November is too late.
    assert evaluation_round.due.date == datetime.date(2019, 10, 31)
    assessment = evaluation_round.assessments.first()
    officer = officer_of(assessment)
    services.save_self_assessment(officer, assessment.pk, fill(assessment))

    with pytest.raises(ValidationError, match="The deadline for self-assessments was 2019-10-31"):
        services.submit(officer, assessment.pk, today=datetime.date(2019, 11, 1))

    services.submit(officer, assessment.pk, today=datetime.date(2019, 10, 31))


def test_only_the_assigned_assessor_confirms_and_a_rejection_needs_a_reason(evaluation_round, admin_user, assessor):
    assessment = submitted(evaluation_round.assessments.first())
    evidence = assessment.answers.first().evidence.get()
    other = UserFactory(username="other-assessor", role="Ministry reviewer")
    assigned(assessment, admin_user, assessor)

    with pytest.raises(PermissionDenied):
        services.confirm(other, assessment.pk, fill(assessment))
    with pytest.raises(ValidationError) as refused:
        services.check_evidence(assessor, evidence.pk, EvidenceStatus.REJECTED, "  ")
    assert "reason" in refused.value.message_dict

    services.check_evidence(assessor, evidence.pk, EvidenceStatus.REJECTED, "Tidak terbaca")
    evidence.refresh_from_db()
    assert (evidence.status, evidence.reason, evidence.checked_by) == ("rejected", "Tidak terbaca", assessor)
    assert evidence.history.count() == 2


def test_finalising_needs_every_value_confirmed_and_every_evidence_checked(evaluation_round, admin_user, assessor):
    assessment = submitted(evaluation_round.assessments.first())
    assigned(assessment, admin_user, assessor)
    with pytest.raises(ValidationError, match="Confirm a value for every criterion"):
        services.finalise(assessor, assessment.pk)
    services.confirm(assessor, assessment.pk, fill(assessment, Decimal("60")))
    with pytest.raises(ValidationError, match="Mark every piece of evidence"):
        services.finalise(assessor, assessment.pk)
    services.check_evidence(assessor, assessment.answers.first().evidence.get().pk, EvidenceStatus.VERIFIED)

    services.finalise(assessor, assessment.pk)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINALISED
    assert assessment.score.index == Decimal("60.00")
    assert [h.history_change_reason for h in assessment.history.order_by("history_id")][-1] == "Penilaian difinalkan"


def finalised(assessment, admin_user, assessor):
    submitted(assessment)
    assigned(assessment, admin_user, assessor)
    services.confirm(assessor, assessment.pk, fill(assessment, Decimal("60")))
    for evidence in assessment.answers.first().evidence.all():
        services.check_evidence(assessor, evidence.pk, EvidenceStatus.VERIFIED)
    return services.finalise(assessor, assessment.pk)


def test_publishing_waits_for_every_submitted_assessment_then_locks_the_weighting(
    evaluation_round, admin_user, assessor
):
    first, second = evaluation_round.assessments.order_by("pk")
    finalised(first, admin_user, assessor)
    submitted(second)
    with pytest.raises(ValidationError, match="1 submitted assessment"):
        services.publish(admin_user, evaluation_round.pk)

    assigned(second, admin_user, assessor)
    services.confirm(assessor, second.pk, fill(second, Decimal("80")))
    services.check_evidence(assessor, second.answers.first().evidence.get().pk, EvidenceStatus.VERIFIED)
    services.finalise(assessor, second.pk)
    services.publish(admin_user, evaluation_round.pk)

    evaluation_round.refresh_from_db()
    assert evaluation_round.status == RoundStatus.PUBLISHED
    assert Score.objects.filter(assessment__round=evaluation_round).count() == 2
    part = evaluation_round.weighting.parts.get(kind="impact")
    part.weight = 25
    with pytest.raises(ValidationError, match="can no longer change: make a new version"):
        part.full_clean()
    with pytest.raises(ValidationError, match="published"):
        services.save_self_assessment(officer_of(first), first.pk, fill(first))


def test_an_officer_cannot_publish_and_an_admin_cannot_publish_nothing(evaluation_round, admin_user, members):
    with pytest.raises(PermissionDenied):
        services.publish(officer_of(evaluation_round.assessments.first()), evaluation_round.pk)
    with pytest.raises(ValidationError, match="nothing to publish"):
        services.publish(admin_user, evaluation_round.pk)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_assessors_cannot_finalise_the_same_member_at_once(members, admin_user, assessor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    round_ = open_round(admin_user)
    assessment = round_.assessments.first()
    submitted(assessment)
    assigned(assessment, admin_user, assessor)
    services.confirm(assessor, assessment.pk, fill(assessment, Decimal("60")))
    services.check_evidence(assessor, assessment.answers.first().evidence.get().pk, EvidenceStatus.VERIFIED)
    outcomes = []
    start = threading.Barrier(2)

    def finalise():
        start.wait()
        try:
            with translation.override("en"):  # the active language is per thread
                services.finalise(assessor, assessment.pk)
            outcomes.append("finalised")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["This assessment is finalised, so this cannot be done now.", "finalised"]
    assert assessment.history.filter(status=AssessmentStatus.FINALISED).count() == 1
