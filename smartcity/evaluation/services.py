"""The evaluation round's steps in one place, for pages and the API alike.

Each step checks who may take it and in which state, runs in a transaction holding a row lock on the assessment
(or the round), so two assessors cannot finalise one member at once and an officer cannot edit while the
assessment is being submitted, and keeps its history (django-simple-history, with the step as the reason).
Refusals are ``PermissionDenied`` (this user may not) or ``ValidationError`` (not now, or not with this input,
naming the field), with messages fit to show; nothing is saved when a step is refused.
"""

from pathlib import PurePath

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from masterplans.choices import PlanStatus
from masterplans.models import MasterPlan, Programme, officer_regency_ids
from masterplans.progress import rollup
from masterplans.schedule import Quarter
from mou.choices import MoUStatus
from mou.models import MoU, in_force
from smartcity.evaluation import scores
from smartcity.evaluation.choices import AssessmentStatus, EvidenceStatus, PartKind, RoundStatus, Scale
from smartcity.evaluation.models import (
    Answer,
    Assessment,
    BimtekSession,
    Criterion,
    Evidence,
    Round,
    Weighting,
    weight_problems,
)

logger = structlog.get_logger(__name__)

MANAGE = "evaluation.manage_round"
ASSESS = "evaluation.assess_assessment"
RECORD_BIMTEK = ("evaluation.add_bimteksession", "evaluation.change_bimteksession")


def can_manage(user):
    return user.is_active and user.has_perm(MANAGE)


def can_assess(user):
    return user.is_active and user.has_perm(ASSESS)


def can_record_bimtek(user):
    return user.is_active and user.has_perms(RECORD_BIMTEK)


def _reason(text):
    with translation.override(settings.LANGUAGE_CODE):  # kept history speaks one language, whoever acted
        return str(text)


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _require_status(assessment, allowed):
    if assessment.status not in allowed:
        raise ValidationError(
            _("This assessment is %(status)s, so this cannot be done now.")
            % {"status": assessment.get_status_display().lower()},
            code="wrong_status",
        )


def _lock(assessment_id):
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round__weighting", "regency")
        .get(pk=assessment_id)
    )


def _require_officer(user, assessment):
    _require(
        assessment.regency_id in officer_regency_ids(user),
        _("Only officers of %(regency)s may do this.") % {"regency": assessment.regency.name},
    )


def _require_assessor(user, assessment):
    _require(can_assess(user), _("Only ministry assessors may do this."))
    _require(
        assessment.assessor_id == user.pk,
        _("This assessment is assigned to another assessor, or to none yet."),
    )


def _require_open(round_):
    if round_.is_published:
        raise ValidationError(_("This round is published: its assessments can no longer change."), code="published")


def criteria_of(weighting):
    return list(Criterion.objects.filter(part__weighting=weighting).select_related("part"))


def new_version(weighting):
    """A copy of ``weighting``, parts and criteria, as its next version: how a published weighting changes."""
    with transaction.atomic():
        latest = Weighting.objects.filter(title=weighting.title).order_by("-version").first()
        copy = Weighting.objects.create(title=weighting.title, version=latest.version + 1, source=weighting.source)
        for part in weighting.parts.prefetch_related("criteria"):
            criteria = list(part.criteria.all())
            part.pk, part.weighting = None, copy
            part.save()
            for criterion in criteria:
                criterion.pk, criterion.part = None, part
                criterion.save()
    return copy


