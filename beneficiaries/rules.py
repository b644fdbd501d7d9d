"""The two rules that set a monthly amount, read from the reference rows in force that month.

- Meritorious people: the decree's amount schedule (an amount per category and sub-case, by
  rate band where the schedule has bands), plus the supplements the case has (domain.md,
  "People with meritorious services"; Decree 75/2021 as amended by 55/2023 and 77/2024).
- Social protection: standard level × coefficient (Decree 20/2021/NĐ-CP, Art. 6); with several
  categories the highest amount only, except that a poor single parent also receives the
  coefficient per child; the social pension (Decree 176/2025/NĐ-CP) counts as one more
  category, so whoever also qualifies for assistance gets the higher amount.

A case without a matching row raises `NoRule` with a message for the officer: the run lists it
as not paid instead of paying zero. Both rules read a `Schedule` loaded once per month, so
building a province's run costs a few queries, not a few per beneficiary.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from welfare.core.formatting import format_vnd as vnd, half_up

from .models import (
    AllowanceRate,
    Beneficiary,
    LevelKind,
    MeritCategory,
    Programme,
    RateKind,
    SocialCategory,
    SocialCoefficient,
    StandardLevel,
    SubCase,
    Supplement,
    month_start,
)

# Sub-cases whose amount depends on the injury or illness rate.
BANDED = frozenset({SubCase.INVALID, SubCase.INVALID_B, SubCase.SICK_SOLDIER, SubCase.TOXIC})
MARTYR_RELATIVES = frozenset({SubCase.MARTYRS_1, SubCase.MARTYRS_2, SubCase.MARTYRS_3})
AGE_FREE = frozenset({SocialCategory.SINGLE_PARENT, SocialCategory.HIV_POOR, SocialCategory.ELDERLY_COMMUNITY_CARE})


class NoRule(Exception):
    """No reference row sets this beneficiary's amount for the month."""


@dataclass(frozen=True)
class Amount:
    amount_vnd: int
    basis: str


@dataclass
class Schedule:
    """The reference rows in force on the first day of one month."""

    month: dt.date
    levels: dict[str, int] = field(default_factory=dict)
    rates: list[AllowanceRate] = field(default_factory=list)
    coefficients: list[SocialCoefficient] = field(default_factory=list)

    @classmethod
    def for_month(cls, month: dt.date) -> "Schedule":
        day = month_start(month)
        return cls(
            month=day,
            levels={row.kind: row.amount_vnd for row in StandardLevel.objects.valid_on(day)},
            rates=list(AllowanceRate.objects.valid_on(day)),
            coefficients=list(SocialCoefficient.objects.valid_on(day)),
        )


def _in_band(row, value: int | None) -> bool:
    if row.rate_min is None:
        return True
    return value is not None and row.rate_min <= value <= row.rate_max


def merit_amount(beneficiary: Beneficiary, schedule: Schedule) -> Amount:
    """The monthly allowance of a meritorious beneficiary: the schedule row of their category
    and sub-case (and rate band), plus the supplements of their case."""
    b = beneficiary
    month_label = f"{schedule.month:%m/%Y}"
    if b.sub_case in BANDED and b.rate_percent is None:
        raise NoRule(_("The injury or illness rate is missing."))
    rows = [
        r
        for r in schedule.rates
        if r.kind == RateKind.MONTHLY
        and r.category == b.category
        and r.sub_case == b.sub_case
        and _in_band(r, b.rate_percent)
    ]
    if not rows:
        rate = f", {b.rate_percent} %" if b.sub_case in BANDED else ""
        raise NoRule(
            _("The amount schedule for %(month)s has no row for %(category)s, %(sub_case)s%(rate)s.")
            % {
                "month": month_label,
                "category": MeritCategory(b.category).label,
                "sub_case": SubCase(b.sub_case).label,
                "rate": rate,
            }
        )
    if len(rows) > 1:
        raise NoRule(
            _("The amount schedule for %(month)s has %(count)d rows that match this case: keep one.")
            % {"month": month_label, "count": len(rows)}
        )
    base = rows[0]
    amount = _row_amount(base, schedule)
    parts = [f"{base.description or SubCase(base.sub_case).label}: {vnd(amount)}"]
    for supplement, times in _supplements_of(b):
        rows = [
            r
            for r in schedule.rates
            if r.kind == RateKind.SUPPLEMENT and r.category == b.category and r.supplement == supplement
        ]
        if len(rows) != 1:
            # A case owed a supplement is listed, not silently underpaid.
            raise NoRule(
                _("The amount schedule for %(month)s has no row for the supplement “%(supplement)s”.")
                % {"month": month_label, "supplement": Supplement(supplement).label}
                if not rows
                else _("The amount schedule for %(month)s has %(count)d rows that match this case: keep one.")
                % {"month": month_label, "count": len(rows)}
            )
        extra = _row_amount(rows[0], schedule) * times
        amount += extra
        label = rows[0].description or Supplement(supplement).label
        parts.append(f"{label}: {vnd(extra)}" if times == 1 else f"{label}: {times} × {vnd(extra // times)}")
    return Amount(amount, "; ".join(parts))


