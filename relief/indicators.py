"""The `hunger_relief`, `gifts` and `covid_support` keys of the half-year summary
(contract.md, "Half-year summary"). Each is one or two aggregate queries over the records of
the area's communes."""

from django.db.models import Count, Q, Sum

from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator

from .models import Cause, CovidSupport, Distribution, Gift


@indicator("hunger_relief", order=30)
def hunger_relief(area: ReportArea, period: Period) -> dict:
    """Distributions of hunger-relief rounds given in the period: distinct households (a row
    without a household counts as one), persons covered, rice kg and cost."""
    rows = Distribution.objects.filter(
        area.records_q("commune"),
        round__cause=Cause.HUNGER,
        distributed_on__range=(period.start, period.end),
    )
    figures = rows.aggregate(
        households=Count("household", distinct=True),
        without=Count("pk", filter=Q(household__isnull=True)),
        persons=Sum("persons_covered"),
        rice_kg=Sum("rice_kg"),
        cost_vnd=Sum("cost_vnd"),
    )
    return {
        "households": figures["households"] + figures["without"],
        "persons": figures["persons"] or 0,
        "rice_kg": figures["rice_kg"] or 0,
        "cost_vnd": figures["cost_vnd"] or 0,
    }


@indicator("gifts", order=40)
def gifts(area: ReportArea, period: Period) -> dict:
    """Gifts given in the period, by recipient group (every group with gifts), and in all."""
    rows = Gift.objects.filter(area.records_q("commune"), given_on__range=(period.start, period.end))
    by_group = {
        row["recipient_group"]: {"count": row["count"], "value_vnd": row["value"] or 0}
        for row in rows.values("recipient_group")
        .annotate(count=Count("pk"), value=Sum("value_vnd"))
        .order_by("recipient_group")
    }
    return {
        "by_group": by_group,
        "total": {
            "count": sum(g["count"] for g in by_group.values()),
            "value_vnd": sum(g["value_vnd"] for g in by_group.values()),
        },
    }


@indicator("covid_support", order=90)
def covid_support(area: ReportArea, period: Period) -> dict:
    """All support approved up to the period's end (lũy kế đến ngày …)."""
    total = CovidSupport.objects.filter(area.records_q("commune"), approved_on__lte=period.end).aggregate(
        total=Sum("amount_vnd")
    )["total"]
    return {"cumulative_amount_vnd": total or 0, "as_of": period.end.isoformat()}
