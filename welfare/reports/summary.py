"""Building a half-year summary: the same code for the command and the Celery task."""

import json
from decimal import Decimal

from .periods import Period, ReportArea
from .registry import registered


def summary_build(*, area: ReportArea, period: Period) -> dict:
    """Every registered indicator of the area for the period, after `area` and `period`.

    Computed directly from the records (contract.md, "Half-year summary").
    """
    summary = {"area": area.as_dict(), "period": period.as_dict()}
    for item in registered():
        summary[item.key] = item.compute(area, period)
    return summary


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def summary_to_jsonable(summary: dict) -> dict:
    """Decimals as JSON numbers (whole ones as integers), never strings."""
    return json.loads(json.dumps(summary, default=_number))


def summary_to_json(summary: dict) -> str:
    return json.dumps(summary, default=_number, ensure_ascii=False, indent=2)
