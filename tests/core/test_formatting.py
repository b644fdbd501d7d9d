from datetime import date
from decimal import Decimal

import pytest

from welfare.core.formatting import (
    format_date,
    format_money,
    format_rate,
    format_target_rate,
    group_int,
    rate,
)
from welfare.core.text import fold


@pytest.mark.parametrize(
    "value, text",
    [(999, "999"), (1730, "1.730"), (23510, "23.510"), (16000, "16.000"), (233580, "233.580"),
     (0, "0"), (-1500, "-1.500")],
)
def test_counts_are_grouped_from_four_digits(value, text):
    assert group_int(value) == text


def test_rates_are_half_up_to_two_decimals_and_null_without_a_denominator():
    assert rate(1, 32) == Decimal("3.13")
    assert rate(11000, 16000) == Decimal("68.75")
    assert rate(5, 0) is None
    assert format_rate(Decimal("12.2")) == "12,20%"
    assert format_rate(rate(11000, 16000)) == "68,75%"


def test_rate_targets_are_written_as_entered():
    assert format_target_rate(Decimal("60.00")) == "60%"
    assert format_target_rate(Decimal("2.50")) == "2,5%"


@pytest.mark.parametrize(
    "amount, text",
    [
        (850_000, "850.000 đồng"),
        (999_960, "999.960 đồng"),
        (1_038_000_000, "hơn 1 tỷ đồng"),
        (3_600_000_000, "3,6 tỷ đồng"),
        (44_800_000_000, "44,8 tỷ đồng"),
        (126_000_000_000, "126 tỷ đồng"),
        (314_400_000, "314,4 triệu đồng"),
        (6_000_000, "6 triệu đồng"),
        (950_000_000, "950 triệu đồng"),
        (999_960_000, "gần 1 tỷ đồng"),
        (1_150_000_000, "gần 1,2 tỷ đồng"),
        (4_350_000, "gần 4,4 triệu đồng"),
        (1_250_000_000_000, "1.250 tỷ đồng"),
        (105_200_000_000, "105,2 tỷ đồng"),
    ],
)
def test_money_in_the_reports_words(amount, text):
    assert format_money(amount) == text


def test_dates_day_first():
    assert format_date(date(2022, 2, 28)) == "28/02/2022"


def test_fold_removes_vietnamese_diacritics():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("  Xã  Hữu Lũng ") == "xa huu lung"
    assert fold(None) == ""
