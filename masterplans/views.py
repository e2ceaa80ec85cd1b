"""Pages for master plans. Views stay thin: who may see a plan is ``MasterPlan.objects.visible_to``, and every
change goes through ``masterplans.services``, which checks roles and statuses again under a row lock."""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from masterplans import services, spreadsheets
from masterplans.choices import (
    REVIEW_QUEUE_STATUSES,
    BimtekStage,
    EvidenceStatus,
    FundingSource,
    Horizon,
    PlanAction,
    PlanStatus,
)
from masterplans.filters import PlanFilterSet
from masterplans.forms import (
    AttachmentForm,
    DecisionForm,
    EvidenceCheckForm,
    MasterPlanForm,
    ProgrammeForm,
    ProgressUpdateForm,
)
from masterplans.models import (
    LAST_YEAR,
    Dimension,
    MasterPlan,
    PlanAttachment,
    PlanEvent,
    Programme,
    ProgressUpdate,
    officer_regency_ids,
)
from masterplans.progress import default_quarter, reportable_quarters, rollup
from masterplans.schedule import Quarter
from mou.choices import MoUStatus
from mou.models import FIRST_PROGRAMME_YEAR, MoU
from mou.views import ImportPreviewMixin
from regencies.models import Regency
from regencies.views import FilteredListView

logger = logging.getLogger(__name__)


def plans_for_lists():
    return MasterPlan.objects.select_related("regency__province", "mou__cohort")


def visible_plan(request, pk):
    """The plan, if ``request.user`` may see it; 404 otherwise, as if it did not exist."""
    queryset = MasterPlan.objects.visible_to(request.user).select_related(
        "regency__province", "mou__cohort", "previous"
    )
    return get_object_or_404(queryset, pk=pk)


def apply_errors(form, exc):
    """Put a service's ``ValidationError`` on the form: on its fields where it names them, on top otherwise."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class PlanListView(FilteredListView):
    """Every plan the visitor may see: approved and superseded ones for the public, more for officers and staff."""

    template_name = "masterplans/plan_list.html"
    filterset_class = PlanFilterSet
    context_object_name = "plans"

    def get_base_queryset(self):
        return plans_for_lists().visible_to(self.request.user).order_by("regency__code", "-version")


class ReviewQueueView(PermissionRequiredMixin, FilteredListView):
    """Plans waiting for the ministry, oldest submission first."""

    permission_required = "masterplans.review_masterplan"
    template_name = "masterplans/review_queue.html"
    filterset_class = PlanFilterSet
    context_object_name = "plans"

    def get_base_queryset(self):
        return (
            plans_for_lists()
            .filter(status__in=REVIEW_QUEUE_STATUSES)
            .annotate(programme_count=Count("programmes"))
            .order_by("submitted_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for plan in context["plans"]:
            plan.age_days = (now - plan.submitted_at).days if plan.submitted_at else None
        return context


class MyRegencyView(LoginRequiredMixin, TemplateView):
    """An officer's regencies: the MoU, every plan version, where the current one stands, what the ministry said."""

    template_name = "masterplans/my_regency.html"

    def get_context_data(self, **kwargs):
        ids = officer_regency_ids(self.request.user)
        if not ids:
            raise PermissionDenied(_("This page is for officers of a regency or city."))
        regencies = (
            Regency.objects.filter(pk__in=ids)
            .select_related("province")
            .prefetch_related(
                Prefetch(
                    "mous", MoU.objects.filter(status=MoUStatus.ACTIVE).select_related("cohort"), to_attr="active"
                ),
                Prefetch("plans", MasterPlan.objects.order_by("-version"), to_attr="versions"),
            )
        )
        feedback = {}
        events = PlanEvent.objects.filter(
            plan__regency__in=ids, action__in=[PlanAction.REVISION_REQUESTED, PlanAction.APPROVED]
        ).select_related("actor")
        for event in events.order_by("created_at", "pk"):
            feedback[event.plan_id] = event  # the latest decision of each plan
        rows = []
        for regency in regencies:
            current = next((p for p in regency.versions if p.status != PlanStatus.SUPERSEDED), None)
            approved = next((p for p in regency.versions if p.status == PlanStatus.APPROVED), None)
            rows.append(
                {
                    "regency": regency,
                    "mou": regency.active[0] if regency.active else None,
                    "current": current,
                    "approved": approved,
                    "feedback": feedback.get(current.pk) if current else None,
                    "versions": regency.versions,
                    "can_start": bool(regency.active) and (current is None or current.status == PlanStatus.APPROVED),
                }
            )
        return super().get_context_data(rows=rows, **kwargs)


