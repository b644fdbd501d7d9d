"""The indicator registry: the keys of a half-year summary and the code that computes each.

An app declares a figure in its own `indicators.py`:

    @indicator("poverty", order=10)
    def poverty(area: ReportArea, period: Period) -> dict: ...

`ReportsConfig.ready()` imports every app's `indicators.py`; the summary then holds one key per
registered indicator, in `order`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .periods import Period, ReportArea

Compute = Callable[[ReportArea, Period], dict]


@dataclass(frozen=True)
class Indicator:
    key: str
    order: int
    compute: Compute


_REGISTRY: dict[str, Indicator] = {}


def indicator(key: str, *, order: int) -> Callable[[Compute], Compute]:
    def register(func: Compute) -> Compute:
        existing = _REGISTRY.get(key)
        if existing is not None and existing.compute.__qualname__ != func.__qualname__:
            raise ValueError(f"indicator {key!r} is declared twice")
        _REGISTRY[key] = Indicator(key=key, order=order, compute=func)
        return func

    return register


def registered() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.key))
