"""The master-plan workflow in one place, for pages and the API alike.

Each transition checks who may take it and from which status, runs in a transaction holding a row lock on the
plan (so two reviewers cannot both decide, and an officer cannot edit a plan while it is being submitted), and
records a ``PlanEvent``. Refusals are ``PermissionDenied`` (the user may not do this at all) or
``ValidationError`` (not now, or not with this input), with messages fit to show.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from masterplans import tasks
from masterplans.choices import EDITABLE_STATUSES, WORKING_STATUSES, EvidenceStatus, PlanAction, PlanStatus
from masterplans.models import (
    Dimension,
    MasterPlan,
    PlanAttachment,
    PlanEvent,
    Programme,
    ProgressUpdate,
    officer_regency_ids,
)
from mou.choices import MoUStatus
from mou.models import MoU
from regencies.models import Regency

REVIEW_PERMISSION = "masterplans.review_masterplan"
VERIFY_PERMISSION = "masterplans.verify_progressupdate"


def can_review(user):
    return user.is_active and user.has_perm(REVIEW_PERMISSION)


def can_check_evidence(user):
    return user.is_active and user.has_perm(VERIFY_PERMISSION)


def is_officer_of(user, regency_id):
    return regency_id in officer_regency_ids(user)


def _require_officer(user, plan):
    if not is_officer_of(user, plan.regency_id):
        raise PermissionDenied(_("Only officers of %(regency)s may do this.") % {"regency": plan.regency})


def _require_reviewer(user):
    if not can_review(user):
        raise PermissionDenied(_("Only ministry reviewers may do this."))


def _require_status(plan, allowed):
    if plan.status not in allowed:
        raise ValidationError(
            _("This plan is %(status)s, so this cannot be done now.") % {"status": plan.get_status_display().lower()},
            code="wrong_status",
        )


def _lock(plan_id):
    return MasterPlan.objects.select_for_update(of=("self",)).select_related("regency").get(pk=plan_id)


def _move(plan, user, action, to_status, comment=""):
    event = PlanEvent.objects.create(
        plan=plan, actor=user, action=action, from_status=plan.status, to_status=to_status, comment=comment
    )
    plan.status = to_status
    with translation.override(settings.LANGUAGE_CODE):
        plan._change_reason = str(PlanAction(action).label)
    return event


def active_mou(regency_id):
    return MoU.objects.filter(regency_id=regency_id, status=MoUStatus.ACTIVE).first()


def next_version(regency_id):
    return (MasterPlan.objects.filter(regency_id=regency_id).aggregate(last=Max("version"))["last"] or 0) + 1


def _lock_regency_for_a_new_plan(regency, *, from_approved):
    """Lock the regency (so one plan is started at a time) and return its active MoU, or refuse: no active MoU,
    a plan already in the works, or (for a fresh draft) an approved plan, which only a new version may follow."""
    Regency.objects.select_for_update().get(pk=regency.pk)
    mou = active_mou(regency.pk)
    if mou is None:
        raise ValidationError(
            _("%(regency)s has no active MoU, so it cannot start a master plan.") % {"regency": regency}
        )
    plans = MasterPlan.objects.filter(regency_id=regency.pk)
    if plans.filter(status__in=WORKING_STATUSES).exists():
        raise ValidationError(_("%(regency)s is already working on a plan.") % {"regency": regency})
    if not from_approved and plans.filter(status=PlanStatus.APPROVED).exists():
        raise ValidationError(
            _("%(regency)s already has an approved plan: start a new version from it instead.") % {"regency": regency}
        )
    return mou


def create_draft(user, plan, not_applicable=()):
    """Save ``plan`` (unsaved, from a form) as the first draft of its regency's next version."""
    if not is_officer_of(user, plan.regency_id):
        raise PermissionDenied(_("Only officers of %(regency)s may do this.") % {"regency": plan.regency})
    with transaction.atomic():
        mou = _lock_regency_for_a_new_plan(plan.regency, from_approved=False)
        plan.mou, plan.version, plan.status = mou, next_version(plan.regency_id), PlanStatus.DRAFT
        plan.full_clean()
        plan.save()
        plan.not_applicable.set(not_applicable)
        PlanEvent.objects.create(plan=plan, actor=user, action=PlanAction.CREATED, to_status=PlanStatus.DRAFT)
    return plan