def open_round(user, round_):
    """Open ``round_`` (unsaved, validated by its form): one assessment for every member with an MoU in force on its
    opening day, each with an empty answer for every criterion. A demo round takes the demo members as well."""
    _require(can_manage(user), _("Only ministry admins may open an evaluation round."))
    criteria = criteria_of(round_.weighting)
    parts = list(round_.weighting.parts.all())
    problems = weight_problems(parts, {part.kind: [c for c in criteria if c.part_id == part.pk] for part in parts})
    if problems:
        raise ValidationError({"weighting": problems})
    with transaction.atomic():
        round_.save()
        mous = MoU.objects.filter(in_force(round_.opens_on)).order_by("regency_id", "-signed_on")
        if not round_.is_demo:
            mous = mous.filter(is_demo=False)
        members = {}
        for mou in mous.only("pk", "regency_id"):
            members.setdefault(mou.regency_id, mou.pk)
        assessments = Assessment.objects.bulk_create(
            [Assessment(round=round_, regency_id=regency, mou_id=mou) for regency, mou in members.items()]
        )
        bulk_create_with_history(
            [Answer(assessment=a, criterion=c) for a in assessments for c in criteria],
            Answer,
            default_user=user,
            default_change_reason=_reason(gettext_lazy("Round opened")),
        )
    logger.info("evaluation_round_opened", round=round_.year, user=user.pk, members=len(assessments))
    return round_


def outcome_suggestion(assessment):
    """What the regency's approved plan reports for the round's year (its fourth-quarter roll-up), as a value
    for outcome criteria on a 0-100 scale, or None: how far the plan's programmes are carried out."""
    plan = MasterPlan.objects.filter(regency_id=assessment.regency_id, status=PlanStatus.APPROVED).first()
    if plan is None:
        return None
    return rollup(plan, Quarter(assessment.round.year, 4))["physical"]


def _clean_values(answers, values, field):
    """Check ``values`` ({answer id: (value, note)}) against each answer's criterion; errors by form field name."""
    errors = {}
    for answer in answers:
        if answer.pk not in values:
            continue
        value, _note = values[answer.pk]
        problem = answer.criterion.value_problem(value)
        if problem:
            errors[f"answer-{answer.pk}-{field}"] = problem
    if errors:
        raise ValidationError(errors)


def _save_values(user, assessment, values, fields, reason):
    """Write ``values`` (``{answer id: (value or None, note)}``) into the answers' ``fields`` (a value field and a
    note field) after checking each against its criterion; only changed answers are written, with their history."""
    answers = list(assessment.answers.select_related("criterion"))
    _clean_values(answers, values, fields[0])
    changed = []
    for answer in answers:
        if answer.pk in values and tuple(getattr(answer, field) for field in fields) != values[answer.pk]:
            for field, value in zip(fields, values[answer.pk], strict=True):
                setattr(answer, field, value)
            changed.append(answer)
    if changed:
        bulk_update_with_history(
            changed, Answer, list(fields), default_user=user, default_change_reason=_reason(reason)
        )
        assessment.save(update_fields=["updated_at"])


def save_self_assessment(user, assessment_id, values):
    """Save the officer's values and notes as a draft: ``values`` is ``{answer id: (value or None, note)}``."""
    with transaction.atomic():
        assessment = _lock(assessment_id)
        _require_officer(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.DRAFT])
        _save_values(user, assessment, values, ("value", "note"), gettext_lazy("Self-assessment saved"))
    return assessment


def empty_criteria(assessment):
    return [answer.criterion for answer in assessment.answers.select_related("criterion") if answer.value is None]


def submit(user, assessment_id, today=None):
    """Send the self-assessment to the ministry: every criterion filled in, by the round's deadline."""
    today = today or timezone.localdate()
    with transaction.atomic():
        assessment = _lock(assessment_id)
        _require_officer(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.DRAFT])
        due = assessment.round.due.date
        if today > due:
            raise ValidationError(
                _("The deadline for self-assessments was %(date)s; ask the ministry to reopen it.")
                % {"date": due.isoformat()},
                code="late",
            )
        empty = empty_criteria(assessment)
        if empty:
            raise ValidationError(
                _("Fill in every criterion before submitting; still empty: %(criteria)s.")
                % {"criteria": ", ".join(criterion.name for criterion in empty)},
                code="incomplete",
            )
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at, assessment.submitted_by = timezone.now(), user
        assessment._change_reason = _reason(gettext_lazy("Self-assessment submitted"))
        assessment.save()
    logger.info("self_assessment_submitted", assessment=assessment.pk, user=user.pk)
    return assessment


