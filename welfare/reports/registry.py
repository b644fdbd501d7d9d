"""The indicator registry: the keys of a half-year summary and the code that computes each.

An app declares a figure in its own `indicators.py`:

    @indicator("poverty", order=10)
    def poverty(area: ReportArea, period: Period) -> dict: ...

`ReportsConfig.ready()` imports every app's `indicators.py`; the summary then holds one key per
registered indicator, in `order`.

An indicator may also declare `communes=`: the same figures for every commune of a province at
once, `{commune code: figures}` for the codes given (zeros for a commune without records), in
one grouped query instead of one query per commune (`summary.summary_build_communes`). Write both
from one function over `rows_by_commune`, so that they cannot disagree.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F, QuerySet

from .periods import Period, ReportArea

Compute = Callable[[ReportArea, Period], dict]
# (the province, the period, the codes of its communes) -> {commune code: figures}
ComputeCommunes = Callable[[ReportArea, Period, list[int]], dict[int, dict]]


@dataclass(frozen=True)
class Indicator:
    key: str
    order: int
    compute: Compute
    communes: ComputeCommunes | None = None


_REGISTRY: dict[str, Indicator] = {}


def indicator(key: str, *, order: int, communes: ComputeCommunes | None = None) -> Callable[[Compute], Compute]:
    def register(func: Compute) -> Compute:
        existing = _REGISTRY.get(key)
        if existing is not None and existing.compute.__qualname__ != func.__qualname__:
            raise ValueError(f"indicator {key!r} is declared twice")
        _REGISTRY[key] = Indicator(key=key, order=order, compute=func, communes=communes)
        return func

    return register


def registered() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.key))


def rows_by_commune(
    queryset: QuerySet,
    *,
    area: ReportArea,
    commune_path: str = "commune",
    by_commune: bool = False,
    keys: Iterable[str] = (),
    **aggregates,
) -> dict[int | None, list[dict]]:
    """The aggregates over the area's records, as rows: `{None: rows}`, or with `by_commune`
    `{commune code: rows}` for each commune with records, in one grouped query either way.

    Without `keys` a row holds the aggregates of all the records (one row; the empty aggregate,
    count 0 and sums None, when there are none); with `keys` there is one row per value of the
    keys, ordered by them, as `values(*keys).annotate(...)` gives.
    """
    records = queryset.filter(area.records_q(commune_path)).order_by()
    keys = list(keys)
    if not by_commune:
        if not keys:
            return {None: [records.aggregate(**aggregates)]}
        return {None: list(records.values(*keys).annotate(**aggregates).order_by(*keys))}
    rows: dict[int | None, list[dict]] = {}
    grouped = records.values(area_commune=F(commune_path), *keys).annotate(**aggregates).order_by(*keys)
    for row in grouped:
        rows.setdefault(row.pop("area_commune"), []).append(row)
    return rows
