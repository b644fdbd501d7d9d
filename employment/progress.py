"""The employment overview's figures: a year's new jobs against the year's plan.

- new jobs: placements with `placed_on` in the year (as `indicators.employment`: a loan's jobs
  are never added to them), split by half (1 January – 30 June, 1 July – 31 December) and by
  channel (every channel, zero included);
- plan: the area's `new_jobs` target for the year (`welfare.reports`): read, never typed here;
  None when none is entered, and then there is no rate (never 0 %);
- plan rate: new jobs × 100 / plan, half-up to 2 decimals (`core.formatting.rate`);
- fund loans: loans with `disbursed_on` in the year: projects, amount, jobs.

The queries are grouped: a province's communes are read in one query per kind (placements,
loans, plans), never one query per commune.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from welfare.accounts.scoping import scope
from welfare.areas.models import Commune, Province
from welfare.core.formatting import rate
from welfare.reports.indicators import plans_for
from welfare.reports.models import Plan, PlanIndicator
from welfare.reports.periods import Period, ReportArea

from .models import BorderPass, Channel, Loan, Placement
from .pass_selectors import SOON, expiry_q


@dataclass
class ChannelRow:
    key: str
    label: str
    count: int


@dataclass
class HalfRow:
    period: Period
    count: int


@dataclass
class AreaProgress:
    """One area's year: its new jobs against its plan, by half and by channel, and its loans."""

    area: ReportArea
    year: int
    new_jobs: int = 0
    plan: int | None = None
    halves: list[HalfRow] = field(default_factory=list)
    by_channel: list[ChannelRow] = field(default_factory=list)
    loans: dict = field(default_factory=lambda: {"projects": 0, "amount_vnd": 0, "jobs": 0})

    @property
    def plan_rate(self) -> Decimal | None:
        return rate(self.new_jobs, self.plan or 0)

    @property
    def bar_percent(self) -> int:
        """The progress bar's width: the rate, at most 100."""
        value = self.plan_rate
        return 0 if value is None else int(min(value, Decimal(100)))

    @property
    def has_records(self) -> bool:
        return bool(self.new_jobs or self.loans["projects"] or self.plan is not None)


@dataclass
class _Tally:
    """What the grouped queries found for one area."""

    channels: dict = field(default_factory=dict)  # channel -> [first half, second half]
    loans: dict = field(default_factory=lambda: {"projects": 0, "amount_vnd": 0, "jobs": 0})


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _tallies(where: Q, year: int, *, by_commune: bool) -> dict:
    """Placements (by channel and half) and loans of the year matching `where` (a filter on the
    `commune` path), keyed by commune code, or under None when not `by_commune`: two queries."""
    first_end = Period(year, 1).end
    keys = ["commune_id", "channel"] if by_commune else ["channel"]
    placements = (
        Placement.objects.filter(where, placed_on__range=_year_range(year))
        .values(*keys)
        .annotate(
            first=Count("pk", filter=Q(placed_on__lte=first_end)),
            second=Count("pk", filter=Q(placed_on__gt=first_end)),
        )
        .order_by()
    )
    tallies: dict = defaultdict(_Tally)
    for row in placements:
        key = row["commune_id"] if by_commune else None
        tallies[key].channels[row["channel"]] = [row["first"], row["second"]]
    loans = Loan.objects.filter(where, disbursed_on__range=_year_range(year))
    figures = {"projects": Count("pk"), "amount_vnd": Sum("amount_vnd"), "jobs": Sum("jobs")}
    if by_commune:
        grouped = loans.values("commune_id").annotate(**figures).order_by()
        loan_rows = [(row["commune_id"], row) for row in grouped]
    else:
        loan_rows = [(None, loans.aggregate(**figures))]
    for key, row in loan_rows:
        if row["projects"]:
            tallies[key].loans = {
                "projects": row["projects"],
                "amount_vnd": row["amount_vnd"] or 0,
                "jobs": row["jobs"] or 0,
            }
    return tallies


