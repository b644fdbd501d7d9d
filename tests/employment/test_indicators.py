"""The `employment` key of the half-year summary (contract.md, "Half-year summary")."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    LoanFactory,
    PlacementFactory,
    PlanFactory,
)
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db

H1_2022 = Period(2022, 1)
EMPTY_LOANS = {"projects": 0, "amount_vnd": 0, "jobs": 0}


def employment(level="province", code=LANG_SON, period=H1_2022) -> dict:
    return summary_build(area=ReportArea.of(level, code), period=period)["employment"]


def test_new_jobs_by_channel_of_the_period_only():
    PlacementFactory(placed_on=dt.date(2022, 1, 1))
    PlacementFactory(placed_on=dt.date(2022, 6, 30), channel="employment_fund")
    PlacementFactory(commune_id=CHI_LANG, channel="labour_export")
    # Left out: before, after, another province.
    PlacementFactory(placed_on=dt.date(2021, 12, 31))
    PlacementFactory(placed_on=dt.date(2022, 7, 1))
    PlacementFactory(commune_id=HA_NOI_COMMUNE)
    figures = employment()
    assert figures["new_jobs"] == 3
    assert figures["by_channel"] == {"industrial_zone_outside_province": 1, "employment_fund": 1, "labour_export": 1}
    commune = employment("commune", HUU_LUNG)
    assert commune["new_jobs"] == 2 and "labour_export" not in commune["by_channel"]
    assert employment(period=Period(2022, 2))["by_channel"] == {"industrial_zone_outside_province": 1}


def test_the_plan_rate_is_new_jobs_over_the_years_plan_half_up_and_null_without_a_plan():
    PlacementFactory()
    assert employment() == {"new_jobs": 1, "plan": 0, "plan_rate": None,
                            "by_channel": {"industrial_zone_outside_province": 1}, "fund_loans": EMPTY_LOANS}
    PlanFactory(year=2022, target=32)
    figures = employment()
    assert (figures["plan"], figures["plan_rate"]) == (32, Decimal("3.13"))
    # The commune has no plan of its own: the province's is not its plan.
    assert (employment("commune", HUU_LUNG)["plan"], employment("commune", HUU_LUNG)["plan_rate"]) == (0, None)
    PlanFactory(year=2022, commune_id=HUU_LUNG, target=3)
    assert employment("commune", HUU_LUNG)["plan_rate"] == Decimal("33.33")
    # Another year's plan is not this year's; the second half uses the same annual plan.
    PlanFactory(year=2023, target=1)
    assert employment(period=Period(2022, 2))["plan"] == 32
    assert employment(period=Period(2022, 2))["plan_rate"] == Decimal("0.00")


def test_the_plan_can_be_exceeded():
    for _ in range(3):
        PlacementFactory()
    PlanFactory(year=2022, target=2)
    assert employment()["plan_rate"] == Decimal("150.00")


def test_fund_loans_disbursed_in_the_period_are_not_new_jobs():
    LoanFactory(amount_vnd=100_000_000, jobs=1, disbursed_on=dt.date(2022, 1, 1))
    LoanFactory(borrower_type="cooperative", amount_vnd=1_500_000_000, jobs=20, commune_id=CHI_LANG,
                disbursed_on=dt.date(2022, 6, 30))
    LoanFactory(disbursed_on=dt.date(2022, 7, 1), amount_vnd=7)
    LoanFactory(disbursed_on=dt.date(2021, 12, 31), amount_vnd=7)
    LoanFactory(commune_id=HA_NOI_COMMUNE, amount_vnd=7)
    figures = employment()
    assert figures["fund_loans"] == {"projects": 2, "amount_vnd": 1_600_000_000, "jobs": 21}
    assert figures["new_jobs"] == 0 and figures["by_channel"] == {}
    assert employment("commune", CHI_LANG)["fund_loans"] == {"projects": 1, "amount_vnd": 1_500_000_000, "jobs": 20}


def test_the_command_writes_json_numbers():
    PlacementFactory()
    PlanFactory(year=2022, target=16000)
    out = StringIO()
    call_command("halfyear_summary", "--province", str(LANG_SON), "--year", "2022", "--half", "1", stdout=out)
    data = json.loads(out.getvalue())["employment"]
    assert data == {"new_jobs": 1, "plan": 16000, "plan_rate": 0.01,
                    "by_channel": {"industrial_zone_outside_province": 1}, "fund_loans": EMPTY_LOANS}
    assert isinstance(data["plan"], int) and isinstance(data["plan_rate"], float)
