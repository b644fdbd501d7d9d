"""The admin of the core app (background jobs), and what every app's admin shares: list cells
kept on one line, service problems shown on the form's fields, and `ReferenceAdmin` for the rows
of legal reference data (`ReferenceRow`)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Job


def nowrap(text: str):
    """A list cell kept on one line (names, amounts, dates read badly when broken)."""
    return format_html('<span style="white-space: nowrap">{}</span>', text)


def date_cell(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def problems_to_form(form, problems: dict, fields: dict[str, str] | None = None) -> None:
    """A service's problems, field by field, shown on the form's fields (else above it)."""
    for field, message in problems.items():
        field = (fields or {}).get(field, field)
        form.add_error(field if field in form.fields else None, message)


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
            '<strong style="color:#ba2121">{}</strong>',
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