def add_evidence(user, answer_id, *, title="", upload=None, programme_id=None):
    """Add a file, or a link to one of the regency's approved programmes, to an answer of a draft."""
    answer = Answer.objects.select_related("assessment").get(pk=answer_id)
    with transaction.atomic():
        assessment = _lock(answer.assessment_id)
        _require_officer(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.DRAFT])
        if (upload is None) == (programme_id is None):
            raise ValidationError({"file": _("Choose a file, or one of the plan's programmes, not both.")})
        programme = None
        if programme_id is not None:
            programme = Programme.objects.filter(
                pk=programme_id, plan__regency_id=assessment.regency_id, plan__status=PlanStatus.APPROVED
            ).first()
            if programme is None:
                raise ValidationError({"programme": _("Choose a programme of your regency's approved plan.")})
        if upload is not None and not title:
            title = PurePath(upload.name).name[: Evidence._meta.get_field("title").max_length]  # not the stored name
        evidence = Evidence(answer=answer, title=title, programme=programme, added_by=user)
        if upload is not None:
            evidence.file.save(upload.name, upload, save=False)
        evidence._change_reason = _reason(gettext_lazy("Evidence added"))
        evidence.save()
    return evidence


def remove_evidence(user, evidence_id):
    evidence = Evidence.objects.select_related("answer").get(pk=evidence_id)
    with transaction.atomic():
        assessment = _lock(evidence.answer.assessment_id)
        _require_officer(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.DRAFT])
        evidence._change_reason = _reason(gettext_lazy("Evidence removed"))
        evidence.delete()


def assign(user, assessment_id, assessor):
    """Give a member's assessment to an assessor (or take it back with None), until it is finalised."""
    _require(can_manage(user), _("Only ministry admins may assign assessors."))
    if assessor is not None and not can_assess(assessor):
        raise ValidationError({"assessor": _("%(name)s is not an assessor.") % {"name": assessor.get_username()}})
    with transaction.atomic():
        assessment = _lock(assessment_id)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED])
        assessment.assessor = assessor
        reason = gettext_lazy("Assessor assigned") if assessor else gettext_lazy("Assessor taken off")
        assessment._change_reason = _reason(reason)
        assessment.save()
    return assessment


def check_evidence(user, evidence_id, status, reason=""):
    """The assessor marks a piece of evidence verified, or rejected with the reason."""
    if status not in (EvidenceStatus.VERIFIED, EvidenceStatus.REJECTED):
        raise ValidationError({"status": _("Choose verified or rejected.")})
    reason = reason.strip()
    if status == EvidenceStatus.REJECTED and not reason:
        raise ValidationError({"reason": _("Say why the evidence is rejected, for the regency's officers.")})
    evidence = Evidence.objects.select_related("answer").get(pk=evidence_id)
    with transaction.atomic():
        assessment = _lock(evidence.answer.assessment_id)
        _require_assessor(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.SUBMITTED])
        evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
        evidence.status, evidence.reason = status, reason
        evidence.checked_by, evidence.checked_at = user, timezone.now()
        evidence._change_reason = _reason(EvidenceStatus(status).label)
        evidence.save()
    return evidence


def confirm(user, assessment_id, values):
    """Save the assessor's confirmed values and notes: ``values`` is ``{answer id: (value or None, note)}``."""
    with transaction.atomic():
        assessment = _lock(assessment_id)
        _require_assessor(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.SUBMITTED])
        _save_values(user, assessment, values, ("confirmed_value", "assessor_note"), gettext_lazy("Values confirmed"))
    return assessment


