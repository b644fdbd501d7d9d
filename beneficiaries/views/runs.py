"""Pages: payment runs (list, build, the head's review and approval, rebuild, export) and the
payments outside runs a head still has to approve."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.editing import add_service_errors
from welfare.core.formatting import group_int
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import XLSX_CONTENT_TYPE, SheetWriter

from .. import run_selectors as selectors
from .. import services
from ..models import OneOffReason, PaymentKind, Programme, SocialCategory
from ..run_forms import PendingApproveForm, RunApproveForm, RunBuildForm, RunFilterForm

def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def can_rebuild(user, run) -> bool:
    """Who may ask for a run to be built again: the same rule as `payment_run_request`."""
    if run.locked or not user.has_perm("welfare.run_jobs"):
        return False
    return run.commune_id is not None or user.has_perm("welfare.approve_payments", run)


def category_label(beneficiary) -> str:
    """The category as a reader knows it: the Art. 3 letter, or the social categories."""
    if beneficiary.category:
        return str(beneficiary.get_category_display())
    labels = dict(SocialCategory.choices)
    return "; ".join(str(labels.get(c, c)) for c in beneficiary.social_categories or [])


class RunListView(RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/run_list.html"
    paginate_by = 50

    def filter_form(self) -> RunFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = RunFilterForm(self.request.GET or None)
        return self._filter_form

    def get_queryset(self):
        return selectors.payment_run_list(user=self.request.user, **self.filter_form().values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form(),
            total=context["paginator"].count,
            querystring=pagination_querystring(self.request.GET),
            can_build=self.request.user.has_perm("welfare.run_jobs"),
            can_approve=self.request.user.has_perm("welfare.approve_payments"),
        )
        return context


class RunCreateView(RoleRequiredMixin, View):
    """Build (or rebuild) a month's list: the job builds it, its page links to the run."""

    permission_required = "welfare.run_jobs"
    template_name = "beneficiaries/run_form.html"

    def render(self, form):
        return render(self.request, self.template_name, {"form": form})

    def get(self, request):
        initial = {"month": timezone.localdate().replace(day=1)}
        initial.update({k: request.GET[k] for k in ("programme", "month", "area") if request.GET.get(k)})
        return self.render(RunBuildForm(initial=initial, user=request.user))

    def post(self, request):
        form = RunBuildForm(request.POST, user=request.user)
        if form.is_valid():
            province, commune = form.place()
            try:
                job = services.payment_run_request(
                    user=request.user,
                    programme=form.cleaned_data["programme"],
                    province=province,
                    commune=commune,
                    month=form.cleaned_data["month"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("job_detail", pk=job.pk)
        return self.render(form)


class RunDetailView(RoleRequiredMixin, View):
    """The head's review page: figures, the beneficiaries not paid, the payments, approval."""

    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/run_detail.html"

    def get(self, request, pk: int):
        user = request.user
        run = selectors.payment_run_detail(user=user, pk=pk)
        page = Paginator(selectors.run_payments(run=run), 50).get_page(request.GET.get("page"))
        for payment in page.object_list:
            payment.category_label = category_label(payment.beneficiary)
        context = {
            "run": run,
            # Who built or approved it; an account deleted since leaves no name.
            "built_by": run.built_by.display_name if run.built_by else _("system"),
            "approved_by": run.approved_by.display_name if run.approved_by else "—",
            "page_obj": page,
            "payments": page.object_list,
            "is_paginated": page.has_other_pages(),
            "querystring": "",
            "problems": run.problems or [],
            "can_approve": (
                not run.locked
                and run.built_at is not None
                and user.has_perm("welfare.approve_payments", run)
            ),
            "can_rebuild": can_rebuild(user, run),
            "approve_form": RunApproveForm(initial={"version": run.version}),
            "history": selectors.run_history(run=run),
        }
        return render(request, self.template_name, context)


class RunApproveView(RoleRequiredMixin, View):
    permission_required = "welfare.approve_payments"

    def post(self, request, pk: int):
        run = selectors.payment_run_detail(user=request.user, pk=pk)
        form = RunApproveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Reload the page, review the list, then approve it."))
            return redirect("payment_run_detail", pk=run.pk)
        try:
            run = services.payment_run_approve(
                user=request.user, run=run, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(
                request,
                _("The list %(run)s is approved: %(count)s payments are approved and the list is locked.")
                % {"run": run, "count": group_int(run.payments_count)},
            )
        return redirect("payment_run_detail", pk=run.pk)


class RunRebuildView(RoleRequiredMixin, View):
    """Build a draft run again from today's records; an approved run is refused."""

    permission_required = "welfare.run_jobs"

    def post(self, request, pk: int):
        run = selectors.payment_run_detail(user=request.user, pk=pk)
        try:
            job = services.payment_run_request(
                user=request.user,
                programme=run.programme,
                province=run.province,
                commune=run.commune,
                month=run.month,
            )
        except ValidationError as exc:
            messages.error(request, _message(exc))
            return redirect("payment_run_detail", pk=run.pk)
        return redirect("job_detail", pk=job.pk)


class RunExportView(RoleRequiredMixin, View):
    """The run as an XLSX file (through the one writer: formulas neutralised)."""

    permission_required = "welfare.view_cases"

    def get(self, request, pk: int):
        run = selectors.payment_run_detail(user=request.user, pk=pk)
        writer = SheetWriter()

        def rows():
            for index, p in enumerate(selectors.run_payments(run=run).iterator(chunk_size=2000), 1):
                b = p.beneficiary
                yield [
                    index,
                    b.code,
                    b.person.full_name,
                    b.commune.name,
                    category_label(b),
                    p.amount_vnd,
                    p.basis,
                    p.get_status_display(),
                ]
            yield ["", "", _("Total"), "", "", run.total_vnd, "", ""]

        writer.sheet(
            _("Payments"),
            [
                _("No."),
                _("Beneficiary code"),
                _("Full name"),
                _("Commune"),
                _("Category"),
                _("Amount (VND)"),
                _("How the amount was set"),
                _("Status"),
            ],
            rows(),
            widths=[6, 16, 28, 24, 40, 16, 60, 14],
        )
        if run.problems:
            writer.sheet(
                _("Not paid"),
                [_("Beneficiary code"), _("Full name"), _("Why")],
                ([p.get("code"), p.get("name"), p.get("message")] for p in run.problems),
                widths=[16, 28, 80],
            )
        access_record(
            request=request,
            action=Action.DOWNLOADED_PAYMENT_RUN,
            what=str(run),
            obj=run,
            rows=writer.row_counts[0] - 1,  # the payments, not the total row
        )
        response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        code = run.commune_id or run.province_id
        response["Content-Disposition"] = (
            f'attachment; filename="chi-tra-{run.programme}-{code}-{run.month:%Y-%m}.xlsx"'
        )
        return response


class PendingPaymentsView(RoleRequiredMixin, View):
    """Payments outside runs (one-off, imported) waiting for a head's approval; officers see
    those of their communes without the approval controls."""

    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/run_pending.html"

    def render(self, form=None):
        user = self.request.user
        payments = selectors.pending_payments(user=user)
        page = Paginator(payments, 100).get_page(self.request.GET.get("page"))
        return render(
            self.request,
            self.template_name,
            {
                "page_obj": page,
                "payments": page.object_list,
                "is_paginated": page.has_other_pages(),
                "querystring": "",
                "can_approve": user.has_perm("welfare.approve_payments"),
                "form": form,
                "kinds": dict(PaymentKind.choices),
                "reasons": dict(OneOffReason.choices),
                "programmes": dict(Programme.choices),
            },
        )

    def get(self, request):
        return self.render()

    def post(self, request):
        if not request.user.has_perm("welfare.approve_payments"):
            raise PermissionDenied
        ids = list(selectors.pending_payments(user=request.user).values_list("pk", flat=True))
        form = PendingApproveForm(request.POST, payment_ids=ids)
        if not form.is_valid():
            return self.render(form)
        chosen = selectors.pending_payments(user=request.user).filter(pk__in=form.cleaned_data["payments"])
        count = services.payments_approve(user=request.user, payments=list(chosen))
        messages.success(
            request, _("%(count)s payments were approved.") % {"count": group_int(count)}
        )
        return redirect(reverse("payment_pending_list"))


urlpatterns = [
    path("runs/", RunListView.as_view(), name="payment_run_list"),
    path("runs/new/", RunCreateView.as_view(), name="payment_run_create"),
    path("runs/<int:pk>/", RunDetailView.as_view(), name="payment_run_detail"),
    path("runs/<int:pk>/approve/", RunApproveView.as_view(), name="payment_run_approve"),
    path("runs/<int:pk>/rebuild/", RunRebuildView.as_view(), name="payment_run_rebuild"),
    path("runs/<int:pk>/export.xlsx", RunExportView.as_view(), name="payment_run_export"),
    path("payments/pending/", PendingPaymentsView.as_view(), name="payment_pending_list"),
]