class PlanCreateView(LoginRequiredMixin, FormView):
    form_class = MasterPlanForm
    template_name = "masterplans/plan_form.html"

    @cached_property
    def regency(self):
        regency = get_object_or_404(Regency.objects.select_related("province"), code=self.kwargs["code"])
        if regency.pk not in officer_regency_ids(self.request.user):
            raise Http404
        return regency

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": MasterPlan(regency=self.regency)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(regency=self.regency, **kwargs)

    def form_valid(self, form):
        plan = form.save(commit=False)
        try:
            services.create_draft(self.request.user, plan, form.cleaned_data["not_applicable"])
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft was saved. Add its programmes next."))
        return redirect(plan)


class PlanMixin(AccessMixin):
    """Pages of one plan: 404 unless the visitor may see it (anyone may see an approved plan)."""

    @cached_property
    def plan(self):
        return visible_plan(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class EditablePlanMixin(PlanMixin):
    """Pages that change a plan: its regency's officers, while it is a draft or sent back (403 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.is_officer_of(request.user, self.plan.regency_id):
            raise PermissionDenied(_("Only the regency's officers may change its plan."))
        if not self.plan.is_editable:
            messages.error(
                request,
                _("This plan is %(status)s and cannot be changed.")
                % {"status": self.plan.get_status_display().lower()},
            )
            return redirect(self.plan)
        return super().dispatch(request, *args, **kwargs)


class PlanDetailView(PlanMixin, TemplateView):
    """The plan for everyone who may see it; also the review page, with the decision form for reviewers."""

    template_name = "masterplans/plan_detail.html"
    decision_form = None

    def get_context_data(self, **kwargs):
        plan, user = self.plan, self.request.user
        programmes = list(plan.programmes.select_related("dimension", "sub_dimension"))
        dimensions = list(Dimension.objects.all())
        not_applicable = set(plan.not_applicable.values_list("pk", flat=True))
        horizon_order = {value: index for index, value in enumerate(Horizon.values)}
        by_dimension = {dimension.pk: {"dimension": dimension, "programmes": []} for dimension in dimensions}
        for programme in sorted(programmes, key=lambda p: (horizon_order[p.horizon], p.name)):
            by_dimension[programme.dimension_id]["programmes"].append(programme)
        totals = plan.programmes.values("dimension").annotate(total=Sum("budget"), count=Count("pk"))
        for row in totals:
            by_dimension[row["dimension"]].update(total=row["total"], count=row["count"])
        for group in by_dimension.values():
            group["not_applicable"] = group["dimension"].pk in not_applicable
        funding_labels = dict(FundingSource.choices)
        funding = [
            {"label": funding_labels[row["funding_source"]], "total": row["total"], "count": row["count"]}
            for row in plan.programmes.values("funding_source")
            .annotate(total=Sum("budget"), count=Count("pk"))
            .order_by("funding_source")
        ]
        is_officer = services.is_officer_of(user, plan.regency_id)
        is_reviewer = services.can_review(user)
        context = super().get_context_data(
            groups=list(by_dimension.values()),
            programme_count=len(programmes),
            budget_total=sum(p.budget for p in programmes),
            funding=funding,
            attachments=list(plan.attachments.all()),
            events=list(plan.events.select_related("actor")),
            is_officer=is_officer,
            can_edit=is_officer and plan.is_editable,
            can_take_up=is_reviewer and plan.status == PlanStatus.SUBMITTED,
            # A reviewer decides on a waiting plan at once (the page takes it up with the decision), as after a
            # resubmission; taking it up alone stays possible, to show colleagues that someone has it.
            can_decide=is_reviewer and plan.status in (PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW),
            can_start_version=is_officer and plan.status == PlanStatus.APPROVED,
            **kwargs,
        )
        if context["can_edit"]:
            context["problems"] = services.completeness_problems(plan, programmes, dimensions, not_applicable)
        if context["can_decide"]:
            context["decision_form"] = self.decision_form or DecisionForm()
        return context


class PlanUpdateView(EditablePlanMixin, FormView):
    form_class = MasterPlanForm
    template_name = "masterplans/plan_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.plan}

    def get_context_data(self, **kwargs):
        return super().get_context_data(regency=self.plan.regency, **kwargs)

    def form_valid(self, form):
        fields = [name for name in form._meta.fields if name != "not_applicable"]
        try:
            with services.editing(self.request.user, self.plan.pk):
                form.save(commit=False).save(update_fields=[*fields, "updated_at"])  # status and dates stay as locked
                form.save_m2m()
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan was saved."))
        return redirect(self.plan)


class ProgrammeFormView(EditablePlanMixin, FormView):
    form_class = ProgrammeForm
    template_name = "masterplans/programme_form.html"

    @cached_property
    def programme(self):
        if "programme" not in self.kwargs:
            return Programme(plan=self.plan)
        return get_object_or_404(self.plan.programmes.all(), pk=self.kwargs["programme"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.programme}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        try:
            services.save_programme(self.request.user, form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The programme %(name)s was saved.") % {"name": form.instance.name})
        return redirect(reverse("masterplans:plan-detail", kwargs={"pk": self.plan.pk}) + "#programmes")


class ProgrammeDeleteView(EditablePlanMixin, TemplateView):
    template_name = "masterplans/programme_confirm_delete.html"

    @cached_property
    def programme(self):
        return get_object_or_404(self.plan.programmes.all(), pk=self.kwargs["programme"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.delete_programme(request.user, self.programme)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The programme %(name)s was removed.") % {"name": self.programme.name})
        return redirect(self.plan)


class AttachmentCreateView(EditablePlanMixin, FormView):
    form_class = AttachmentForm
    template_name = "masterplans/attachment_form.html"

    def form_valid(self, form):
        try:
            services.add_attachment(
                self.request.user, self.plan.pk, form.cleaned_data["title"], form.cleaned_data["file"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The document was added."))
        return redirect(self.plan)


class AttachmentDeleteView(EditablePlanMixin, View):
    def post(self, request, *args, **kwargs):
        attachment = get_object_or_404(self.plan.attachments.all(), pk=self.kwargs["attachment"])
        try:
            services.remove_attachment(request.user, attachment)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The document %(title)s was removed.") % {"title": attachment.title})
        return redirect(self.plan)


class TransitionView(PlanMixin, View):
    """A workflow step without input (submit, take up, start a new version), as a POST from the plan page."""

    steps = {
        "submit": (services.submit, gettext_lazy("The plan was submitted for review.")),
        "take-up": (services.take_up, gettext_lazy("You took up this plan for review.")),
        "new-version": (services.start_new_version, gettext_lazy("A new version was started as a copy of this plan.")),
    }

    def post(self, request, pk, step):
        if step not in self.steps:
            raise Http404
        function, success = self.steps[step]
        try:
            plan = function(self.plan.pk, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(self.plan)
        messages.success(request, success)
        return redirect(plan)


class DecisionView(PlanDetailView):
    """A reviewer approves a plan in review or sends it back, with a comment either way."""

    def get(self, request, *args, **kwargs):
        return redirect(self.plan)

    def post(self, request, *args, **kwargs):
        plan = self.plan  # a plan the user may not see answers 404 before any 403
        if not services.can_review(request.user):
            raise PermissionDenied(_("Only ministry reviewers may do this."))
        form = DecisionForm(request.POST)
        if form.is_valid():
            approving = form.cleaned_data["decision"] == DecisionForm.APPROVE
            decide = services.approve if approving else services.request_revision
            try:
                decide(plan.pk, request.user, form.cleaned_data["comment"], take_up=True)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # the plan moved on (another reviewer decided first)
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect(plan)
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your decision was recorded and the regency's officers were told."))
                return redirect(plan)
        self.decision_form = form
        return self.render_to_response(self.get_context_data(), status=400)


class ProgressView(PlanMixin, TemplateView):
    """A plan's progress in one quarter: each programme's update (or that it is missing) and the roll-up."""

    template_name = "masterplans/progress.html"
    check_forms = {}  # by update: a reviewer's form sent back with its errors

    def get(self, request, *args, **kwargs):
        self.quarters = reportable_quarters(self.plan)
        wanted = request.GET.get("quarter")
        if not self.quarters:
            self.quarter = None
        elif wanted:
            matches = [q for q in self.quarters if str(q) == wanted]
            if not matches:
                return self.render_to_response(self.get_context_data(bad_quarter=wanted), status=400)
            self.quarter = matches[0]
        else:
            self.quarter = default_quarter(self.quarters)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        plan, quarter, user = self.plan, getattr(self, "quarter", None), self.request.user
        programmes = list(plan.programmes.select_related("dimension"))
        is_officer = services.is_officer_of(user, plan.regency_id)
        can_check = services.can_check_evidence(user)
        context = super().get_context_data(
            quarters=self.quarters,
            quarter=quarter,
            programmes=programmes,
            can_report=plan.status == PlanStatus.APPROVED and is_officer,
            can_check=can_check,
            # The reasons of a check are for the regency's officers and the ministry; everyone sees the flag.
            sees_checks=is_officer or can_check or user.has_perm("masterplans.view_masterplan"),
            **kwargs,
        )
        if quarter:
            updates = ProgressUpdate.objects.filter(
                programme__plan=plan, year=quarter.year, quarter=quarter.quarter
            ).select_related("evidence_checked_by")
            by_programme = {update.programme_id: update for update in updates}
            for programme in programmes:
                programme.update = by_programme.get(programme.pk)
                programme.expected = programme.runs_in(quarter.year)
                if can_check and programme.update and programme.update.evidence:
                    update = programme.update
                    update.check_form = self.check_forms.get(update.pk) or EvidenceCheckForm(update=update)
            context.update(
                due=quarter.due(),
                rollup=rollup(plan, quarter),
                missing=sum(1 for p in programmes if p.expected and not p.update),
                with_evidence=[p for p in programmes if p.update and p.update.evidence],
            )
        return context


class EvidenceCheckView(ProgressView):
    """A ministry reviewer marks one update's evidence verified, or rejected with a reason, from the progress page."""

    def get(self, request, *args, **kwargs):
        return redirect("masterplans:plan-progress", pk=self.plan.pk)

    def post(self, request, *args, **kwargs):
        plan = self.plan  # a plan the user may not see answers 404 before any 403
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_check_evidence(request.user):
            raise PermissionDenied(_("Only ministry reviewers may check evidence."))
        updates = ProgressUpdate.objects.select_related("programme")
        update = get_object_or_404(updates, programme__plan=plan, pk=self.kwargs["update"])
        update.programme.plan = plan
        quarter = Quarter(update.year, update.quarter)
        back = reverse("masterplans:plan-progress", kwargs={"pk": plan.pk}) + f"?quarter={quarter}#evidence-{update.pk}"
        form = EvidenceCheckForm(request.POST, update=update)
        if form.is_valid():
            status = form.cleaned_data["status"]
            try:
                services.check_evidence(
                    request.user, update.pk, status, form.cleaned_data["reason"], seen=form.cleaned_data["seen"] or None
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # the file changed (or went) since the page showed it
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect(back)
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The evidence of %(programme)s for %(quarter)s is marked %(status)s.")
                    % {
                        "programme": update.programme.name,
                        "quarter": quarter.label,
                        "status": str(EvidenceStatus(status).label).lower(),
                    },
                )
                return redirect(back)
        self.quarters = reportable_quarters(plan)
        self.quarter = next((q for q in self.quarters if q == quarter), quarter)
        self.check_forms = {update.pk: form}
        return self.render_to_response(self.get_context_data(), status=400)


class ProgressFormView(PlanMixin, FormView):
    """Enter or correct one programme's progress for one quarter; corrections keep the earlier figures in history."""

    form_class = ProgressUpdateForm
    template_name = "masterplans/progress_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.is_officer_of(request.user, self.plan.regency_id):
            raise PermissionDenied(_("Only the regency's officers report its progress."))
        if self.plan.status != PlanStatus.APPROVED:
            messages.error(request, _("Progress is reported on the approved plan only."))
            return redirect(self.plan)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def quarter(self):
        if self.kwargs["quarter"] not in (1, 2, 3, 4) or not FIRST_PROGRAMME_YEAR <= self.kwargs["year"] <= LAST_YEAR:
            raise Http404
        return Quarter(self.kwargs["year"], self.kwargs["quarter"])

    @cached_property
    def update(self):
        programme = get_object_or_404(self.plan.programmes.all(), pk=self.kwargs["programme"])
        programme.plan = self.plan
        existing = programme.progress_updates.filter(year=self.quarter.year, quarter=self.quarter.quarter).first()
        return existing or ProgressUpdate(programme=programme, year=self.quarter.year, quarter=self.quarter.quarter)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.update}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            update=self.update, programme=self.update.programme, quarter=self.quarter, due=self.quarter.due(), **kwargs
        )

    def form_valid(self, form):
        try:
            services.save_progress(self.request.user, form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Progress of %(programme)s for %(quarter)s was saved.")
            % {"programme": self.update.programme.name, "quarter": self.quarter.label},
        )
        return redirect(reverse("masterplans:plan-progress", kwargs={"pk": self.plan.pk}) + f"?quarter={self.quarter}")


