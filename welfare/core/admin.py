"""The admin of the core app (background jobs), and what every app's admin shares: list cells
kept on one line, service problems shown on the form's fields, a stale save refused with what
changed (`VersionCheckedAdmin`, `stale_admin_message`), and `ReferenceAdmin` for the rows of legal
reference data (`ReferenceRow`)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Job
from .services import StaleEditError, versioned_update


def nowrap(text: str):
    """A list cell kept on one line (names, amounts, dates read badly when broken)."""
    return format_html('<span class="w-nowrap">{}</span>', text)


def date_cell(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def problems_to_form(form, problems: dict, fields: dict[str, str] | None = None) -> None:
    """A service's problems, field by field, shown on the form's fields (else above it)."""
    for field, message in problems.items():
        field = (fields or {}).get(field, field)
        form.add_error(field if field in form.fields else None, message)


def stale_admin_message(exc: StaleEditError) -> str:
    """A refused stale save in the admin's message bar: the refusal, then each field someone
    else changed (its value when the form was opened → now, by whom, when)."""
    if not exc.changes:
        return " ".join(exc.messages)
    lines = [
        gettext(
            "This record was changed by someone else after you opened it: your changes were not "
            "saved. The form now shows the record as it is; their changes:"
        )
    ]
    for change in exc.changes:
        when = f"{timezone.localtime(change.when):%d/%m/%Y %H:%M}" if change.when else ""
        lines.append(f"{change.label}: {change.opened} → {change.now} ({change.who}{', ' + when if when else ''})")
    return " · ".join(lines)


class ExpectedVersionForm(forms.ModelForm):
    """The version the admin user opened, carried in the form so a stale save is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def expected(self, obj) -> int:
        value = self.cleaned_data.get("expected_version")
        return obj.version if value is None else value


class RefusedSaveAdminMixin:
    """A change form whose save a service or `versioned_update` refuses (a stale version, a
    rule) leaves the record as it was and says why at the top of the page, the other user's
    changes listed for a stale version."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as exc:
            self.message_user(request, stale_admin_message(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @staticmethod
    def adopt(obj, saved) -> None:
        """Give the admin's object the values saved (for the redirect and the admin's log)."""
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False


class VersionCheckedAdmin(RefusedSaveAdminMixin, SimpleHistoryAdmin):
    """The admin of a case record (`VersionedModel`) whose change form is saved through
    `versioned_update`: a save made on a version someone else has since changed is refused
    with what they changed, never written over it (issue 8, "no lost updates")."""

    form = ExpectedVersionForm

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        names = {f.name for f in obj._meta.concrete_fields}
        saved = versioned_update(
            obj,
            expected_version=form.expected(obj),
            changes={name: form.cleaned_data[name] for name in form.changed_data if name in names},
        )
        self.adopt(obj, saved)


class ReferenceAdmin(SimpleHistoryAdmin):
    """Versioned legal reference rows (conventions.md, "Data"), with their change history.

    Whether a row was checked against the gazette is shown in the list, filterable, and above
    the form, so that nobody takes an amount read in a secondary source for the decree's."""

    date_hierarchy = "valid_from"
    readonly_fields = ["to_check"]
    validity_fields = ("valid_from", "valid_to", "legal_basis", "unverified")

    @admin.display(description=_("checked against the gazette"), boolean=True, ordering="unverified")
    def verified(self, obj):
        return not obj.unverified

    @admin.display(description=_("valid"), ordering="valid_from")
    def validity(self, obj):
        end = obj.valid_to.strftime("%d/%m/%Y") if obj.valid_to else "…"
        return nowrap(f"{obj.valid_from:%d/%m/%Y} – {end}")

    @admin.display(description=_("to check"))
    def to_check(self, obj):
        if obj is None or obj.pk is None or not obj.unverified:
            return ""
        return format_html(
            '<strong class="w-alert">{}</strong>',
            gettext("This row was read only in secondary sources: check it against the gazette, "
                    "then untick “not yet checked against the gazette”."),
        )


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """What users ran in the background; the state itself is under Celery results."""

    list_display = ["created_at", "user", "kind", "label", "task_id"]
    list_filter = ["kind"]
    search_fields = ["label", "task_id", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["task_id", "kind", "label", "user", "result_url", "created_at"]

    def has_add_permission(self, request):
        return False
