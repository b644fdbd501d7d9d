"""Pages: COVID-19 support (the list with its totals, record, change, export).

Support approved under Resolution 68/NQ-CP and Decision 23/2021/QĐ-TTg (as amended); a row is
linked to one of the 12 policy groups when its policy is typed as that group's code. The group
list is reference data not yet checked against the gazette (domain.md): the pages say so."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import user_communes
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import XLSX_CONTENT_TYPE, xlsx_bytes
from welfare.households.views.households import _add_error

from .. import gift_selectors as selectors
from .. import services
from ..covid_forms import CovidFilterForm, CovidSupportForm

# Who exported whose records must be traceable (Law 91/2025/QH15 on personal data).
audit = logging.getLogger("welfare.audit")

FIELD_ALIASES = {"commune_id": "commune"}


class CovidFilterMixin:
    def filter_form(self) -> CovidFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = CovidFilterForm(
                self.request.GET or None,
                communes=user_communes(user).order_by("name"),
                groups=selectors.policy_groups(),
                years=selectors.covid_years(user=user),
            )
        return self._filter_form

    def filtered(self):
        return selectors.covid_support_list(user=self.request.user, **self.filter_form().values())


class CovidListView(CovidFilterMixin, RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "relief/covid_list.html"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            filter_form=self.filter_form(),
            totals=selectors.covid_totals(self.filtered()),
            cumulative=selectors.covid_cumulative(user=self.request.user, on=today),
            today=today,
            querystring=pagination_querystring(self.request.GET),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
        )
        return context


class CovidExportView(CovidFilterMixin, RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request):
        def rows():
            for index, s in enumerate(self.filtered().iterator(chunk_size=2000), 1):
                yield [
                    index,
                    s.recipient_name,
                    s.get_recipient_type_display(),
                    s.commune.name,
                    s.policy,
                    s.policy_group.code if s.policy_group_id else "",
                    s.policy_group.name if s.policy_group_id else "",
                    s.amount_vnd,
                    s.approved_on,
                    s.decision_number,
                    s.note,
                ]

        header = [
            _("No."),
            _("Recipient"),
            _("Recipient type"),
            _("Commune"),
            _("Policy"),
            _("Policy group code"),
            _("Policy group"),
            _("Amount (VND)"),
            _("Approved on"),
            _("Decision number"),
            _("Note"),
        ]
        content = xlsx_bytes(
            _("COVID-19 support"), header, rows(), widths=[6, 28, 20, 24, 16, 14, 50, 16, 12, 18, 30]
        )
        audit.info(
            "%s exported COVID-19 support with filters %s", request.user.username, dict(request.GET.items())
        )
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="ho-tro-covid-{stamp}.xlsx"'
        return response


class CovidEditView(RoleRequiredMixin, View):
    """Record a payment of COVID-19 support, or change one."""

    permission_required = "welfare.edit_cases"
    template_name = "relief/covid_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.support = None
        if request.user.is_authenticated and self.has_permission() and "pk" in kwargs:
            self.support = selectors.covid_support_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        context = {"form": form, "support": self.support, "groups": selectors.policy_groups()}
        if self.support is not None:
            context["history"] = selectors.covid_history(support=self.support)
        return render(self.request, self.template_name, context)

    def get(self, request, pk: int | None = None):
        return self.render(CovidSupportForm(user=request.user, support=self.support))

    def post(self, request, pk: int | None = None):
        form = CovidSupportForm(request.POST, user=request.user, support=self.support)
        if form.is_valid():
            try:
                if self.support is None:
                    support = services.covid_support_record(user=request.user, values=form.values())
                else:
                    support = services.covid_support_update(
                        user=request.user,
                        support=self.support,
                        expected_version=form.cleaned_data.get("version") or 0,
                        changes=form.values(),
                    )
            except StaleEditError as exc:
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_error(form, exc, FIELD_ALIASES)
            else:
                if support.policy_group_id:
                    message = _("The support to %(name)s was saved, under policy group %(group)s.") % {
                        "name": support.recipient_name,
                        "group": support.policy_group,
                    }
                else:
                    message = _("The support to %(name)s was saved.") % {"name": support.recipient_name}
                messages.success(request, message)
                return redirect("covid_support_list")
        return self.render(form)


urlpatterns = [
    path("covid/", CovidListView.as_view(), name="covid_support_list"),
    path("covid/new/", CovidEditView.as_view(), name="covid_support_create"),
    path("covid/<int:pk>/edit/", CovidEditView.as_view(), name="covid_support_edit"),
    path("covid/export.xlsx", CovidExportView.as_view(), name="covid_support_export"),
]
