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
from welfare.reports.indicators import plans_for
from welfare.reports.models import PlanIndicator
from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator

from .models import Loan, Placement


def new_jobs_by_channel(area: ReportArea, period: Period) -> dict[str, int]:
    rows = (
        Placement.objects.filter(area.records_q("commune"), placed_on__range=(period.start, period.end))
        .values("channel")
        .annotate(count=Count("pk"))
        .order_by("channel")
    )
    return {row["channel"]: row["count"] for row in rows}


def fund_loans(area: ReportArea, period: Period) -> dict:
    figures = Loan.objects.filter(
        area.records_q("commune"), disbursed_on__range=(period.start, period.end)
    ).aggregate(projects=Count("pk"), amount_vnd=Sum("amount_vnd"), jobs=Sum("jobs"))
    return {
        "projects": figures["projects"],
        "amount_vnd": figures["amount_vnd"] or 0,
        "jobs": figures["jobs"] or 0,
    }


@indicator("employment", order=80)
def employment(area: ReportArea, period: Period) -> dict:
    by_channel = new_jobs_by_channel(area, period)
    new_jobs = sum(by_channel.values())
    plan = int(plans_for(area, period.year).get(PlanIndicator.NEW_JOBS, 0))
    return {
        "new_jobs": new_jobs,
        "plan": plan,
        "plan_rate": rate(new_jobs, plan),
        "by_channel": by_channel,
        "fund_loans": fund_loans(area, period),
    }