@contextmanager
def editing(user, plan_id):
    """A transaction in which ``user`` changes a plan of theirs that is open to change (draft or sent back)."""
    with transaction.atomic():
        plan = _lock(plan_id)
        _require_officer(user, plan)
        _require_status(plan, EDITABLE_STATUSES)
        yield plan


def save_programme(user, programme):
    with editing(user, programme.plan_id) as plan:
        programme.plan = plan
        programme.full_clean()
        programme.save()
    return programme


def delete_programme(user, programme):
    with editing(user, programme.plan_id):
        if programme.progress_updates.exists():
            raise ValidationError(_("This programme has progress reports and cannot be removed."))
        programme.delete()


def add_attachment(user, plan_id, title, upload):
    with editing(user, plan_id) as plan:
        return PlanAttachment.objects.create(plan=plan, title=title, file=upload, uploaded_by=user)


def remove_attachment(user, attachment):
    """Remove an attachment from a draft; the file stays, as an earlier version of the plan may share it."""
    with editing(user, attachment.plan_id):
        attachment.delete()


def completeness_problems(plan, programmes, dimensions, not_applicable_ids):
    """What is missing before ``plan`` can be submitted, as messages; none means complete. Works on rows the
    caller has loaded, so a page that shows the programmes adds no query for it."""
    problems = []
    if not plan.main_document:
        problems.append(_("Upload the main document (PDF)."))
    if not programmes:
        problems.append(_("Add at least one programme."))
    covered = {programme.dimension_id for programme in programmes} | set(not_applicable_ids)
    missing = [dimension.name for dimension in dimensions if dimension.pk not in covered]
    if missing:
        problems.append(
            _("Add a programme to each dimension or mark it not applicable: %(names)s.") % {"names": ", ".join(missing)}
        )
    if programmes and not any(programme.counts_as_quick_win for programme in programmes):
        problems.append(_("Mark at least one programme as a quick win."))
    outside = [programme.name for programme in programmes if programme.year_errors(plan)]
    if outside:
        problems.append(
            _("These programmes have years outside the plan's period (%(start)s to %(end)s): %(names)s.")
            % {"start": plan.start_year, "end": plan.end_year, "names": ", ".join(outside)}
        )
    return problems


def load_completeness(plan):
    return completeness_problems(
        plan,
        list(plan.programmes.all()),
        list(Dimension.objects.all()),
        set(plan.not_applicable.values_list("pk", flat=True)),
    )


def submit(plan_id, user, comment=""):
    with transaction.atomic():
        plan = _lock(plan_id)
        _require_officer(user, plan)
        _require_status(plan, EDITABLE_STATUSES)
        problems = load_completeness(plan)
        if problems:
            raise ValidationError(problems, code="incomplete")
        event = _move(plan, user, PlanAction.SUBMITTED, PlanStatus.SUBMITTED, comment)
        plan.submitted_at = timezone.now()
        plan.save()
        tasks.send_plan_event_email.delay_on_commit(event.pk)
    return plan


def take_up(plan_id, user):
    with transaction.atomic():
        plan = _lock(plan_id)
        _require_reviewer(user)
        _require_status(plan, [PlanStatus.SUBMITTED])
        _move(plan, user, PlanAction.TAKEN_UP, PlanStatus.IN_REVIEW)
        plan.save()
    return plan