def finalise(user, assessment_id):
    """Close the assessor's work on a member: every value confirmed and every piece of evidence checked; the
    score is computed and stored in the same transaction. A second assessor waits for the lock, then is refused."""
    with transaction.atomic():
        assessment = _lock(assessment_id)
        _require_assessor(user, assessment)
        _require_open(assessment.round)
        _require_status(assessment, [AssessmentStatus.SUBMITTED])
        answers = list(assessment.answers.select_related("criterion"))
        unconfirmed = [answer.criterion.name for answer in answers if answer.confirmed_value is None]
        if unconfirmed:
            raise ValidationError(
                _("Confirm a value for every criterion first; still open: %(criteria)s.")
                % {"criteria": ", ".join(unconfirmed)},
                code="incomplete",
            )
        if Evidence.objects.filter(answer__assessment=assessment, status=EvidenceStatus.PENDING).exists():
            raise ValidationError(_("Mark every piece of evidence verified or rejected first."), code="unchecked")
        assessment.status = AssessmentStatus.FINALISED
        assessment.finalised_at, assessment.finalised_by = timezone.now(), user
        assessment._change_reason = _reason(gettext_lazy("Assessment finalised"))
        assessment.save()
        figures = scores.store([assessment.pk], assessment.round.weighting)
    logger.info(
        "assessment_finalised", assessment=assessment.pk, user=user.pk, index=str(figures[assessment.pk]["index"])
    )
    return assessment


def publish(user, round_id):
    """Publish a round: every submitted assessment must be finalised; scores are computed again, in the same
    transaction, so what is published is exactly what the stored values give. The weighting is locked from now on."""
    _require(can_manage(user), _("Only ministry admins may publish an evaluation round."))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("weighting").get(pk=round_id)
        _require_open(round_)
        waiting = round_.assessments.filter(status=AssessmentStatus.SUBMITTED).count()
        if waiting:
            raise ValidationError(
                _("%(count)d submitted assessment(s) are not finalised yet.") % {"count": waiting}, code="unfinalised"
            )
        finalised = list(round_.assessments.filter(status=AssessmentStatus.FINALISED).values_list("pk", flat=True))
        if not finalised:
            raise ValidationError(_("No assessment is finalised yet: there is nothing to publish."), code="empty")
        scores.store(finalised, round_.weighting)
        round_.status, round_.published_at, round_.published_by = RoundStatus.PUBLISHED, timezone.now(), user
        round_._change_reason = _reason(gettext_lazy("Round published"))
        round_.save()
    logger.info("evaluation_round_published", round=round_.year, user=user.pk, scores=len(finalised))
    return round_


def prefill_outcome(assessment, answers):
    """Initial values for empty outcome criteria on a 0-100 scale, from the plan's progress roll-up."""
    suggestion = None
    initial = {}
    for answer in answers:
        criterion = answer.criterion
        if answer.value is None and criterion.part.kind == PartKind.OUTCOME and criterion.scale == Scale.SCORE:
            if suggestion is None:
                suggestion = outcome_suggestion(assessment)
                if suggestion is None:
                    break
            initial[answer.pk] = suggestion
    return initial


def bimtek_mou(regency):
    """The MoU that a bimtek stage of ``regency`` is recorded under: its active one (at most one), or None."""
    return MoU.objects.filter(regency=regency, status=MoUStatus.ACTIVE).select_related("regency").first()


def record_bimtek(user, session):
    """Save ``session``, one bimtek stage of a member under its MoU (validated by its form): a new record, or the
    stage's record edited. Under a lock on the MoU, so that two admins recording one stage at once make one record,
    and an MoU ended meanwhile takes no new stage."""
    _require(can_record_bimtek(user), _("Only ministry admins may record bimtek stages."))
    new = session.pk is None
    with transaction.atomic():
        mou = MoU.objects.select_for_update().get(pk=session.mou_id)
        if mou.status != MoUStatus.ACTIVE:
            raise ValidationError(_("This MoU has ended: its bimtek stages can no longer change."), code="ended")
        if new and BimtekSession.objects.filter(mou=mou, stage=session.stage).exists():
            raise ValidationError(
                _("This stage was recorded meanwhile by someone else: open it again to edit it."), code="exists"
            )
        session.mou, session.regency_id = mou, mou.regency_id
        session.full_clean()
        reason = gettext_lazy("Bimtek stage recorded") if new else gettext_lazy("Bimtek stage edited")
        session._change_reason = _reason(reason)
        session.save()
    logger.info("bimtek_stage_saved", regency=mou.regency_id, stage=session.stage, user=user.pk, new=new)
    return session
