"""The `employment` key of the half-year summary (contract.md, "Half-year summary").

- `new_jobs`: placements with `placed_on` in the period (a loan's jobs are never added to it:
  a worker hired through a fund loan is recorded as a placement of channel `employment_fund`);
- `plan`: the area's `new_jobs` plan for the year (`welfare.reports`), 0 when none, and then
  `plan_rate` is null; `plan_rate` = new_jobs / plan × 100, half-up to 2 decimals;
- `by_channel`: every channel with placements in the period, its count;
- `fund_loans`: loans with `disbursed_on` in the period: projects, amount and jobs.
"""

from django.db.models import Count, Sum

from welfare.core.formatting import rate
from welfare.reports.indicators import plans_for, plans_for_communes
from welfare.reports.models import PlanIndicator
from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator, rows_by_commune

from .models import Loan, Placement


def new_jobs_by_channel(area: ReportArea, period: Period) -> dict[str, int]:
    return _new_jobs_by_channel(area, period)[None]


def _new_jobs_by_channel(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    rows = rows_by_commune(
        Placement.objects.filter(placed_on__range=(period.start, period.end)),
        area=area,
        by_commune=by_commune,
        keys=["channel"],
        count=Count("pk"),
    )
    return {code: {row["channel"]: row["count"] for row in channels} for code, channels in rows.items()}


def fund_loans(area: ReportArea, period: Period) -> dict:
    return _fund_loans(area, period)[None]


def _fund_loans(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    rows = rows_by_commune(
        Loan.objects.filter(disbursed_on__range=(period.start, period.end)),
        area=area,
        by_commune=by_commune,
        projects=Count("pk"),
        amount_vnd=Sum("amount_vnd"),
        jobs=Sum("jobs"),
    )
    return {
        code: {"projects": row["projects"], "amount_vnd": row["amount_vnd"] or 0, "jobs": row["jobs"] or 0}
        for code, (row,) in rows.items()
    }


def _employment(by_channel: dict[str, int], plan: int, loans: dict) -> dict:
    new_jobs = sum(by_channel.values())
    return {
        "new_jobs": new_jobs,
        "plan": plan,
        "plan_rate": rate(new_jobs, plan),
        "by_channel": by_channel,
        "fund_loans": loans,
    }


def employment_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    by_channel = _new_jobs_by_channel(province, period, by_commune=True)
    loans = _fund_loans(province, period, by_commune=True)
    plans = plans_for_communes(province, period.year)
    no_loans = {"projects": 0, "amount_vnd": 0, "jobs": 0}
    return {
        code: _employment(
            by_channel.get(code, {}),
            int(plans.get(code, {}).get(PlanIndicator.NEW_JOBS, 0)),
            loans.get(code) or dict(no_loans),
        )
        for code in communes
    }


@indicator("employment", order=80, communes=employment_communes)
def employment(area: ReportArea, period: Period) -> dict:
    return _employment(
        new_jobs_by_channel(area, period),
        int(plans_for(area, period.year).get(PlanIndicator.NEW_JOBS, 0)),
        fund_loans(area, period),
    )
