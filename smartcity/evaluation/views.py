"""Pages of the yearly evaluation. Views stay thin: who may see an assessment is ``Assessment.objects.visible_to``,
and every change goes through ``smartcity.evaluation.services``, which checks roles and states again under a lock."""

import logging
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, FormView, TemplateView

from masterplans.choices import BimtekStage, PlanStatus
from masterplans.models import Programme, officer_regency_ids
from masterplans.views import apply_errors
from regencies.models import Regency
from smartcity.evaluation import services
from smartcity.evaluation.choices import PART_ORDER, AssessmentStatus, EvidenceStatus, PartKind, RoundStatus
from smartcity.evaluation.forms import (
    AnswersForm,
    AssignForm,
    BimtekSessionForm,
    CheckEvidenceForm,
    EvidenceForm,
    RoundForm,
    assessors,
)
from smartcity.evaluation.models import Answer, Assessment, BimtekSession, Evidence, Round, Score
from smartcity.evaluation.results import ranked_scores

logger = logging.getLogger(__name__)


def visible_rounds(user):
    if user.is_active and user.has_perm("evaluation.view_assessment"):
        return Round.objects.all()
    return Round.objects.filter(status=RoundStatus.PUBLISHED)


class RoundListView(TemplateView):
    template_name = "evaluation/round_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rounds = (
            visible_rounds(user)
            .select_related("weighting")
            .annotate(
                members=Count("assessments"),
                submitted=Count("assessments", filter=~Q(assessments__status=AssessmentStatus.DRAFT)),
                finalised=Count("assessments", filter=Q(assessments__status=AssessmentStatus.FINALISED)),
            )
        )
        own = (
            Assessment.objects.filter(regency__in=officer_regency_ids(user))
            .select_related("round", "regency")
            .order_by("-round__year", "regency__code")
            if user.is_authenticated
            else []
        )
        return super().get_context_data(
            rounds=rounds, own_assessments=own, can_manage=services.can_manage(user), **kwargs
        )


class RoundCreateView(PermissionRequiredMixin, CreateView):
    permission_required = services.MANAGE
    form_class = RoundForm
    template_name = "evaluation/round_form.html"

    def form_valid(self, form):
        try:
            round_ = services.open_round(self.request.user, form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(round)s is open: %(count)d members can fill in their self-assessment.")
            % {"round": round_, "count": round_.assessments.count()},
        )
        return redirect("evaluation:round", round_.year)


class RoundMixin:
    @cached_property
    def round(self):
        return get_object_or_404(
            visible_rounds(self.request.user).select_related("weighting"), year=self.kwargs["year"]
        )


class RoundDetailView(RoundMixin, TemplateView):
    """A published round's ranking for everyone; for ministry staff, also every member's progress and assessor."""

    template_name = "evaluation/round_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        staff = user.is_active and user.has_perm("evaluation.view_assessment")
        members = []
        if staff:
            members = (
                self.round.assessments.select_related("regency__province", "mou__cohort", "assessor", "score")
                .annotate(
                    empty=Count("answers", filter=Q(answers__value__isnull=True)),
                    pending=Count("answers__evidence", filter=Q(answers__evidence__status=EvidenceStatus.PENDING)),
                )
                .order_by("regency__code")
            )
        parts = list(self.round.weighting.parts.all())
        parts.sort(key=lambda part: PART_ORDER.index(part.kind))
        return super().get_context_data(
            round=self.round,
            parts=parts,
            ranking=ranked_scores(self.round) if self.round.is_published else [],
            members=members,
            staff=staff,
            can_manage=services.can_manage(user),
            assessors=list(assessors()) if services.can_manage(user) else [],
            **kwargs,
        )


