"""Reads on job placements, already scoped to the user's communes.

Searches are accent-insensitive on the worker (`core.text.fold`) and find an employer or a
citizen ID as typed. Counts by channel list every channel, in the order of `Channel`.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from welfare.accounts.scoping import get_scoped_or_404, scope
from welfare.core.text import fold
from welfare.households.selectors import HistoryEntry, history_entries

from .models import Channel, Placement


def placement_list(
    *,
    user,
    q: str = "",
    commune: int | None = None,
    channel: str = "",
    year: int | None = None,
) -> QuerySet[Placement]:
    """The user's placements, newest first. `q` finds a worker (accents ignored), an employer or
    a citizen ID; `year` the year the worker was placed."""
    placements = scope(Placement.objects.select_related("commune", "person"), user)
    text = " ".join(q.split())
    if text:
        placements = placements.filter(
            Q(worker_folded__contains=fold(text)) | Q(employer__icontains=text) | Q(worker_id_number=text)
        )
    if commune:
        placements = placements.filter(commune_id=commune)
    if channel:
        placements = placements.filter(channel=channel)
    if year:
        placements = placements.filter(placed_on__year=year)
    return placements.order_by("-placed_on", "-pk")


@dataclass
class ChannelCount:
    key: str
    label: str
    count: int


def placement_totals(placements: QuerySet[Placement]) -> dict:
    """The number of placements of a (filtered) list and its count for every channel: one query."""
    rows = placements.order_by().values("channel").annotate(count=Count("pk"))
    found = {row["channel"]: row["count"] for row in rows}
    return {
        "count": sum(found.values()),
        "by_channel": [ChannelCount(key, str(label), found.get(key, 0)) for key, label in Channel.choices],
    }


def placement_years(*, user) -> list[int]:
    dates = scope(Placement.objects.all(), user).dates("placed_on", "year", order="DESC")
    return [d.year for d in dates]


def placement_detail(*, user, pk: int) -> Placement:
    """One of the user's placements (404 for another commune's)."""
    return get_scoped_or_404(Placement.objects.select_related("commune", "person"), user, pk=pk)


def placement_history(*, placement: Placement, limit: int = 60) -> list[HistoryEntry]:
    records = placement.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.worker_name, limit=limit)
