"""Reads on gift rounds, gifts and COVID-19 support, already scoped to the user's areas.

A gift round covers a province (officers see the rounds of their communes' provinces); its gifts
are read only in the user's communes. Searches are accent-insensitive (`core.text.fold`).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from welfare.accounts.scoping import area_q, get_scoped_or_404, scope
from welfare.core.text import fold
from welfare.households.selectors import HistoryEntry, history_entries

from .models import CovidPolicyGroup, CovidSupport, FundingSource, Gift, GiftRound, RecipientGroup

# --- Gift rounds ------------------------------------------------------------------------------


def gift_round_list(*, user, q: str = "", year: int | None = None) -> QuerySet[GiftRound]:
    """The user's gift rounds, each with `gifts_count` and `gifts_value`: the gifts of the
    user's communes only. `q` finds a code or a name; `year` a round given during that year."""
    mine = area_q(user, Gift)
    in_mine = Q(gifts__in=Gift.objects.filter(mine)) if mine else Q(gifts__isnull=False)
    rounds = scope(GiftRound.objects.select_related("province"), user).annotate(
        gifts_count=Count("gifts", filter=in_mine),
        gifts_value=Coalesce(Sum("gifts__value_vnd", filter=in_mine), 0),
    )
    text = q.strip()
    if text:
        folded = fold(text)
        matching = [
            pk
            for pk, name in scope(GiftRound.objects.all(), user).values_list("pk", "name")
            if folded in fold(name)
        ]
        rounds = rounds.filter(Q(code__icontains=text) | Q(pk__in=matching))
    if year:
        rounds = rounds.filter(
            Q(given_from__year__lte=year, given_to__year__gte=year)
            | Q(given_from__year=year)
            | Q(given_to__year=year)
        )
    return rounds.order_by("-given_from", "-pk")


def gift_round_years(*, user) -> list[int]:
    dates = scope(GiftRound.objects.filter(given_from__isnull=False), user).dates(
        "given_from", "year", order="DESC"
    )
    return [d.year for d in dates]


def gift_round_detail(*, user, pk: int) -> GiftRound:
    return get_scoped_or_404(GiftRound.objects.select_related("province"), user, pk=pk)


def round_gifts(*, user, round: GiftRound) -> QuerySet[Gift]:
    """The round's gifts in the user's communes."""
    return scope(
        Gift.objects.filter(round=round).select_related("commune", "household", "person"), user
    ).order_by("-given_on", "-pk")


def gift_detail(*, user, pk: int) -> Gift:
    return get_scoped_or_404(
        Gift.objects.select_related("round", "commune", "household", "person"), user, pk=pk
    )


@dataclass
class TotalRow:
    key: str
    label: str
    count: int
    value: int


def _totals(gifts: QuerySet[Gift], field: str, labels: dict) -> list[TotalRow]:
    rows = gifts.order_by().values(field).annotate(count=Count("pk"), value=Sum("value_vnd"))
    found = {str(r[field]): (r["count"], r["value"] or 0) for r in rows}
    ordered = [k for k in labels if k in found] + sorted(k for k in found if k not in labels)
    return [TotalRow(k, str(labels.get(k, k)), *found[k]) for k in ordered]


def gift_totals(gifts: QuerySet[Gift], *, by_commune: bool = False) -> dict:
    """Totals of a round's gifts: by recipient group, by funding source and (heads) by commune."""
    whole = gifts.order_by().aggregate(count=Count("pk"), value=Coalesce(Sum("value_vnd"), 0))
    totals = {
        "count": whole["count"],
        "value": whole["value"],
        "by_group": _totals(gifts, "recipient_group", dict(RecipientGroup.choices)),
        "by_source": _totals(gifts, "funding_source", dict(FundingSource.choices)),
        "by_commune": [],
    }
    if by_commune:
        names = dict(gifts.order_by().values_list("commune_id", "commune__name").distinct())
        names = {str(k): v for k, v in sorted(names.items(), key=lambda kv: kv[1])}
        totals["by_commune"] = _totals(gifts, "commune_id", names)
    return totals


def gift_history(*, gift: Gift, limit: int = 60) -> list[HistoryEntry]:
    records = gift.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.recipient_name, limit=limit)


def gift_round_history(*, round: GiftRound, limit: int = 60) -> list[HistoryEntry]:
    records = round.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.code, limit=limit)


# --- COVID-19 support -------------------------------------------------------------------------

NOT_LINKED = "none"


def policy_groups() -> list[CovidPolicyGroup]:
    return list(CovidPolicyGroup.objects.order_by("number"))


def covid_support_list(
    *,
    user,
    q: str = "",
    commune: int | None = None,
    recipient_type: str = "",
    policy_group: str = "",
    year: int | None = None,
) -> QuerySet[CovidSupport]:
    """The user's COVID-19 support; `q` finds a recipient (accents ignored) or a decision
    number; `policy_group` a group's pk, or "none" for support linked to no group."""
    support = scope(
        CovidSupport.objects.select_related("commune", "policy_group", "person"), user
    )
    text = q.strip()
    if text:
        support = support.filter(
            Q(recipient_folded__contains=fold(text)) | Q(decision_number__icontains=text)
        )
    if commune:
        support = support.filter(commune_id=commune)
    if recipient_type:
        support = support.filter(recipient_type=recipient_type)
    if policy_group == NOT_LINKED:
        support = support.filter(policy_group__isnull=True)
    elif policy_group.isdigit():
        support = support.filter(policy_group_id=int(policy_group))
    if year:
        support = support.filter(approved_on__year=year)
    return support.order_by("-approved_on", "-pk")


def covid_totals(support: QuerySet[CovidSupport]) -> dict:
    return support.order_by().aggregate(count=Count("pk"), value=Coalesce(Sum("amount_vnd"), 0))


def covid_cumulative(*, user, on: dt.date | None = None) -> dict:
    """All support of the user's areas approved up to a day (today by default)."""
    on = on or timezone.localdate()
    return covid_totals(scope(CovidSupport.objects.filter(approved_on__lte=on), user))


def covid_years(*, user) -> list[int]:
    dates = scope(CovidSupport.objects.all(), user).dates("approved_on", "year", order="DESC")
    return [d.year for d in dates]


def covid_support_detail(*, user, pk: int) -> CovidSupport:
    return get_scoped_or_404(
        CovidSupport.objects.select_related("commune", "policy_group", "person"), user, pk=pk
    )


def covid_history(*, support: CovidSupport, limit: int = 60) -> list[HistoryEntry]:
    records = support.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.recipient_name, limit=limit)