def _progress(area: ReportArea, year: int, tally: _Tally, plan: int | None) -> AreaProgress:
    first = sum(counts[0] for counts in tally.channels.values())
    second = sum(counts[1] for counts in tally.channels.values())
    return AreaProgress(
        area=area,
        year=year,
        new_jobs=first + second,
        plan=plan,
        halves=[HalfRow(Period(year, 1), first), HalfRow(Period(year, 2), second)],
        by_channel=[
            ChannelRow(key, str(label), sum(tally.channels.get(key, (0, 0))))
            for key, label in Channel.choices
        ],
        loans=tally.loans,
    )


def _new_jobs_plan(plans: dict) -> int | None:
    target = plans.get(PlanIndicator.NEW_JOBS)
    return None if target is None else int(target)


def province_progress(province: Province, year: int) -> AreaProgress:
    """The whole province's year, from the records of all its communes: three queries."""
    area = ReportArea(level="province", code=province.code, name=province.name, province_code=province.code)
    tally = _tallies(area.records_q("commune"), year, by_commune=False).get(None, _Tally())
    return _progress(area, year, tally, _new_jobs_plan(plans_for(area, year)))


def _commune_plans(where: Q, year: int) -> dict[int, int]:
    rows = Plan.objects.filter(where, year=year, indicator=PlanIndicator.NEW_JOBS).values_list(
        "commune_id", "target"
    )
    return {code: int(target) for code, target in rows}


def communes_progress(communes: list[Commune], year: int) -> list[AreaProgress]:
    """Each commune's year (an officer's communes), in the order given: three queries."""
    where = Q(commune__in=[c.code for c in communes])
    tallies = _tallies(where, year, by_commune=True)
    plans = _commune_plans(where, year)
    return [
        _progress(
            ReportArea(level="commune", code=c.code, name=c.name, province_code=c.province_id),
            year,
            tallies.get(c.code, _Tally()),
            plans.get(c.code),
        )
        for c in communes
    ]


def province_communes_progress(province: Province, year: int) -> list[AreaProgress]:
    """The province's communes with placements, loans or a plan in the year, by name: four
    queries whatever the number of communes."""
    where = Q(commune__province=province.code)
    tallies = _tallies(where, year, by_commune=True)
    plans = _commune_plans(where, year)
    codes = set(tallies) | set(plans)
    communes = Commune.objects.filter(code__in=codes).order_by("name", "code")
    return [
        _progress(
            ReportArea(level="commune", code=c.code, name=c.name, province_code=c.province_id),
            year,
            tallies.get(c.code, _Tally()),
            plans.get(c.code),
        )
        for c in communes
    ]


def overview_years(*, user, today: dt.date | None = None) -> list[int]:
    """The years the year selector offers: those with placements, loans or plans in the user's
    areas, and the current year, newest first."""
    years = {(today or timezone.localdate()).year}
    years.update(d.year for d in scope(Placement.objects.all(), user).dates("placed_on", "year"))
    years.update(d.year for d in scope(Loan.objects.all(), user).dates("disbursed_on", "year"))
    years.update(scope(Plan.objects.all(), user).values_list("year", flat=True).distinct().order_by())
    return sorted(years, reverse=True)


def default_province(provinces) -> Province | None:
    """The province an admin sees first: the first by name with placements, else with loans,
    else the first by name."""
    for model in (Placement, Loan):
        code = (
            model.objects.order_by("commune__province__name")
            .values_list("commune__province_id", flat=True)
            .first()
        )
        if code is not None:
            found = provinces.filter(code=code).first()
            if found is not None:
                return found
    return provinces.order_by("name").first()


def expiring_passes_count(*, user, today: dt.date | None = None) -> int:
    """The user's border-labour passes expiring within `services.EXPIRING_DAYS` days (the
    passes list's `?expiry=soon`)."""
    today = today or timezone.localdate()
    return scope(BorderPass.objects.filter(expiry_q(SOON, today=today)), user).count()