class FileView(LoginRequiredMixin, PlanMixin, View):
    """A plan's file, for those who may see the plan and are signed in; 404 for everyone else."""

    def get(self, request, *args, **kwargs):
        field, filename = self.get_file()
        if not field:
            raise Http404
        try:
            handle = field.open("rb")
        except FileNotFoundError:
            logger.error("A master-plan file is missing from storage: %s", field.name)
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=filename)

    def file_stem(self):
        return self.plan.file_stem()


class PlanDocumentView(FileView):
    def get_file(self):
        return self.plan.main_document, f"{self.file_stem()}.pdf"


class AttachmentDownloadView(FileView):
    def get_file(self):
        attachment = get_object_or_404(PlanAttachment, plan=self.plan, pk=self.kwargs["attachment"])
        return attachment.file, f"{self.file_stem()}-lampiran-{attachment.pk}.pdf"


class EvidenceDownloadView(FileView):
    def get_file(self):
        updates = ProgressUpdate.objects.select_related("programme")
        update = get_object_or_404(updates, programme__plan=self.plan, pk=self.kwargs["update"])
        update.programme.plan = self.plan
        return update.evidence, update.evidence_filename()


def import_session_key(plan):
    return f"programme_import_{plan.pk}"


class ProgrammeExportView(PlanMixin, View):
    """A plan's programmes as CSV or XLSX, for whoever may see the plan (``template``: the same layout, no rows)."""

    template = False

    def get(self, request, pk, file_format):
        plan = self.plan
        programmes = []
        if not self.template:
            programmes = sorted(
                plan.programmes.select_related("dimension", "sub_dimension"),
                key=lambda p: (p.dimension.order, p.dimension.code, Horizon.values.index(p.horizon), p.name, p.pk),
            )
        content = spreadsheets.export(plan, programmes, file_format)
        response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES[file_format])
        filename = spreadsheets.export_filename(plan, file_format, template=self.template)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ProgrammeImportView(EditablePlanMixin, ImportPreviewMixin, FormView):
    """Step one: upload a spreadsheet of programmes and see what each row would do."""

    template_name = "masterplans/programme_import.html"

    @property
    def session_key(self):
        return import_session_key(self.plan)

    @cached_property
    def taxonomy(self):
        return spreadsheets.Taxonomy()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            taxonomy=self.taxonomy,
            instructions=spreadsheets.instructions(self.plan),
            columns=[(key, spreadsheets.column_label(key)) for key in spreadsheets.COLUMNS],
            choice_lists=[
                (spreadsheets.column_label("horizon"), Horizon.choices),
                (spreadsheets.column_label("funding_source"), FundingSource.choices),
                (spreadsheets.column_label("bimtek_stage"), BimtekStage.choices),
            ],
            **kwargs,
        )

    def read(self, name, content):
        return spreadsheets.read_file(name, content)

    def validate(self, rows):
        return spreadsheets.validate(self.plan, rows, self.taxonomy)[0]


