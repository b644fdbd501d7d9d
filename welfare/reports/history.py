"""The change history of plan targets and report snapshots, as every record page shows it."""

from django.utils.translation import gettext as _

from welfare.households.selectors import HistoryEntry, history_entries

from .models import Plan, SummarySnapshot

# A rebuild's figures are the report itself, read on the page; the history says who rebuilt it
# and when, not the figures' dump nor the build's timings.
SNAPSHOT_HIDDEN = ("figures_json", "built_by_task", "build_seconds", "build_queries")


def plan_history(*, plan: Plan, limit: int = 30) -> list[HistoryEntry]:
    records = plan.history.select_related("history_user").order_by("-history_date")[:100]
    return history_entries(records, subject=lambda r: _("Target %(year)s") % {"year": r.year}, limit=limit)


def snapshot_history(*, snapshot: SummarySnapshot, limit: int = 30) -> list[HistoryEntry]:
    records = snapshot.history.select_related("history_user").order_by("-history_date")[:100]
    subject = _("Report %(half)s/%(year)s") % {"half": snapshot.half, "year": snapshot.year}
    return history_entries(records, subject=lambda r: subject, limit=limit, excluded_fields=SNAPSHOT_HIDDEN)