def _require_decidable(plan, user, take_up):
    """A decision is on a plan in review; with ``take_up`` a plan still waiting (such as one just resubmitted) is
    taken up by this reviewer first, in the same transaction, with its own event."""
    _require_status(plan, [PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW] if take_up else [PlanStatus.IN_REVIEW])
    if plan.status == PlanStatus.SUBMITTED:
        _move(plan, user, PlanAction.TAKEN_UP, PlanStatus.IN_REVIEW)


def _require_comment(comment):
    if not comment or not comment.strip():
        raise ValidationError({"comment": _("Write a comment for the regency's officers.")})


def request_revision(plan_id, user, comment, *, take_up=False):
    _require_comment(comment)
    with transaction.atomic():
        plan = _lock(plan_id)
        _require_reviewer(user)
        _require_decidable(plan, user, take_up)
        event = _move(plan, user, PlanAction.REVISION_REQUESTED, PlanStatus.REVISION_REQUESTED, comment.strip())
        plan.decided_at = timezone.now()
        plan.save()
        tasks.send_plan_event_email.delay_on_commit(event.pk)
    return plan


def approve(plan_id, user, comment, *, take_up=False):
    """Approve a plan in review (or, with ``take_up``, one waiting for review); the regency's previously approved
    version, if any, is superseded by it."""
    _require_comment(comment)
    with transaction.atomic():
        plan = _lock(plan_id)
        _require_reviewer(user)
        _require_decidable(plan, user, take_up)
        current = (
            MasterPlan.objects.select_for_update()
            .filter(regency_id=plan.regency_id, status=PlanStatus.APPROVED)
            .exclude(pk=plan.pk)
            .first()
        )
        if current:
            with translation.override(settings.LANGUAGE_CODE):  # kept text speaks one language, whoever acted
                note = _("Replaced by version %(version)s.") % {"version": plan.version}
            _move(current, user, PlanAction.SUPERSEDED, PlanStatus.SUPERSEDED, note)
            current.save()
        event = _move(plan, user, PlanAction.APPROVED, PlanStatus.APPROVED, comment.strip())
        plan.decided_at = timezone.now()
        plan.save()
        tasks.send_plan_event_email.delay_on_commit(event.pk)
    return plan


def start_new_version(plan_id, user):
    """A new draft that starts as a copy of an approved plan: its fields, programmes, documents and exemptions.
    The approved plan stays in force until the new version is approved."""
    with transaction.atomic():
        source = _lock(plan_id)
        _require_officer(user, source)
        _require_status(source, [PlanStatus.APPROVED])
        mou = _lock_regency_for_a_new_plan(source.regency, from_approved=True)
        programmes = list(source.programmes.all())
        attachments = list(source.attachments.all())
        not_applicable = list(source.not_applicable.all())
        plan = MasterPlan.objects.get(pk=source.pk)
        plan.pk = plan.id = None
        plan._state.adding = True
        plan.mou, plan.previous, plan.version = mou, source, next_version(source.regency_id)
        plan.status, plan.submitted_at, plan.decided_at = PlanStatus.DRAFT, None, None
        plan.save()
        plan.not_applicable.set(not_applicable)
        for programme in programmes:
            programme.pk = programme.id = None
            programme.plan = plan
        bulk_create_with_history(programmes, Programme)
        for attachment in attachments:
            attachment.pk = attachment.id = None
            attachment.plan = plan
        bulk_create_with_history(attachments, PlanAttachment)
        PlanEvent.objects.create(
            plan=plan,
            actor=user,
            action=PlanAction.NEW_VERSION,
            to_status=PlanStatus.DRAFT,
            comment=copied_note(source),
        )
    return plan


def copied_note(source):
    with translation.override(settings.LANGUAGE_CODE):  # kept text speaks one language, whoever acted
        return _("Copied from version %(version)s.") % {"version": source.version}


