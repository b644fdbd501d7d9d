"""Building a half-year summary: the same code for the command and the Celery task."""

import json
from decimal import Decimal

from welfare.areas.models import Commune

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


def summary_build_communes(*, province: ReportArea, period: Period) -> dict[int, dict]:
    """The summary of every commune of the province, `{commune code: summary}`, each equal to
    `summary_build` of that commune, in one grouped pass per indicator (a handful of queries
    whatever the number of communes) rather than a dozen queries per commune. An indicator
    that declares no `communes=` is computed commune by commune."""
    communes = Commune.objects.filter(province_id=province.code).order_by("code")
    areas = {
        c.code: ReportArea(level="commune", code=c.code, name=c.name, province_code=province.code) for c in communes
    }
    codes = list(areas)
    summaries = {code: {"area": area.as_dict(), "period": period.as_dict()} for code, area in areas.items()}
    for item in registered():
        if item.communes is not None:
            figures = item.communes(province, period, codes)
        else:
            figures = {code: item.compute(area, period) for code, area in areas.items()}
        for code in codes:
            summaries[code][item.key] = figures[code]
    return summaries


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def summary_to_jsonable(summary: dict) -> dict:
    """Decimals as JSON numbers (whole ones as integers), never strings."""
    return json.loads(json.dumps(summary, default=_number))


def summary_to_json(summary: dict) -> str:
    return json.dumps(summary, default=_number, ensure_ascii=False, indent=2)
