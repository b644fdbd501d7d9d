"""The `poverty` and `health_insurance` keys of the half-year summary (contract.md)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    HouseholdFactory,
    InsuranceCardFactory,
    PovertyReviewFactory,
)
from welfare.households.indicators import health_insurance, poverty
from welfare.households.models import PovertyStandard
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db

POOR = {"income_per_capita_vnd": 1_200_000, "deprivations": [1, 4, 7]}
NEAR_POOR = {"income_per_capita_vnd": 1_500_000, "deprivations": [2]}
AVERAGE = {"income_per_capita_vnd": 1_800_000, "deprivations": []}


def review(commune: int, year: int = 2021, status: str = "recognised", **kwargs):
    household = HouseholdFactory(commune_id=commune)
    if status == "proposed":
        kwargs.update(recognised_on=None, decision_number="")
    return PovertyReviewFactory(household=household, review_year=year, status=status, **kwargs)


def summary(*args) -> dict:
    out = StringIO()
    call_command("halfyear_summary", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def records():
    # Hữu Lũng, review of 2021, recognised: 2 poor, 1 near-poor.
    review(HUU_LUNG, **POOR)
    review(HUU_LUNG, **POOR)
    review(HUU_LUNG, **NEAR_POOR)
    # Not counted: proposed and never recognised; reviews of other years.
    review(HUU_LUNG, status="proposed", **POOR)
    review(HUU_LUNG, year=2020, standard=PovertyStandard.objects.get(code="07/2021/NĐ-CP"), **POOR)
    review(HUU_LUNG, year=2022, **POOR)
    # Chi Lăng, same province: one household of average living standard.
    review(CHI_LANG, **AVERAGE)
    # Hà Nội: another province.
    review(HA_NOI_COMMUNE, **POOR)

    # Cards: inside the first half of 2022 at both ends, and a day outside on either side.
    InsuranceCardFactory(commune_id=HUU_LUNG, issued_on=dt.date(2022, 1, 1))
    InsuranceCardFactory(commune_id=HUU_LUNG, issued_on=dt.date(2022, 6, 30))
    InsuranceCardFactory(commune_id=HUU_LUNG, issued_on=dt.date(2021, 12, 31))
    InsuranceCardFactory(commune_id=HUU_LUNG, issued_on=dt.date(2022, 7, 1))
    InsuranceCardFactory(commune_id=CHI_LANG, issued_on=dt.date(2022, 3, 15))
    InsuranceCardFactory(commune_id=HA_NOI_COMMUNE, issued_on=dt.date(2022, 3, 15))


def test_the_province_summary_counts_every_communes_recognised_reviews_of_the_year_before(records):
    data = summary("--province", "20", "--year", "2022", "--half", "1")
    assert data["poverty"] == {
        "review_year": 2021,
        "households": 4,
        "poor": 2,
        "poor_rate": 50,
        "near_poor": 1,
        "near_poor_rate": 25,
    }
    # Hữu Lũng's two cards at the ends of the half and Chi Lăng's: not those a day outside,
    # not Hà Nội's.
    assert data["health_insurance"] == {"cards_issued": 3}


def test_a_commune_summary_counts_only_that_commune_with_rates_to_two_decimals(records):
    data = summary("--commune", str(HUU_LUNG), "--year", "2022", "--half", "1")
    assert data["poverty"] == {
        "review_year": 2021,
        "households": 3,
        "poor": 2,
        "poor_rate": 66.67,
        "near_poor": 1,
        "near_poor_rate": 33.33,
    }
    assert data["health_insurance"] == {"cards_issued": 2}
    chi_lang = summary("--commune", str(CHI_LANG), "--year", "2022", "--half", "1")
    assert chi_lang["poverty"]["households"] == 1
    assert chi_lang["poverty"]["poor"] == 0 and chi_lang["poverty"]["poor_rate"] == 0


def test_the_second_half_uses_the_same_review_year_and_counts_its_own_cards(records):
    data = summary("--commune", str(HUU_LUNG), "--year", "2022", "--half", "2")
    assert data["poverty"]["review_year"] == 2021
    assert data["poverty"]["households"] == 3
    assert data["health_insurance"] == {"cards_issued": 1}  # issued on 1 July 2022


def test_a_year_whose_previous_review_is_missing_has_zeros_and_null_rates_not_an_older_year(records):
    # The review of 2022 in Hữu Lũng exists but is the only one: 2023 counts it, 2024 nothing.
    data = summary("--province", "20", "--year", "2024", "--half", "1")
    assert data["poverty"] == {
        "review_year": 2023,
        "households": 0,
        "poor": 0,
        "poor_rate": None,
        "near_poor": 0,
        "near_poor_rate": None,
    }
    assert data["health_insurance"] == {"cards_issued": 0}
    assert summary("--province", "20", "--year", "2023", "--half", "2")["poverty"]["households"] == 1


def test_an_area_without_records_has_every_key_with_zeros():
    data = summary("--province", "1", "--year", "2022", "--half", "1")
    assert data["poverty"] == {
        "review_year": 2021,
        "households": 0,
        "poor": 0,
        "poor_rate": None,
        "near_poor": 0,
        "near_poor_rate": None,
    }
    assert data["health_insurance"] == {"cards_issued": 0}


def test_summary_build_keeps_the_rates_exact_and_puts_the_keys_in_order(records):
    built = summary_build(area=ReportArea.commune(HUU_LUNG), period=Period(2022, 1))
    assert str(built["poverty"]["poor_rate"]) == "66.67"
    keys = list(built)
    assert keys.index("poverty") < keys.index("health_insurance") < keys.index("targets")


def test_each_figure_is_one_query_however_many_records(records, django_assert_num_queries):
    area, period = ReportArea.province(20), Period(2022, 1)
    with django_assert_num_queries(1):
        poverty(area, period)
    with django_assert_num_queries(1):
        health_insurance(area, period)