class AssignView(PermissionRequiredMixin, RoundMixin, View):
    permission_required = services.MANAGE

    def post(self, request, year, pk):
        assessment = get_object_or_404(Assessment, round=self.round, pk=pk)
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("assessor", [])))
            return redirect("evaluation:round", year)
        try:
            services.assign(request.user, assessment.pk, form.cleaned_data["assessor"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Assessor of %(regency)s saved.") % {"regency": assessment.regency.name})
        return redirect("evaluation:round", year)


class PublishView(PermissionRequiredMixin, RoundMixin, View):
    permission_required = services.MANAGE

    def post(self, request, year):
        try:
            services.publish(request.user, self.round.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(round)s is published.") % {"round": self.round})
        return redirect("evaluation:round", year)


class AssessmentMixin(LoginRequiredMixin):
    @cached_property
    def assessment(self):
        queryset = Assessment.objects.visible_to(self.request.user).select_related(
            "round__weighting", "regency__province", "mou__cohort", "assessor"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def answers(self):
        return list(
            self.assessment.answers.select_related("criterion__part").prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.select_related("programme__plan", "checked_by"))
            )
        )


class AssessmentView(AssessmentMixin, TemplateView):
    """One member's assessment: the officers fill it in, the assigned assessor checks and confirms it, staff and
    (once published) everyone else read it."""

    template_name = "evaluation/assessment.html"

    def roles(self):
        user, assessment = self.request.user, self.assessment
        is_open = not assessment.round.is_published
        officer = assessment.regency_id in officer_regency_ids(user)
        return {
            "can_fill": officer and is_open and assessment.status == AssessmentStatus.DRAFT,
            "can_confirm": is_open
            and assessment.status == AssessmentStatus.SUBMITTED
            and assessment.assessor_id == user.pk
            and services.can_assess(user),
            "sees_evidence": officer or user.has_perm("evaluation.view_assessment"),
        }

    def get_context_data(self, answers_form=None, confirm_form=None, evidence_form=None, **kwargs):
        assessment, roles = self.assessment, self.roles()
        answers = self.answers()
        answers.sort(key=lambda a: (PART_ORDER.index(a.criterion.part.kind), a.criterion.order, a.criterion.pk))
        if roles["can_fill"] and answers_form is None:
            answers_form = AnswersForm(answers=answers, prefill=services.prefill_outcome(assessment, answers))
        if roles["can_fill"] and evidence_form is None:
            evidence_form = EvidenceForm(answers=answers, programmes=self.programmes())
        if roles["can_confirm"] and confirm_form is None:
            confirm_form = AnswersForm(answers=answers, value_field="confirmed_value", note_field="assessor_note")
        score = (
            Score.objects.filter(assessment=assessment).first()
            if (assessment.status == AssessmentStatus.FINALISED)
            else None
        )
        return super().get_context_data(
            assessment=assessment,
            answers=answers,
            answers_form=answers_form,
            confirm_form=confirm_form,
            evidence_form=evidence_form,
            check_form=CheckEvidenceForm() if roles["can_confirm"] else None,
            score=score,
            part_kinds=PartKind,
            due=assessment.round.due,
            late=timezone.localdate() > assessment.round.due.date,
            **roles,
            **kwargs,
        )

    def programmes(self):
        return Programme.objects.filter(
            plan__regency_id=self.assessment.regency_id, plan__status=PlanStatus.APPROVED
        ).order_by("name")


class AssessmentStepView(AssessmentView):
    """The POSTs of the assessment page: each calls one service step and shows the page again on an error."""

    http_method_names = ["post"]

    def post(self, request, pk, step):
        handler = getattr(self, f"step_{step.replace('-', '_')}", None)
        if handler is None:
            raise Http404
        try:
            return handler(request)
        except PermissionDenied:
            raise
        except (Answer.DoesNotExist, Evidence.DoesNotExist):
            raise Http404 from None

    def done(self, message):
        messages.success(self.request, message)
        return redirect(self.assessment.get_absolute_url())

    def refused(self, exc, **forms):
        if not forms:
            messages.error(self.request, " ".join(exc.messages))
            return redirect(self.assessment.get_absolute_url())
        for form in forms.values():
            apply_errors(form, exc)
        return self.render_to_response(self.get_context_data(**forms), status=400)

    def step_save(self, request):
        form = AnswersForm(request.POST, answers=self.answers())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(answers_form=form), status=400)
        try:
            services.save_self_assessment(request.user, self.assessment.pk, form.values())
        except ValidationError as exc:
            return self.refused(exc, answers_form=form)
        return self.done(_("Draft saved."))

    def step_submit(self, request):
        try:
            services.submit(request.user, self.assessment.pk)
        except ValidationError as exc:
            return self.refused(exc)
        return self.done(_("Self-assessment submitted to the ministry."))

    def step_evidence(self, request):
        answers = self.answers()
        form = EvidenceForm(request.POST, request.FILES, answers=answers, programmes=self.programmes())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(evidence_form=form), status=400)
        answer = {a.pk: a for a in answers}.get(form.cleaned_data["answer"])
        try:
            services.add_evidence(
                request.user,
                answer.pk,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                programme_id=form.cleaned_data["programme"],
            )
        except ValidationError as exc:
            return self.refused(exc, evidence_form=form)
        return self.done(_("Evidence added to %(criterion)s.") % {"criterion": answer.criterion.name})

    def evidence(self):
        return get_object_or_404(
            Evidence, answer__assessment=self.assessment, pk=self.request.POST.get("evidence") or 0
        )

    def step_remove_evidence(self, request):
        try:
            services.remove_evidence(request.user, self.evidence().pk)
        except ValidationError as exc:
            return self.refused(exc)
        return self.done(_("Evidence removed."))

    def step_check(self, request):
        evidence = self.evidence()
        form = CheckEvidenceForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(self.assessment.get_absolute_url())
        try:
            services.check_evidence(request.user, evidence.pk, form.cleaned_data["status"], form.cleaned_data["reason"])
        except ValidationError as exc:
            return self.refused(exc)
        return self.done(
            _("Evidence marked %(status)s.") % {"status": EvidenceStatus(form.cleaned_data["status"]).label.lower()}
        )

    def step_confirm(self, request):
        form = AnswersForm(
            request.POST, answers=self.answers(), value_field="confirmed_value", note_field="assessor_note"
        )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(confirm_form=form), status=400)
        try:
            services.confirm(request.user, self.assessment.pk, form.values())
        except ValidationError as exc:
            return self.refused(exc, confirm_form=form)
        return self.done(_("Confirmed values saved."))

    def step_finalise(self, request):
        try:
            services.finalise(request.user, self.assessment.pk)
        except ValidationError as exc:
            return self.refused(exc)
        return self.done(_("Assessment finalised; its score is computed."))


