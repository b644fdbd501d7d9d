"""The poverty standards as data, loaded by the data migration (domain.md, "Poverty standard")."""

import pytest

from welfare.households.models import DeprivationIndicator, PovertyStandard
from welfare.households.poverty import poverty_classify, standard_for_review_year

pytestmark = pytest.mark.django_db


def test_migrate_loads_the_two_decrees_with_their_review_years_and_lines():
    rows = list(PovertyStandard.objects.order_by("first_review_year"))
    assert [s.code for s in rows] == ["07/2021/NĐ-CP", "351/2025/NĐ-CP"]
    old, new = rows
    assert (old.first_review_year, old.last_review_year) == (2021, 2025)
    assert (new.first_review_year, new.last_review_year) == (2026, 2029)
    assert (old.rural_income_line, old.urban_income_line) == (1_500_000, 2_000_000)
    assert (new.rural_income_line, new.urban_income_line) == (2_200_000, 2_800_000)
    assert old.poor_min_deprivations == new.poor_min_deprivations == 3


def test_the_average_living_bounds_of_351_2025_are_empty_and_marked_unverified():
    old = PovertyStandard.objects.get(code="07/2021/NĐ-CP")
    new = PovertyStandard.objects.get(code="351/2025/NĐ-CP")
    assert (old.rural_average_bound, old.urban_average_bound) == (2_250_000, 3_000_000)
    assert old.average_bounds_unverified is False
    assert (new.rural_average_bound, new.urban_average_bound) == (None, None)
    assert new.average_bounds_unverified is True


def test_each_standard_has_12_indicators_in_6_dimensions_with_thresholds_marked_unverified():
    for standard in PovertyStandard.objects.all():
        indicators = list(standard.indicators.order_by("number"))
        assert [i.number for i in indicators] == list(range(1, 13))
        by_dimension = {}
        for i in indicators:
            by_dimension.setdefault(i.dimension, []).append(i.number)
        assert by_dimension == {
            "employment": [1, 2], "health": [3, 4], "education": [5, 6],
            "housing": [7, 8], "water": [9, 10], "information": [11, 12],
        }
        assert all(i.threshold and i.threshold_unverified for i in indicators)
    assert DeprivationIndicator.objects.get(standard__code="07/2021/NĐ-CP", number=4).name == "Bảo hiểm y tế"


def test_an_admin_setting_the_bounds_changes_the_classification_without_code():
    new = PovertyStandard.objects.get(code="351/2025/NĐ-CP")
    args = {"area_type": "rural", "income_per_capita_vnd": 2_500_000, "deprivation_count": 0}
    assert poverty_classify(standard=new, **args) == "not_poor"
    new.rural_average_bound = 3_000_000
    new.save()
    assert poverty_classify(standard=standard_for_review_year(2027), **args) == "average"