class ProgrammeImportConfirmView(EditablePlanMixin, View):
    """Step two: save the previewed rows in one transaction, if they still validate as previewed."""

    def post(self, request, pk):
        key = import_session_key(self.plan)
        pending = request.session.get(key)
        again = reverse("masterplans:programme-import", kwargs={"pk": self.plan.pk})
        if not pending or pending["token"] != request.POST.get("token"):
            messages.error(request, _("This import preview has expired. Please upload the file again."))
            return redirect(again)
        try:
            preview, saved = spreadsheets.apply(
                request.user, self.plan.pk, pending["rows"], pending["outcome"], pending["filename"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(self.plan)
        except IntegrityError:
            saved = False
        if not saved:
            messages.error(
                request,
                _("The data changed since the preview, so nothing was saved. Please upload the file again."),
            )
            return redirect(again)
        del request.session[key]
        messages.success(
            request,
            _("Import saved: %(added)d added, %(changed)d changed, %(rejected)d rows skipped.")
            % {
                "added": preview.count(spreadsheets.ADD),
                "changed": preview.count(spreadsheets.CHANGE),
                "rejected": preview.count(spreadsheets.REJECT),
            },
        )
        return redirect(reverse("masterplans:plan-detail", kwargs={"pk": self.plan.pk}) + "#programmes")
