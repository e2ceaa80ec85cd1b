import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from mou import tabular
from mou.choices import MoUStatus
from mou.filters import MoUFilterSet
from mou.forms import CohortForm, EndMoUForm, GoalForm, ImportForm, MoUForm
from mou.models import Cohort, Goal, MoU
from mou.services import end_mou
from regencies.views import FilteredListView

IMPORT_SESSION_KEY = "mou_import"
logger = logging.getLogger(__name__)


class StaffPermissionMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the sign-in page; signed-in users without the permission get 403."""

    permission_required = "mou.view_mou"


def mou_queryset():
    return MoU.objects.select_related("regency__province", "cohort", "event")


class MoUListView(StaffPermissionMixin, FilteredListView):
    template_name = "mou/mou_list.html"
    filterset_class = MoUFilterSet
    context_object_name = "mous"

    def get_base_queryset(self):
        return mou_queryset()


class MoUExportView(StaffPermissionMixin, View):
    """The list's current filter as a file; the same filterset, so the same 400 for bad filters."""

    content_types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    def get(self, request, file_format):
        filterset = MoUFilterSet(request.GET or None, queryset=MoU.objects.all(), request=request)
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponse(
                _("The filter could not be applied: %(errors)s") % {"errors": filterset.form.errors.as_text()},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(tabular.export(filterset.qs, file_format), content_type=self.content_types[file_format])
        response["Content-Disposition"] = f'attachment; filename="{tabular.export_filename(file_format)}"'
        return response


class MoUDetailView(StaffPermissionMixin, DetailView):
    template_name = "mou/mou_detail.html"
    context_object_name = "mou"

    def get_queryset(self):
        return mou_queryset()

    def get_context_data(self, **kwargs):
        records = list(self.object.history.select_related("history_user").order_by("-history_date", "-history_id"))
        return super().get_context_data(history=readable_history(records), **kwargs)


def readable_history(records):
    """History entries, newest first, with each change as a field label and values people read: choice labels
    and the names of related records (fetched once per related model), never raw field names or ids."""
    pairs = [
        (record, record.diff_against(previous).changes if previous else [])
        for record, previous in zip(records, [*records[1:], None], strict=True)
    ]
    related = {}
    for _record, changes in pairs:
        for change in changes:
            field = MoU._meta.get_field(change.field)
            if field.is_relation:
                related.setdefault(field.related_model, set()).update({change.old, change.new} - {None})
    names = {model: model._default_manager.in_bulk(ids) for model, ids in related.items()}

    def shown(field, value):
        if value in (None, ""):
            return "—"
        if field.is_relation:
            return str(names[field.related_model].get(value, value))
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    history = []
    for record, changes in pairs:
        readable = []
        for change in changes:
            field = MoU._meta.get_field(change.field)
            readable.append(
                {"field": field.verbose_name, "old": shown(field, change.old), "new": shown(field, change.new)}
            )
        history.append({"record": record, "changes": readable})
    return history


class MoUFormMixin:
    model = MoU
    form_class = MoUForm
    template_name = "mou/mou_form.html"

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except IntegrityError:
            # Another user recorded an active MoU for this regency between our check and our save.
            form.add_error("regency", _("This regency/city already has an active MoU."))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"mou": self.object})
        return response


class MoUCreateView(StaffPermissionMixin, MoUFormMixin, CreateView):
    permission_required = "mou.add_mou"
    success_message = gettext_lazy("The MoU of %(mou)s was recorded.")


class MoUUpdateView(StaffPermissionMixin, MoUFormMixin, UpdateView):
    permission_required = "mou.change_mou"
    success_message = gettext_lazy("The MoU of %(mou)s was saved.")

    def get_queryset(self):
        return mou_queryset()


