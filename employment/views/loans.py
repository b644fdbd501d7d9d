"""Pages: employment-fund loans (the list with its totals, one loan, record, change, export).

Loans of the National Employment Fund (Decree 61/2015/NĐ-CP as amended by Decree 74/2019/NĐ-CP).
The caps are reference rows (`LoanLimit`) valid between two dates: the form shows those in force
today, the service checks those in force on the disbursement date."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import user_communes
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.editing import RecordEditView
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import filtered_list_download, xlsx_bytes

from .. import loan_selectors as selectors
from .. import services
from ..loan_forms import LoanFilterForm, LoanForm


FIELD_ALIASES = {"commune_id": "commune", "id_number": "borrower_id_number", "full_name": "borrower_name"}


class LoanFilterMixin:
    def filter_form(self) -> LoanFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = LoanFilterForm(
                self.request.GET or None,
                communes=user_communes(user).order_by("name"),
                years=selectors.loan_years(user=user),
            )
        return self._filter_form

    def filtered(self):
        return selectors.loan_list(user=self.request.user, **self.filter_form().values())


class LoanListView(LoanFilterMixin, RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "employment/loan_list.html"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = selectors.mark_warnings(context["object_list"])
        context.update(
            filter_form=self.filter_form(),
            totals=selectors.loan_totals(self.filtered()),
            querystring=pagination_querystring(self.request.GET),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
        )
        return context


class LoanExportView(LoanFilterMixin, RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request):
        def rows():
            for index, loan in enumerate(self.filtered().iterator(chunk_size=2000), 1):
                yield [
                    index,
                    loan.code,
                    loan.borrower_name,
                    loan.get_borrower_type_display(),
                    loan.borrower_id_number,
                    loan.commune.name,
                    loan.purpose,
                    loan.amount_vnd,
                    loan.jobs,
                    loan.disbursed_on,
                    loan.term_months,
                    loan.due_on,
                    loan.monthly_rate_percent,
                    loan.collateral,
                    loan.get_repayment_status_display(),
                    loan.repaid_on,
                    loan.note,
                ]

        header = [
            _("No."),
            _("Loan code"),
            _("Borrower"),
            _("Borrower type"),
            _("Citizen ID"),
            _("Commune"),
            _("Purpose"),
            _("Amount (VND)"),
            _("Jobs"),
            _("Disbursed on"),
            _("Term (months)"),
            _("Term ends on"),
            _("Interest rate (%/month)"),
            _("Collateral"),
            _("Repayment status"),
            _("Repaid on"),
            _("Note"),
        ]
        content = xlsx_bytes(
            _("Employment-fund loans"),
            header,
            rows(),
            widths=[6, 16, 28, 24, 14, 24, 28, 16, 8, 12, 10, 12, 12, 28, 14, 12, 30],
        )
        return filtered_list_download(
            request, content, what=_("Employment-fund loans"), filename="vay-von-viec-lam"
        )


class LoanDetailView(RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"
    template_name = "employment/loan_detail.html"

    def get(self, request, pk: int):
        user = request.user
        loan = selectors.loan_detail(user=user, pk=pk)
        access_record(request=request, action=Action.VIEWED_LOAN, what=str(loan), obj=loan)
        limit = services.loan_limit_for({"disbursed_on": loan.disbursed_on, "borrower_type": loan.borrower_type})
        context = {
            "loan": loan,
            "limit": limit,
            "collateral_missing": selectors.needs_collateral(loan, limit),
            "person_visible": selectors.person_visible(user=user, loan=loan),
            "history": selectors.loan_history(loan=loan),
            "can_edit": user.has_perm("welfare.edit_cases", loan),
        }
        return render(request, self.template_name, context)


class LoanEditView(RecordEditView):
    """Record a loan, or change one."""

    template_name = "employment/loan_form.html"
    form_class = LoanForm
    record_name = "loan"
    field_aliases = FIELD_ALIASES

    def load(self, pk: int):
        return selectors.loan_detail(user=self.request.user, pk=pk)

    def record(self, values: dict):
        return services.loan_record(user=self.request.user, values=values)

    def update(self, obj, *, expected_version: int, changes: dict):
        return services.loan_update(user=self.request.user, loan=obj, expected_version=expected_version, changes=changes)

    def extra_context(self) -> dict:
        today = timezone.localdate()
        limits = selectors.limits_in_force(today)
        context = {
            "limits": limits,
            "limits_unverified": any(limit.unverified for limit in limits),
            "rate": services.rate_on(today),
            "today": today,
        }
        if self.object is not None:
            context["history"] = selectors.loan_history(loan=self.object)
        return context

    def saved(self, obj):
        messages.success(
            self.request,
            _("The loan %(code)s to %(name)s was saved.") % {"code": obj.code, "name": obj.borrower_name},
        )
        return redirect("loan_detail", pk=obj.pk)


urlpatterns = [
    path("loans/", LoanListView.as_view(), name="loan_list"),
    path("loans/new/", LoanEditView.as_view(), name="loan_create"),
    path("loans/export.xlsx", LoanExportView.as_view(), name="loan_export"),
    path("loans/<int:pk>/", LoanDetailView.as_view(), name="loan_detail"),
    path("loans/<int:pk>/edit/", LoanEditView.as_view(), name="loan_edit"),
]
