"""Pages: border-labour passes (sổ thông hành), the list with the passes about to expire, record,
change, export.

A pass expiring within `services.EXPIRING_DAYS` days (its expiry day included) is flagged on
the list, and a card above it counts them across all the user's communes and links to them
(`?expiry=soon`, also the overview's link)."""

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
from welfare.households.selectors import visible_person_ids

from .. import pass_selectors as selectors
from .. import services
from ..pass_forms import BorderPassFilterForm, BorderPassForm


FIELD_ALIASES = {"commune_id": "commune", "id_number": "holder_id_number", "full_name": "holder_name"}


class BorderPassFilterMixin:
    def filter_form(self) -> BorderPassFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = BorderPassFilterForm(
                self.request.GET or None,
                communes=user_communes(user).order_by("name"),
                gates=selectors.recorded_gates(user=user),
            )
        return self._filter_form

    def filtered(self):
        return selectors.border_pass_list(
            user=self.request.user, today=self.today, **self.filter_form().values()
        )

    @property
    def today(self):
        if not hasattr(self, "_today"):
            self._today = timezone.localdate()
        return self._today


class BorderPassListView(BorderPassFilterMixin, RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "employment/pass_list.html"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A holder linked by citizen ID may be a person of another commune: no link to a 404.
        visible = visible_person_ids(user=self.request.user, ids=[p.person_id for p in context["object_list"]])
        for border_pass in context["object_list"]:
            border_pass.expiry = selectors.expiry_of(border_pass, today=self.today)
            border_pass.person_visible = border_pass.person_id in visible
        context.update(
            filter_form=self.filter_form(),
            expiring=selectors.expiring_count(user=self.request.user, today=self.today),
            expiring_days=services.EXPIRING_DAYS,
            chosen_expiry=self.filter_form().values()["expiry"],
            total=context["paginator"].count if context.get("paginator") else len(context["object_list"]),
            today=self.today,
            querystring=pagination_querystring(self.request.GET),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
        )
        return context


class BorderPassExportView(BorderPassFilterMixin, RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request):
        states = {
            selectors.SOON: _("Expiring soon"),
            selectors.EXPIRED: _("Expired"),
            selectors.VALID: _("Valid"),
        }

        def rows():
            for index, p in enumerate(self.filtered().iterator(chunk_size=2000), 1):
                expiry = selectors.expiry_of(p, today=self.today)
                yield [
                    index,
                    p.number,
                    p.holder_name,
                    p.holder_id_number,
                    p.commune.name,
                    p.issued_on,
                    p.expires_on,
                    expiry.days_left,
                    states[expiry.state],
                    p.border_gate,
                    p.workplace,
                    p.note,
                ]

        header = [
            _("No."),
            _("Pass number"),
            _("Pass holder"),
            _("Citizen ID"),
            _("Commune"),
            _("Issued on"),
            _("Expires on"),
            _("Days left"),
            _("Status"),
            _("Border gate"),
            _("Workplace across the border"),
            _("Note"),
        ]
        content = xlsx_bytes(
            _("Border-labour passes"), header, rows(), widths=[6, 14, 28, 15, 24, 12, 12, 10, 16, 30, 30, 30]
        )
        return filtered_list_download(
            request, content, what=_("Border-labour passes"), filename="so-thong-hanh"
        )


class BorderPassEditView(RecordEditView):
    """Record a border-labour pass, or change one."""

    template_name = "employment/pass_form.html"
    form_class = BorderPassForm
    record_name = "border_pass"
    field_aliases = FIELD_ALIASES

    def load(self, pk: int):
        return selectors.border_pass_detail(user=self.request.user, pk=pk)

    def record(self, values: dict):
        return services.border_pass_record(user=self.request.user, values=values)

    def update(self, obj, *, expected_version: int, changes: dict):
        return services.border_pass_update(
            user=self.request.user, border_pass=obj, expected_version=expected_version, changes=changes
        )

    def extra_context(self) -> dict:
        context = {
            "gates": selectors.gate_suggestions(user=self.request.user),
            "expiring_days": services.EXPIRING_DAYS,
        }
        if self.object is not None:
            context["expiry"] = selectors.expiry_of(self.object, today=timezone.localdate())
            context["history"] = selectors.border_pass_history(border_pass=self.object)
        return context

    def saved(self, obj):
        message = _("The pass %(number)s of %(name)s was saved.") % {"number": obj.number, "name": obj.holder_name}
        messages.success(self.request, message)
        return redirect("border_pass_list")


urlpatterns = [
    path("passes/", BorderPassListView.as_view(), name="border_pass_list"),
    path("passes/new/", BorderPassEditView.as_view(), name="border_pass_create"),
    path("passes/<int:pk>/edit/", BorderPassEditView.as_view(), name="border_pass_edit"),
    path("passes/export.xlsx", BorderPassExportView.as_view(), name="border_pass_export"),
]
