"""The page that records a case record or changes one, shared by the apps.

A service decides (it checks the permission, validates, keeps the history and refuses a stale
version); the page shows its form, hands the values to the service, and shows the service's
problems on the fields they name, a stale version above the form with what changed since the
editor opened it (`show_stale`, which every edit page uses):

    class PlacementEditView(RecordEditView):
        template_name = "employment/placement_form.html"
        form_class = PlacementForm          # PlacementForm(data, user=..., placement=...)
        record_name = "placement"           # the form's keyword and the template's name

        def load(self, pk): ...             # the user's record, 404 for another area's
        def record(self, values): ...       # services.placement_record(...)
        def update(self, obj, *, expected_version, changes): ...
        def saved(self, obj): ...           # a message and the redirect

The URL without `pk` records a new one; with `pk` it changes that one.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from welfare.accounts.access import RoleRequiredMixin

from .services import StaleEditError


def add_service_errors(form, exc: ValidationError, aliases: dict | None = None) -> None:
    """A service's error on the form: on the field it names (through `aliases`, from the
    service's name to the form's) when the form has it, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (aliases or {}).get(field, field)
            name = field if field in form.fields else None
            for error in errors:
                form.add_error(name, error)
    else:
        form.add_error(None, exc)


def show_stale(form, exc: StaleEditError, *, version_field: str = "version") -> None:
    """A refused stale save on its form: the message, and `form.stale_edit` for the table of
    what changed (`core/_stale_changes.html`, shown with the form's errors). The editor's
    values stay; the form now carries the stored version, so saving again, after reading the
    table, applies them."""
    form.add_error(None, exc)
    form.stale_edit = exc
    if exc.current_version is not None and version_field in form.fields:
        data = form.data.copy()
        data[form.add_prefix(version_field)] = exc.current_version
        form.data = data


class RecordEditView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"
    template_name: str
    form_class: type
    record_name: str
    # The services name the commune by its id; the forms by the field `commune`.
    field_aliases: dict[str, str] = {"commune_id": "commune"}

    def load(self, pk: int):
        """The record of the user's areas (`get_scoped_or_404`)."""
        raise NotImplementedError

    def record(self, values: dict):
        raise NotImplementedError

    def update(self, obj, *, expected_version: int, changes: dict):
        raise NotImplementedError

    def saved(self, obj) -> HttpResponse:
        """The answer once saved: a message and a redirect."""
        raise NotImplementedError

    def extra_context(self) -> dict:
        return {}

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if request.user.is_authenticated and self.has_permission() and "pk" in kwargs:
            self.object = self.load(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return self.form_class(data, user=self.request.user, **{self.record_name: self.object})

    def render(self, form) -> HttpResponse:
        context = {"form": form, self.record_name: self.object, **self.extra_context()}
        return render(self.request, self.template_name, context)

    def get(self, request, pk: int | None = None):
        return self.render(self.get_form())

    def post(self, request, pk: int | None = None):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                if self.object is None:
                    obj = self.record(form.values())
                else:
                    obj = self.update(
                        self.object, expected_version=form.cleaned_data.get("version") or 0, changes=form.values()
                    )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc, self.field_aliases)
            else:
                return self.saved(obj)
        return self.render(form)
