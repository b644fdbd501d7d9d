"""Vietnamese number, rate, money and date forms, as a department's report writes them.

One place for every figure the users read (screens, exports, the narrative report):
contract.md, "Half-year summary", "Text". Django's `vi` locale does neither the grouping nor
the dates, so these are the project's own.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def group_int(value: int) -> str:
    """Group an integer from 4 digits with `.`: 1730 -> "1.730", 999 -> "999", -1500 -> "-1.500".

    Years and codes are not quantities: never pass them here.
    """
    value = int(value)
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """r = n × 100 / d in decimal arithmetic, half-up to 2 decimals; None when d is 0.

    1 of 32 is 3.13 (contract.md).
    """
    if not denominator:
        return None
    return (Decimal(numerator) * _HUNDRED / Decimal(denominator)).quantize(_CENT, ROUND_HALF_UP)


def format_rate(value: Decimal | None) -> str:
    """A computed rate, always two decimals with a decimal comma: 12,20%. Empty when None."""
    if value is None:
        return ""
    return _decimal_comma(Decimal(value).quantize(_CENT, ROUND_HALF_UP)) + "%"


def format_target_rate(value: Decimal | int | float) -> str:
    """A rate target as entered, without trailing zeros: 60 -> "60%", 2.5 -> "2,5%"."""
    return _decimal_comma(_plain(Decimal(str(value)))) + "%"


def format_decimal(value: Decimal | int | float) -> str:
    """A number as entered, trailing zeros dropped, decimal comma, integer part grouped."""
    return _decimal_comma(_plain(Decimal(str(value))))


def format_money(amount: int) -> str:
    """Money in the report's words (contract.md, "Text").

    Below 1.000.000 in full (`850.000 đồng`). Otherwise m = half-up(amount / 100.000) tenths of
    a triệu; m < 10.000 is written in triệu, else half-up(amount / 100.000.000) tenths of a tỷ;
    `hơn` goes before a written value below the amount, `gần` before one above it.
    """
    amount = int(amount)
    if amount < 1_000_000:
        return f"{group_int(amount)} đồng"
    tenths_of_million = half_up(Decimal(amount) / 100_000)
    if tenths_of_million < 10_000:
        tenths, unit, unit_vnd = tenths_of_million, "triệu", 100_000
    else:
        tenths, unit, unit_vnd = half_up(Decimal(amount) / 100_000_000), "tỷ", 100_000_000
    written = tenths * unit_vnd
    number = _decimal_comma(_plain(Decimal(tenths) / 10))
    prefix = "hơn " if written < amount else "gần " if written > amount else ""
    return f"{prefix}{number} {unit} đồng"


def format_vnd(amount: int) -> str:
    """Money in full, for tables and forms: 1.500.000 đ."""
    return f"{group_int(amount)} đ"


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, as every Vietnamese form writes a date."""
    return value.strftime("%d/%m/%Y") if value else ""


def half_up(value: Decimal) -> int:
    """A decimal rounded half-up to a whole number (whole VND, whole kg)."""
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (60.00 -> 60, 2.50 -> 2.5)."""
    if value == value.to_integral():
        return value.quantize(Decimal(1))
    return value.normalize()


def _decimal_comma(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _, fraction = text.partition(".")
    out = group_int(int(whole))
    return sign + (f"{out},{fraction}" if fraction else out)