class EvidenceFileView(AssessmentMixin, View):
    """An evidence file, for ministry staff and the regency's officers only (404 for everyone else)."""

    def get(self, request, pk, evidence):
        user = request.user
        if not (user.has_perm("evaluation.view_assessment") or self.assessment.regency_id in officer_regency_ids(user)):
            raise Http404
        item = get_object_or_404(Evidence, answer__assessment=self.assessment, pk=evidence)
        if not item.file:
            raise Http404
        try:
            handle = item.file.open("rb")
        except FileNotFoundError:
            logger.error("An evaluation evidence file is missing from storage: %s", item.file.name)
            raise Http404 from None
        suffix = PurePath(item.file.name).suffix
        name = f"bukti-{self.assessment.round.year}-{self.assessment.regency.code}-{item.pk}{suffix}"
        return FileResponse(handle, as_attachment=True, filename=name)


class BimtekStageView(PermissionRequiredMixin, FormView):
    """Record or edit one bimtek stage of a member, under its active MoU: ministry admins only (403 for others,
    before any 404), then back to the regency's page."""

    permission_required = services.RECORD_BIMTEK
    form_class = BimtekSessionForm
    template_name = "evaluation/bimtek_form.html"

    @cached_property
    def regency(self):
        return get_object_or_404(Regency.objects.select_related("province"), code=self.kwargs["code"])

    @cached_property
    def stage(self):
        if self.kwargs["stage"] not in BimtekStage.values:
            raise Http404
        return BimtekStage(self.kwargs["stage"])

    @cached_property
    def session(self):
        """The stage's record under the regency's active MoU, or a new one; 404 for a regency without one."""
        stage = self.stage
        mou = services.bimtek_mou(self.regency)
        if mou is None:
            raise Http404
        existing = BimtekSession.objects.filter(mou=mou, stage=stage).first()
        return existing or BimtekSession(regency=self.regency, mou=mou, stage=stage)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.session}

    def get_success_url(self):
        return reverse("dashboard-regency", args=[self.regency.code]) + "#bimtek"

    def form_valid(self, form):
        try:
            services.record_bimtek(self.request.user, form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Bimtek stage %(stage)s of %(regency)s saved.")
            % {"stage": self.stage.label, "regency": self.regency.name},
        )
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            regency=self.regency, stage=self.stage, session=self.session, back=self.get_success_url(), **kwargs
        )
