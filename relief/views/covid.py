"""Pages: COVID-19 support (the list with its totals, record, change, export).

Support approved under Resolution 68/NQ-CP and Decision 23/2021/QĐ-TTg (as amended); a row is
linked to one of the 12 policy groups when its policy is typed as that group's code. The group
list is reference data not yet checked against the gazette (domain.md): the pages say so."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import user_communes
from welfare.core.editing import RecordEditView
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import filtered_list_download, xlsx_bytes

from .. import gift_selectors as selectors
from .. import services
from ..covid_forms import CovidFilterForm, CovidSupportForm


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
        return filtered_list_download(
            request, content, what=_("COVID-19 support"), filename="ho-tro-covid"
        )


class CovidEditView(RecordEditView):
    """Record a payment of COVID-19 support, or change one."""

    template_name = "relief/covid_form.html"
    form_class = CovidSupportForm
    record_name = "support"
    field_aliases = FIELD_ALIASES

    def load(self, pk: int):
        return selectors.covid_support_detail(user=self.request.user, pk=pk)

    def record(self, values: dict):
        return services.covid_support_record(user=self.request.user, values=values)

    def update(self, obj, *, expected_version: int, changes: dict):
        return services.covid_support_update(
            user=self.request.user, support=obj, expected_version=expected_version, changes=changes
        )

    def extra_context(self) -> dict:
        context = {"groups": selectors.policy_groups()}
        if self.object is not None:
            context["history"] = selectors.covid_history(support=self.object)
        return context

    def saved(self, obj):
        if obj.policy_group_id:
            message = _("The support to %(name)s was saved, under policy group %(group)s.") % {
                "name": obj.recipient_name,
                "group": obj.policy_group,
            }
        else:
            message = _("The support to %(name)s was saved.") % {"name": obj.recipient_name}
        messages.success(self.request, message)
        return redirect("covid_support_list")


urlpatterns = [
    path("covid/", CovidListView.as_view(), name="covid_support_list"),
    path("covid/new/", CovidEditView.as_view(), name="covid_support_create"),
    path("covid/<int:pk>/edit/", CovidEditView.as_view(), name="covid_support_edit"),
    path("covid/export.xlsx", CovidExportView.as_view(), name="covid_support_export"),
]
