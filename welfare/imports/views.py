from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from welfare.accounts.access import RoleRequiredMixin
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.services import job_start
from welfare.core.xlsx import XLSX_CONTENT_TYPE, SheetWriter

from . import registry
from .forms import ImportForm
from .selectors import import_list
from .services import PART_BYTES, import_may_undo, import_run_create
from .tasks import import_records_task, import_undo_task

PERM = "welfare.import_records"
PROBLEMS_ON_PAGE = 500


class ImportStartView(RoleRequiredMixin, FormView):
    """Choose a kind, upload a file; the import runs as a background job with a progress bar."""

    permission_required = PERM
    template_name = "imports/start.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        user = self.request.user
        data = form.cleaned_data
        kind = registry.kind_for(data["kind"])
        upload = data["file"]
        run = import_run_create(
            user=user, kind=kind.key, file_name=upload.name, chunks=upload.chunks(PART_BYTES),
            dry_run=data["dry_run"],
        )
        label = (
            _("Check of %(file)s (%(kind)s)") if run.dry_run else _("Import of %(file)s (%(kind)s)")
        ) % {"file": upload.name, "kind": kind.label}
        job = job_start(
            user=user, task=import_records_task, kind="import", label=label[:255],
            kwargs={"run_id": run.pk}, result_url=reverse("import_result", args=[run.pk]),
        )
        run.job = job
        run.save(update_fields=["job"])
        return redirect("job_detail", pk=job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["kinds"] = registry.kinds_for(user)
        runs = list(import_list(user=user)[:30])
        context["runs"] = runs
        context["undoable"] = {r.pk for r in runs if r.undoable and import_may_undo(user=user, run=r)}
        return context


class _RunMixin(RoleRequiredMixin):
    permission_required = PERM

    def get_run(self):
        return get_object_or_404(import_list(user=self.request.user), pk=self.kwargs["pk"])


class ImportResultView(_RunMixin, DetailView):
    template_name = "imports/result.html"
    context_object_name = "run"

    def get_object(self, queryset=None):
        return self.get_run()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        kind = registry.kind_for(run.kind)
        context["kind"] = kind
        context["problems"] = [
            {"row": p[0], "sheet_row": p[1], "column": p[2], "message": p[3]}
            for p in run.problems[:PROBLEMS_ON_PAGE]
        ]
        context["more_problems"] = max(run.problem_count - PROBLEMS_ON_PAGE, 0)
        context["may_undo"] = run.undoable and import_may_undo(user=self.request.user, run=run)
        return context


class ImportErrorsView(_RunMixin, View):
    """The problems as an XLSX report: the contract's row N, the spreadsheet's row, the column
    and the message, through the one XLSX writer."""

    def get(self, request, pk):
        run = self.get_run()
        writer = SheetWriter()
        writer.sheet(
            _("Problems"),
            [_("Row"), _("Spreadsheet row"), _("Column"), _("Problem")],
            (
                [p[0] if p[0] is not None else _("header"), p[1], p[2], p[3]]
                for p in run.problems
            ),
            widths=[10, 16, 22, 90],
        )
        # The report repeats the uploaded rows' values (names, ID numbers): who took it is logged.
        access_record(
            request=request,
            action=Action.DOWNLOADED_IMPORT_PROBLEMS,
            what=f"{run.kind_label} #{run.pk} ({run.file_name})",
            obj=run,
            rows=len(run.problems),
        )
        response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.xlsx"'
        return response


class ImportTemplateView(RoleRequiredMixin, View):
    """A kind's template: row 1 the column keys, row 2 their Vietnamese labels (skipped when
    the file is imported)."""

    permission_required = PERM

    def get(self, request, kind):
        found = registry.kind_for(kind)
        if found is None or not found.may_import(request.user):
            raise Http404
        writer = SheetWriter()
        writer.sheet(
            found.key,
            [c.key for c in found.columns],
            [],
            labels=[str(c.label) + (" *" if c.required else "") for c in found.columns],
            widths=[max(16, min(40, len(str(c.label)) + 6)) for c in found.columns],
        )
        response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="mau-nhap-{found.key}.xlsx"'
        return response


class ImportUndoView(_RunMixin, View):
    """Undo a whole import (by whoever made it or an admin), as a background job."""

    def post(self, request, pk):
        run = self.get_run()
        if not (run.undoable and import_may_undo(user=request.user, run=run)):
            messages.error(request, _("This import cannot be undone by you."))
            return redirect("import_result", pk=run.pk)
        job = job_start(
            user=request.user, task=import_undo_task, kind="import_undo",
            label=(_("Undo of import %(file)s") % {"file": run.file_name})[:255],
            kwargs={"run_id": run.pk, "user_id": request.user.pk},
            result_url=reverse("import_result", args=[run.pk]),
        )
        return redirect("job_detail", pk=job.pk)