def save_progress(user, update):
    """Save a quarter's progress of a programme of an approved plan; edits keep the earlier figures in history."""
    with transaction.atomic():
        plan = (
            MasterPlan.objects.select_for_update(of=("self",))
            .select_related("regency")
            .get(pk=update.programme.plan_id)
        )
        _require_officer(user, plan)
        _require_status(plan, [PlanStatus.APPROVED])
        update.reported_by = user
        update.full_clean()
        if update.pk and _evidence_replaced(update):
            _uncheck_evidence(update)
        try:
            with transaction.atomic():
                update.save()
        except IntegrityError:
            raise ValidationError(
                _("Progress for %(year)s Q%(quarter)s was just entered by someone else; open it again to edit it.")
                % {"year": update.year, "quarter": update.quarter}
            ) from None
    return update


def _evidence_replaced(update):
    """Whether ``update`` (being saved) carries another evidence file than its stored row, which is locked here
    so that a reviewer's check cannot land on the file being replaced."""
    stored = ProgressUpdate.objects.select_for_update(of=("self",)).filter(pk=update.pk).values_list("evidence")
    stored_name = (stored.first() or ("",))[0] or ""
    return not getattr(update.evidence, "_committed", True) or (update.evidence.name or "") != stored_name


def _uncheck_evidence(update):
    """A new (or removed) file is not what the reviewer checked: back to not yet checked, the finding in history."""
    if update.evidence_status == EvidenceStatus.PENDING and not update.evidence_checked_at:
        return
    update.evidence_status, update.evidence_reason = EvidenceStatus.PENDING, ""
    update.evidence_checked_by, update.evidence_checked_at = None, None
    with translation.override(settings.LANGUAGE_CODE):  # kept text speaks one language, whoever acted
        update._change_reason = _("Evidence replaced: to be checked again")


EVIDENCE_FINDINGS = [EvidenceStatus.VERIFIED, EvidenceStatus.REJECTED]
CHECK_FIELDS = {"evidence_status": "status", "evidence_reason": "reason"}  # model field: the form's (and API's) name


def check_evidence(user, update_id, status, reason="", *, seen=None):
    """A ministry reviewer's finding on a progress update's evidence: verified, or rejected with a reason that the
    regency's officers read on their progress page. ``seen`` is the ``evidence_version`` of the file the reviewer
    looked at: if the officer has replaced it since, nothing is recorded."""
    if not can_check_evidence(user):
        raise PermissionDenied(_("Only ministry reviewers may check evidence."))
    if status not in EVIDENCE_FINDINGS:
        raise ValidationError({"status": _("Choose whether the evidence is verified or rejected.")})
    reason = (reason or "").strip()
    if status == EvidenceStatus.REJECTED and not reason:
        raise ValidationError({"reason": _("Say why the evidence is rejected, so the regency's officers can fix it.")})
    with transaction.atomic():
        update = ProgressUpdate.objects.select_for_update(of=("self",)).get(pk=update_id)
        if not update.evidence:
            raise ValidationError(_("This progress update has no evidence to check."), code="no_evidence")
        if seen is not None and seen != update.evidence_version():
            raise ValidationError(
                _("The evidence was replaced since you opened the page; check the new file."), code="replaced"
            )
        update.evidence_status, update.evidence_reason = status, reason
        update.evidence_checked_by, update.evidence_checked_at = user, timezone.now()
        with translation.override(settings.LANGUAGE_CODE):  # kept text speaks one language, whoever acted
            update._change_reason = _("Evidence checked: %(status)s") % {
                "status": str(EvidenceStatus(status).label).lower()
            }
        try:
            update.clean_fields(exclude=[f.name for f in ProgressUpdate._meta.fields if f.name not in CHECK_FIELDS])
        except ValidationError as exc:
            raise ValidationError({CHECK_FIELDS[name]: errors for name, errors in exc.error_dict.items()}) from None
        update.save(
            update_fields=[
                "evidence_status",
                "evidence_reason",
                "evidence_checked_by",
                "evidence_checked_at",
                "updated_at",
            ]
        )
    return update