class MoUEndView(StaffPermissionMixin, FormView):
    permission_required = "mou.end_mou"
    form_class = EndMoUForm
    template_name = "mou/mou_end.html"

    @cached_property
    def mou(self):
        return get_object_or_404(mou_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(mou=self.mou, **kwargs)

    def form_valid(self, form):
        try:
            end_mou(
                self.mou.pk,
                status=form.cleaned_data["status"],
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("The MoU of %(mou)s has ended.") % {"mou": self.mou})
        return redirect(self.mou)


class MoUDocumentView(View):
    """The scanned MoU, for staff only: everyone else gets 404, as if the file did not exist."""

    def get(self, request, pk):
        if not request.user.has_perm("mou.view_mou_document"):
            raise Http404
        mou = get_object_or_404(MoU.objects.select_related("regency"), pk=pk)
        if not mou.document:
            raise Http404
        try:
            document = mou.document.open("rb")
        except FileNotFoundError:
            logger.error("The scan of MoU %s is missing from storage: %s", mou.pk, mou.document.name)
            raise Http404 from None
        return FileResponse(
            document,
            as_attachment=True,
            filename=mou.document_filename(),
            content_type="application/pdf",
        )


class CohortListView(StaffPermissionMixin, ListView):
    template_name = "mou/cohort_list.html"
    context_object_name = "cohorts"

    def get_queryset(self):
        active = Q(mous__status=MoUStatus.ACTIVE)
        return Cohort.objects.annotate(
            real_members=Count("mous", distinct=True, filter=active & Q(mous__is_demo=False)),
            demo_members=Count("mous", distinct=True, filter=active & Q(mous__is_demo=True)),
            event_count=Count("events", distinct=True),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(goals=Goal.objects.all(), **kwargs)


class CohortDetailView(StaffPermissionMixin, DetailView):
    template_name = "mou/cohort_detail.html"
    context_object_name = "cohort"
    slug_field = "year"
    slug_url_kwarg = "year"
    queryset = Cohort.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mous=mou_queryset().filter(cohort=self.object).order_by("regency__code"),
            events=self.object.events.all(),
            **kwargs,
        )


class CohortFormMixin:
    model = Cohort
    form_class = CohortForm
    template_name = "mou/cohort_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.success_message % {"cohort": self.object})
        return response


class CohortCreateView(StaffPermissionMixin, CohortFormMixin, CreateView):
    """Ministry admins add a cohort; ``?year=`` fills in the year (the MoU form links here with it)."""

    permission_required = "mou.add_cohort"
    success_message = gettext_lazy("The cohort %(cohort)s was added.")

    def get_initial(self):
        year = self.request.GET.get("year", "")
        return {"year": int(year)} if year.isdigit() and len(year) == 4 else {}


class CohortUpdateView(StaffPermissionMixin, CohortFormMixin, UpdateView):
    permission_required = "mou.change_cohort"
    success_message = gettext_lazy("The cohort %(cohort)s was saved.")
    slug_field = "year"
    slug_url_kwarg = "year"
    queryset = Cohort.objects.all()


class GoalFormMixin:
    model = Goal
    form_class = GoalForm
    template_name = "mou/goal_form.html"

    def get_success_url(self):
        return reverse("mou:cohort-list")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.success_message % {"goal": self.object})
        return response


class GoalCreateView(StaffPermissionMixin, GoalFormMixin, CreateView):
    permission_required = "mou.add_goal"
    success_message = gettext_lazy("The goal %(goal)s was added.")


class GoalUpdateView(StaffPermissionMixin, GoalFormMixin, UpdateView):
    permission_required = "mou.change_goal"
    success_message = gettext_lazy("The goal %(goal)s was saved.")
    queryset = Goal.objects.all()


class ImportPreviewMixin:
    """Step one of an import from a file, for every app's imports: read the upload, show what each row would do and
    keep the rows in the session under a token for step two (which validates them again). Nothing is saved here.
    A view says how to ``read`` the file's content and ``validate`` its rows, and under which ``session_key``."""

    form_class = ImportForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            rows = self.read(upload.name, upload.read())
        except tabular.ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        preview = self.validate(rows)
        token = uuid.uuid4().hex
        self.request.session[self.session_key] = {
            "token": token,
            "filename": upload.name,
            "rows": rows,
            "outcome": preview.outcome(),
        }
        return self.render_to_response(
            self.get_context_data(form=form, preview=preview, token=token, filename=upload.name)
        )


class MoUImportView(StaffPermissionMixin, ImportPreviewMixin, FormView):
    """Step one: upload a file and see what it would do."""

    permission_required = "mou.import_mou"
    template_name = "mou/mou_import.html"
    session_key = IMPORT_SESSION_KEY

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            required_columns=tabular.REQUIRED_COLUMNS, optional_columns=tabular.OPTIONAL_COLUMNS, **kwargs
        )

    def read(self, name, content):
        return tabular.read_file(name, content)

    def validate(self, rows):
        return tabular.validate(rows)[0]


class MoUImportConfirmView(StaffPermissionMixin, View):
    """Step two: save the previewed rows, all in one transaction, if they still validate as previewed."""

    permission_required = "mou.import_mou"

    def post(self, request):
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("token"):
            messages.error(request, _("This import preview has expired. Please upload the file again."))
            return redirect("mou:mou-import")
        with translation.override(settings.LANGUAGE_CODE):  # the history speaks one language, whoever acted
            reason = _("Imported from %(filename)s") % {"filename": pending["filename"]}
        try:
            preview, saved = tabular.apply(pending["rows"], pending["outcome"], reason)
        except IntegrityError:
            saved, preview = False, None
        if not saved:
            messages.error(
                request,
                _("The data changed since the preview, so nothing was saved. Please check the new preview."),
            )
            return redirect("mou:mou-import")
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            _("Import saved: %(added)d added, %(changed)d changed, %(rejected)d rows skipped.")
            % {
                "added": preview.count(tabular.ADD),
                "changed": preview.count(tabular.CHANGE),
                "rejected": preview.count(tabular.REJECT),
            },
        )
        return redirect("mou:mou-list")
