"""Pages: job placements (the list with its counts by channel, record, change, delete, export).

A placement is one worker placed in a new job through one channel (the report's "giải quyết
việc làm mới"); the overview page counts them against the year's plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import user_communes
from welfare.core.editing import RecordEditView
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import filtered_list_download, xlsx_bytes
from welfare.households.selectors import visible_person_ids

from .. import placement_selectors as selectors
from .. import services
from ..models import Channel
from ..placement_forms import PlacementFilterForm, PlacementForm


# The service names the model's fields; the person it links names its own.
FIELD_ALIASES = {"commune_id": "commune", "id_number": "worker_id_number", "full_name": "worker_name"}


class PlacementFilterMixin:
    def filter_form(self) -> PlacementFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = PlacementFilterForm(
                self.request.GET or None,
                communes=user_communes(user).order_by("name"),
                years=selectors.placement_years(user=user),
            )
        return self._filter_form

    def filtered(self):
        return selectors.placement_list(user=self.request.user, **self.filter_form().values())


class PlacementListView(PlacementFilterMixin, RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "employment/placement_list.html"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A worker linked by citizen ID may be a person of another commune: no link to a 404.
        visible = visible_person_ids(user=self.request.user, ids=[p.person_id for p in context["object_list"]])
        for placement in context["object_list"]:
            placement.person_visible = placement.person_id in visible
        context.update(
            filter_form=self.filter_form(),
            totals=selectors.placement_totals(self.filtered()),
            querystring=pagination_querystring(self.request.GET),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
        )
        return context


class PlacementExportView(PlacementFilterMixin, RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request):
        def rows():
            for index, p in enumerate(self.filtered().iterator(chunk_size=2000), 1):
                yield [
                    index,
                    p.worker_name,
                    p.worker_id_number,
                    p.commune.name,
                    p.get_channel_display(),
                    p.employer,
                    p.placed_on,
                    p.note,
                ]

        header = [
            _("No."),
            _("Worker"),
            _("Citizen ID"),
            _("Commune"),
            _("Channel"),
            _("Employer"),
            _("Placed on"),
            _("Note"),
        ]
        content = xlsx_bytes(_("Job placements"), header, rows(), widths=[6, 28, 15, 24, 40, 36, 12, 30])
        return filtered_list_download(
            request, content, what=_("Job placements"), filename="giai-quyet-viec-lam"
        )


class PlacementEditView(RecordEditView):
    """Record a job placement, or change one."""

    template_name = "employment/placement_form.html"
    form_class = PlacementForm
    record_name = "placement"
    field_aliases = FIELD_ALIASES

    def load(self, pk: int):
        return selectors.placement_detail(user=self.request.user, pk=pk)

    def record(self, values: dict):
        return services.placement_record(user=self.request.user, values=values)

    def update(self, obj, *, expected_version: int, changes: dict):
        return services.placement_update(
            user=self.request.user, placement=obj, expected_version=expected_version, changes=changes
        )

    def extra_context(self) -> dict:
        context = {"channels": Channel.choices}
        if self.object is not None:
            context["person_visible"] = self.object.person_id in visible_person_ids(
                user=self.request.user, ids=[self.object.person_id]
            )
            context["history"] = selectors.placement_history(placement=self.object)
        return context

    def saved(self, obj):
        messages.success(self.request, _("The placement of %(name)s was saved.") % {"name": obj.worker_name})
        return redirect("placement_list")


class PlacementDeleteView(RoleRequiredMixin, View):
    """Delete a placement entered by mistake (after a confirmation page)."""

    permission_required = "welfare.edit_cases"
    template_name = "employment/placement_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.placement = selectors.placement_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        return render(request, self.template_name, {"placement": self.placement})

    def post(self, request, pk: int):
        name = self.placement.worker_name
        try:
            version = request.POST.get("version", "")
            services.placement_delete(
                user=request.user,
                placement=self.placement,
                expected_version=int(version) if version.isdigit() else None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The placement of %(name)s was deleted.") % {"name": name})
        return redirect("placement_list")


urlpatterns = [
    path("placements/", PlacementListView.as_view(), name="placement_list"),
    path("placements/new/", PlacementEditView.as_view(), name="placement_create"),
    path("placements/<int:pk>/edit/", PlacementEditView.as_view(), name="placement_edit"),
    path("placements/<int:pk>/delete/", PlacementDeleteView.as_view(), name="placement_delete"),
    path("placements/export.xlsx", PlacementExportView.as_view(), name="placement_export"),
]
