"""Reads on plans, scoped to the user's areas."""

from django.db.models import QuerySet

from welfare.accounts.scoping import scope

from .models import Plan


def plan_list(*, user, year: int | None = None, province: int | None = None) -> QuerySet[Plan]:
    plans = scope(Plan.objects.select_related("province", "commune"), user)
    if year:
        plans = plans.filter(year=year)
    if province:
        plans = plans.filter(province_id=province)
    return plans.order_by("-year", "province_id", "commune__name", "indicator")


def plan_years(*, user) -> list[int]:
    return sorted(
        set(scope(Plan.objects.all(), user).values_list("year", flat=True)), reverse=True
    )
