"""Reads on relief rounds, distributions and gift rounds, already scoped to the user's areas.

Rounds cover a whole province: officers see the rounds of their communes' provinces, heads
those of their province (`ProvinceRound.commune_path = None`). Distributions are scoped by
their commune: an officer's figures and lists of a round are those of their communes.
"""

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from welfare.accounts.scoping import area_q, get_scoped_or_404, scope, user_communes
from welfare.areas.models import Commune
from welfare.core.text import fold
from welfare.households.models import Household
from welfare.households.selectors import HistoryEntry, history_entries, household_search_q, with_member_count

from .models import Distribution, GiftRound, ReliefRound

FIGURES = ("households", "persons", "rice_kg", "cost_vnd")


def _round_filters(rounds: QuerySet, filters: dict | None, date_field: str) -> QuerySet:
    filters = filters or {}
    if filters.get("status") and hasattr(rounds.model, "status"):
        rounds = rounds.filter(status=filters["status"])
    if filters.get("cause") and hasattr(rounds.model, "cause"):
        rounds = rounds.filter(cause=filters["cause"])
    if filters.get("year"):
        rounds = rounds.filter(**{f"{date_field}__year": filters["year"]})
    q = (filters.get("q") or "").strip()
    if q:
        rounds = rounds.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return rounds


def _figure(queryset: QuerySet, expression) -> Subquery:
    return Coalesce(
        Subquery(queryset.values("round").annotate(v=expression).values("v"), output_field=IntegerField()),
        0,
    )


def relief_round_list(*, user, filters: dict | None = None) -> QuerySet[ReliefRound]:
    """The user's relief rounds, newest first, filtered (`cause`, `status`, `year`, `q` on code
    or name). Each carries the figures of its distributions in the user's area: `households`
    (a distribution without a household counts as one), `persons`, `rice_kg`, `cost_vnd`."""
    rounds = scope(ReliefRound.objects.select_related("province"), user)
    rounds = _round_filters(rounds, filters, "start_on")
    given = distributions_in_area(user).filter(round=OuterRef("pk")).order_by()
    rounds = rounds.annotate(
        households=_figure(given, Count("pk")),
        persons=_figure(given, Sum("persons_covered")),
        rice_kg=_figure(given, Sum("rice_kg")),
        cost_vnd=_figure(given, Sum("cost_vnd")),
    )
    # Rounds an import opened have no dates: last, on every database.
    return rounds.order_by(F("start_on").desc(nulls_last=True), "-pk")


def gift_round_list(*, user, filters: dict | None = None) -> QuerySet[GiftRound]:
    """The user's gift rounds, newest first, filtered (`year`, `q` on code or name)."""
    rounds = scope(GiftRound.objects.select_related("province"), user)
    return _round_filters(rounds, filters, "given_from").order_by("-given_from", "-pk")


def relief_round_detail(*, user, pk: int) -> ReliefRound:
    """One of the user's relief rounds (404 for another province's, as for a missing one)."""
    return get_scoped_or_404(ReliefRound.objects.select_related("province", "closed_by"), user, pk=pk)


def gift_round_detail(*, user, pk: int) -> GiftRound:
    return get_scoped_or_404(GiftRound.objects.select_related("province"), user, pk=pk)


# --- Distributions ------------------------------------------------------------------------------


def distributions_in_area(user) -> QuerySet[Distribution]:
    """Every distribution of the user's communes (a head's province; all for an admin)."""
    return Distribution.objects.filter(area_q(user, Distribution))


def round_distributions(*, user, round: ReliefRound, commune: int | None = None, q: str = "") -> QuerySet[Distribution]:
    """The round's distributions in the user's area (optionally one commune), searchable by
    household code, head's or recipient's name (accents ignored), by commune then household."""
    rows = distributions_in_area(user).filter(round=round).select_related("commune", "household__head", "person")
    if commune:
        rows = rows.filter(commune_id=commune)
    if q.strip():
        folded = fold(q)
        rows = rows.filter(
            Q(household__code__icontains=q.strip())
            | Q(household__head_name_folded__contains=folded)
            | Q(recipient_folded__contains=folded)
        )
    return rows.order_by("commune__name", "household__village", "household__code", "recipient_folded", "pk")


def distribution_get(*, user, pk: int) -> Distribution:
    """One distribution of the user's communes (404 otherwise)."""
    return get_scoped_or_404(
        Distribution.objects.select_related("round__province", "commune", "household__head", "person"), user, pk=pk
    )


def round_totals(*, user, round: ReliefRound) -> dict:
    """The round's figures in the user's area: households, persons, rice kg, cost."""
    figures = distributions_in_area(user).filter(round=round).aggregate(
        households=Count("pk"), persons=Sum("persons_covered"), rice_kg=Sum("rice_kg"), cost_vnd=Sum("cost_vnd")
    )
    return {key: figures[key] or 0 for key in FIGURES}


def round_totals_by_commune(*, user, round: ReliefRound) -> list[dict]:
    """The round's figures per commune of the user's area that has distributions, by name:
    dicts with `commune` (name), `commune_id` and the figures."""
    rows = (
        distributions_in_area(user)
        .filter(round=round)
        .values("commune_id", "commune__name")
        .annotate(
            households=Count("pk"), persons=Sum("persons_covered"), rice_kg=Sum("rice_kg"), cost_vnd=Sum("cost_vnd")
        )
        .order_by("commune__name")
    )
    return [
        {"commune_id": r["commune_id"], "commune": r["commune__name"], **{k: r[k] or 0 for k in FIGURES}}
        for r in rows
    ]


def entry_communes(*, user, round: ReliefRound) -> QuerySet[Commune]:
    """The communes of the round's province the user enters distributions for."""
    return user_communes(user).filter(province_id=round.province_id).order_by("name")


def round_candidates(*, user, round: ReliefRound, commune: int, q: str = "") -> QuerySet[Household]:
    """The commune's households not yet given in this round (the entry list), searchable by
    household code or a member's name (accents ignored), each with `member_count`."""
    households = scope(Household.objects.select_related("head"), user).filter(commune_id=commune)
    given = Distribution.objects.filter(round=round, household__isnull=False).values("household_id")
    households = households.exclude(pk__in=given)
    if q.strip():
        households = households.filter(household_search_q(q))
    return with_member_count(households).order_by("village", "code")


def households_for_entry(*, user, pks) -> dict[int, Household]:
    """The households of the user's communes among `pks`, each with `member_count`."""
    households = with_member_count(scope(Household.objects.select_related("head"), user).filter(pk__in=pks))
    return {h.pk: h for h in households}


def round_history(*, round: ReliefRound, limit: int = 30) -> list[HistoryEntry]:
    """When the round was opened, changed, closed or reopened, and by whom."""
    records = round.history.select_related("history_user").order_by("-history_date")[:100]
    return history_entries(records, subject=lambda r: str(round), limit=limit)


def distribution_history(*, distribution: Distribution, limit: int = 30) -> list[HistoryEntry]:
    records = distribution.history.select_related("history_user").order_by("-history_date")[:100]
    return history_entries(records, subject=lambda r: distribution.recipient_label, limit=limit)
