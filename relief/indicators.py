"""The `hunger_relief`, `gifts` and `covid_support` keys of the half-year summary
(contract.md, "Half-year summary"). Each is one aggregate query over the records of the area's
communes, or, for all the communes of a province at once, one query grouped by commune."""

from django.db.models import Count, Q, Sum

from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator, rows_by_commune

from .models import Cause, CovidSupport, Distribution, Gift


def _hunger_relief(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    rows = rows_by_commune(
        Distribution.objects.filter(round__cause=Cause.HUNGER, distributed_on__range=(period.start, period.end)),
        area=area,
        by_commune=by_commune,
        households=Count("household", distinct=True),
        without=Count("pk", filter=Q(household__isnull=True)),
        persons=Sum("persons_covered"),
        rice_kg=Sum("rice_kg"),
        cost_vnd=Sum("cost_vnd"),
    )
    return {
        code: {
            "households": row["households"] + row["without"],
            "persons": row["persons"] or 0,
            "rice_kg": row["rice_kg"] or 0,
            "cost_vnd": row["cost_vnd"] or 0,
        }
        for code, (row,) in rows.items()
    }


def hunger_relief_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _hunger_relief(province, period, by_commune=True)
    empty = {"households": 0, "persons": 0, "rice_kg": 0, "cost_vnd": 0}
    return {code: figures.get(code) or dict(empty) for code in communes}


@indicator("hunger_relief", order=30, communes=hunger_relief_communes)
def hunger_relief(area: ReportArea, period: Period) -> dict:
    """Distributions of hunger-relief rounds given in the period: distinct households (a row
    without a household counts as one), persons covered, rice kg and cost."""
    return _hunger_relief(area, period)[None]


def _gifts(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    rows = rows_by_commune(
        Gift.objects.filter(given_on__range=(period.start, period.end)),
        area=area,
        by_commune=by_commune,
        keys=["recipient_group"],
        count=Count("pk"),
        value=Sum("value_vnd"),
    )
    figures = {}
    for code, groups in rows.items():
        by_group = {row["recipient_group"]: {"count": row["count"], "value_vnd": row["value"] or 0} for row in groups}
        figures[code] = {
            "by_group": by_group,
            "total": {
                "count": sum(g["count"] for g in by_group.values()),
                "value_vnd": sum(g["value_vnd"] for g in by_group.values()),
            },
        }
    return figures


def gifts_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _gifts(province, period, by_commune=True)
    return {code: figures.get(code) or {"by_group": {}, "total": {"count": 0, "value_vnd": 0}} for code in communes}


@indicator("gifts", order=40, communes=gifts_communes)
def gifts(area: ReportArea, period: Period) -> dict:
    """Gifts given in the period, by recipient group (every group with gifts), and in all."""
    return _gifts(area, period)[None]


def _covid_support(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    rows = rows_by_commune(
        CovidSupport.objects.filter(approved_on__lte=period.end),
        area=area,
        by_commune=by_commune,
        total=Sum("amount_vnd"),
    )
    return {
        code: {"cumulative_amount_vnd": row["total"] or 0, "as_of": period.end.isoformat()}
        for code, (row,) in rows.items()
    }


def covid_support_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _covid_support(province, period, by_commune=True)
    empty = {"cumulative_amount_vnd": 0, "as_of": period.end.isoformat()}
    return {code: figures.get(code) or dict(empty) for code in communes}


@indicator("covid_support", order=90, communes=covid_support_communes)
def covid_support(area: ReportArea, period: Period) -> dict:
    """All support approved up to the period's end (lũy kế đến ngày …)."""
    return _covid_support(area, period)[None]
