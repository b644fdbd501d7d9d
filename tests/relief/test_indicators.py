"""The `hunger_relief`, `gifts` and `covid_support` keys of the half-year summary (contract.md)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    CovidSupportFactory,
    DistributionFactory,
    GiftFactory,
    HouseholdFactory,
    ReliefRoundFactory,
)
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db

H1_2022 = Period(2022, 1)


def summary(level="province", code=20, period=H1_2022):
    return summary_build(area=ReportArea.of(level, code), period=period)


def test_hunger_relief_counts_households_persons_rice_and_cost_of_the_period():
    hunger = ReliefRoundFactory()
    household = HouseholdFactory()
    DistributionFactory(round=hunger, household=household, persons_covered=4, rice_kg=60, cost_vnd=720_000)
    # The same household again in another hunger round of the period counts once.
    DistributionFactory(round=ReliefRoundFactory(), household=household, persons_covered=4, rice_kg=60,
                        cost_vnd=720_000, distributed_on=dt.date(2022, 6, 30))
    # A row without a household counts as one household.
    DistributionFactory(round=hunger, household=None, recipient_name="Lăng Thị Sáu", persons_covered=1,
                        rice_kg=15, cost_vnd=180_000, distributed_on=dt.date(2022, 1, 1))
    DistributionFactory(round=hunger, commune_id=CHI_LANG, persons_covered=2, rice_kg=30, cost_vnd=360_000)
    # Left out: another cause, outside the period, another province.
    DistributionFactory(round=ReliefRoundFactory(cause="disaster"), persons_covered=9, rice_kg=99, cost_vnd=9)
    DistributionFactory(round=hunger, distributed_on=dt.date(2022, 7, 1), persons_covered=9, rice_kg=99)
    DistributionFactory(round=hunger, distributed_on=dt.date(2021, 12, 31), persons_covered=9, rice_kg=99)
    DistributionFactory(round=ReliefRoundFactory(province_id=1), commune_id=HA_NOI_COMMUNE,
                        household=HouseholdFactory(commune_id=HA_NOI_COMMUNE, code="HN-1"), persons_covered=9)
    assert summary()["hunger_relief"] == {"households": 3, "persons": 11, "rice_kg": 165, "cost_vnd": 1_980_000}
    assert summary("commune", HUU_LUNG)["hunger_relief"] == {
        "households": 2, "persons": 9, "rice_kg": 135, "cost_vnd": 1_620_000,
    }


def test_gifts_by_group_and_in_all():
    for _ in range(3):
        GiftFactory(recipient_group="poor_household", value_vnd=600_000)
    GiftFactory(recipient_group="children", value_vnd=600_000, funding_source="socialized", commune_id=CHI_LANG,
                given_on=dt.date(2022, 6, 30))
    GiftFactory(recipient_group="elderly", given_on=dt.date(2022, 7, 1))
    GiftFactory(recipient_group="elderly", commune_id=HA_NOI_COMMUNE)
    figures = summary()["gifts"]
    assert figures == {
        "by_group": {"children": {"count": 1, "value_vnd": 600_000},
                     "poor_household": {"count": 3, "value_vnd": 1_800_000}},
        "total": {"count": 4, "value_vnd": 2_400_000},
    }


def test_covid_support_is_cumulative_to_the_periods_end():
    CovidSupportFactory(approved_on=dt.date(2021, 9, 15), amount_vnd=3_710_000)
    CovidSupportFactory(approved_on=dt.date(2022, 6, 30), amount_vnd=1_000_000, commune_id=CHI_LANG)
    CovidSupportFactory(approved_on=dt.date(2022, 7, 1), amount_vnd=5_000_000)
    CovidSupportFactory(approved_on=dt.date(2021, 9, 15), amount_vnd=9_000_000, commune_id=HA_NOI_COMMUNE)
    assert summary()["covid_support"] == {"cumulative_amount_vnd": 4_710_000, "as_of": "2022-06-30"}
    assert summary(period=Period(2021, 2))["covid_support"]["cumulative_amount_vnd"] == 3_710_000


def test_the_command_prints_the_keys_with_zeros_for_an_empty_area():
    out = StringIO()
    call_command("halfyear_summary", "--commune", str(HUU_LUNG), "--year", "2022", "--half", "1", stdout=out)
    data = json.loads(out.getvalue())
    assert data["hunger_relief"] == {"households": 0, "persons": 0, "rice_kg": 0, "cost_vnd": 0}
    assert data["gifts"] == {"by_group": {}, "total": {"count": 0, "value_vnd": 0}}
    assert data["covid_support"] == {"cumulative_amount_vnd": 0, "as_of": "2022-06-30"}
    assert list(data) == ["area", "period", "poverty", "health_insurance", "hunger_relief", "gifts",
                          "meritorious", "social_protection", "employment", "covid_support", "targets"]
    assert data["employment"] == {"new_jobs": 0, "plan": 0, "plan_rate": None, "by_channel": {},
                                  "fund_loans": {"projects": 0, "amount_vnd": 0, "jobs": 0}}
