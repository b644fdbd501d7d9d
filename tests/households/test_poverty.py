"""The multidimensional classification at every boundary (Decree 07/2021/NĐ-CP, Art. 3;
Decree 351/2025/NĐ-CP), the standard covering each review year, and the deprivations list."""

import pytest
from django.core.exceptions import ValidationError

from welfare.households.poverty import deprivations_parse, poverty_classify, standard_for_review_year

pytestmark = pytest.mark.django_db


def classify(year: int, area_type: str, income: int, deprivations: int) -> str:
    return poverty_classify(
        standard=standard_for_review_year(year),
        area_type=area_type,
        income_per_capita_vnd=income,
        deprivation_count=deprivations,
    )


@pytest.mark.parametrize(
    "area_type, income, deprivations, expected",
    [
        # Rural line 1.500.000: at the line, one đồng above; 3 deprivations against 2.
        ("rural", 1_500_000, 3, "poor"),
        ("rural", 1_500_000, 2, "near_poor"),
        ("rural", 1_500_001, 3, "average"),
        ("rural", 1_500_001, 12, "average"),
        ("rural", 0, 0, "near_poor"),
        ("rural", 700_000, 12, "poor"),
        # Urban line 2.000.000.
        ("urban", 2_000_000, 3, "poor"),
        ("urban", 2_000_000, 2, "near_poor"),
        ("urban", 2_000_001, 3, "average"),
        # The same income, rural and urban.
        ("rural", 1_800_000, 3, "average"),
        ("urban", 1_800_000, 3, "poor"),
        ("urban", 1_800_000, 0, "near_poor"),
        # The average-living upper bound: 2.250.000 rural, 3.000.000 urban, and one đồng above.
        ("rural", 2_250_000, 0, "average"),
        ("rural", 2_250_001, 0, "not_poor"),
        ("urban", 3_000_000, 5, "average"),
        ("urban", 3_000_001, 5, "not_poor"),
    ],
)
def test_the_review_of_2025_by_decree_07_2021(area_type, income, deprivations, expected):
    assert classify(2025, area_type, income, deprivations) == expected


@pytest.mark.parametrize(
    "area_type, income, deprivations, expected",
    [
        # New lines from the review of 2026 (statuses for 2027): 2.200.000 rural, 2.800.000 urban.
        ("rural", 2_200_000, 3, "poor"),
        ("rural", 2_200_000, 2, "near_poor"),
        # The upper bounds of 351/2025 are not known yet: above the line is "not poor".
        ("rural", 2_200_001, 0, "not_poor"),
        ("urban", 2_800_000, 3, "poor"),
        ("urban", 2_800_000, 2, "near_poor"),
        ("urban", 2_800_001, 0, "not_poor"),
    ],
)
def test_the_review_of_2026_by_decree_351_2025(area_type, income, deprivations, expected):
    assert classify(2026, area_type, income, deprivations) == expected


def test_the_same_household_on_either_side_of_the_change_of_standard():
    # Rural, 1.800.000 a person a month, no deprivation.
    assert classify(2025, "rural", 1_800_000, 0) == "average"
    assert classify(2026, "rural", 1_800_000, 0) == "near_poor"
    # Urban 2.500.000 with 4 deprivations: average in 2025, poor in 2026.
    assert classify(2025, "urban", 2_500_000, 4) == "average"
    assert classify(2026, "urban", 2_500_000, 4) == "poor"


@pytest.mark.parametrize(
    "year, code", [(2021, "07/2021/NĐ-CP"), (2025, "07/2021/NĐ-CP"), (2026, "351/2025/NĐ-CP"), (2029, "351/2025/NĐ-CP")]
)
def test_each_review_year_has_its_standard(year, code):
    assert standard_for_review_year(year).code == code


@pytest.mark.parametrize("year", [2020, 2030])
def test_a_year_without_a_standard_says_so_clearly(year):
    with pytest.raises(ValidationError) as error:
        standard_for_review_year(year)
    message = " ".join(error.value.messages)
    assert str(year) in message
    assert error.value.code == "no_standard"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1;4;7", [1, 4, 7]),
        ("7; 1 ;4", [1, 4, 7]),
        ("12,3", [3, 12]),
        ("", []),
        (None, []),
        ([], []),
        ([9, 2], [2, 9]),
        (5, [5]),
        ("1;;2;", [1, 2]),
    ],
)
def test_deprivations_are_read_from_the_files_form_or_a_list(value, expected):
    assert deprivations_parse(value) == expected


@pytest.mark.parametrize("value", ["0", "13", "a", "1.5", "-1", "1;x", "²", [0], [13], [1.5], [True], ["4 "]])
def test_a_deprivation_that_is_not_an_indicator_number_is_refused(value):
    with pytest.raises(ValidationError, match="1 to 12|1 đến 12"):
        deprivations_parse(value)


def test_an_indicator_listed_twice_is_refused():
    with pytest.raises(ValidationError) as error:
        deprivations_parse("1;4;1")
    assert error.value.code == "deprivation_twice"