def _row_amount(row: AllowanceRate, schedule: Schedule) -> int:
    if row.amount_vnd is not None:
        return row.amount_vnd
    level = schedule.levels.get(LevelKind.MERIT)
    if level is None:
        raise NoRule(_("No standard level is in force in %(month)s.") % {"month": f"{schedule.month:%m/%Y}"})
    return half_up(Decimal(level) * row.level_multiple)


def _supplements_of(b: Beneficiary) -> list[tuple[str, int]]:
    found = []
    if b.lives_alone:
        found.append((Supplement.LIVING_ALONE, 1))
    if b.category == MeritCategory.D and b.sub_case == SubCase.STANDARD:
        found.append((Supplement.HEROIC_MOTHER, 1))
    if b.sub_case == SubCase.FULL_TIME and b.service_years:
        found.append((Supplement.SERVICE_YEAR, b.service_years))
    return found


def age_on(birth_date: dt.date | None, birth_year: int | None, day: dt.date) -> int | None:
    """Completed years on `day`; with only a year of birth, as if born on 1 January."""
    if birth_date is None:
        if birth_year is None:
            return None
        birth_date = dt.date(birth_year, 1, 1)
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def social_amount(beneficiary: Beneficiary, schedule: Schedule) -> Amount:
    """Monthly social assistance (level × coefficient) or the social pension, the highest of
    the beneficiary's categories; a poor single parent's coefficient per child is added."""
    b = beneficiary
    categories = [c for c in (b.social_categories or []) if c in SocialCategory.values]
    if not categories:
        raise NoRule(_("No social-protection category is recorded."))
    person = b.person
    age = age_on(person.birth_date, person.birth_year, schedule.month)
    month_label = f"{schedule.month:%m/%Y}"
    best: tuple[int, str] | None = None
    extra: tuple[int, str] | None = None
    reasons = []
    for category in categories:
        if age is None and category not in AGE_FREE:
            reasons.append(_("the date of birth is missing"))
            continue
        rows = [
            r
            for r in schedule.coefficients
            if r.category == category
            and (r.age_min is None or (age is not None and age >= r.age_min))
            and (r.age_below is None or (age is not None and age < r.age_below))
        ]
        if not rows:
            reasons.append(
                _("%(category)s has no coefficient for age %(age)s in %(month)s")
                % {"category": SocialCategory(category).label, "age": age, "month": month_label}
            )
            continue
        row = max(rows, key=lambda r: r.coefficient)
        level = schedule.levels.get(row.level)
        if level is None:
            reasons.append(
                _("no %(level)s is in force in %(month)s") % {"level": LevelKind(row.level).label, "month": month_label}
            )
            continue
        times = 1
        if category == SocialCategory.SINGLE_PARENT:
            times = b.children_count or 0
            if not times:
                reasons.append(_("the number of children raised is missing"))
                continue
        amount = half_up(Decimal(level) * row.coefficient) * times
        coefficient = f"{row.coefficient.normalize():f}".replace(".", ",")
        basis = f"{SocialCategory(category).label}: {vnd(level)} × {coefficient}"
        if times > 1:
            basis += f" × {times}"
        if category == SocialCategory.SINGLE_PARENT:
            extra = (amount, basis)
        elif best is None or amount > best[0]:
            best = (amount, basis)
    chosen = [part for part in (best, extra) if part is not None]
    if not chosen:
        raise NoRule("; ".join(reasons).capitalize() + ".")
    return Amount(sum(a for a, _ in chosen), "; ".join(text for _, text in chosen))


RULES: dict[str, Callable[[Beneficiary, Schedule], Amount]] = {
    Programme.MERIT: merit_amount,
    Programme.SOCIAL: social_amount,
}


def monthly_amount(beneficiary: Beneficiary, month: dt.date, schedule: Schedule | None = None) -> Amount:
    """The amount a beneficiary is owed for `month` under the rule of their programme."""
    schedule = schedule or Schedule.for_month(month)
    return RULES[beneficiary.programme](beneficiary, schedule)
