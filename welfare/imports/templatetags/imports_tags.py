"""How a record's history names the import that wrote a change: "Import #N", a link to the
import's result page for a user who may open it (`selectors.import_list`), plain text else."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..selectors import import_list

register = template.Library()

PERM = "welfare.import_records"


@register.simple_tag(takes_context=True)
def import_reason(context, run_id: int) -> str:
    label = _("Import #%(number)s") % {"number": run_id}
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(PERM):
        return label
    # One query per page for all the imports its history names, not one per entry.
    checked = request.__dict__.setdefault("_import_runs_visible", {})
    if run_id not in checked:
        ids = {e.import_run for e in context.get("history") or () if getattr(e, "import_run", None)}
        ids = (ids | {run_id}) - checked.keys()
        visible = set(import_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))
        checked.update({pk: pk in visible for pk in ids})
    if not checked[run_id]:
        return label
    return format_html('<a href="{}">{}</a>', reverse("import_result", args=[run_id]), label)
