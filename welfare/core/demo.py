"""The demo data registry: each app adds its own records in its `demo.py`.

    @demo_step(order=10)
    def households(ctx: DemoContext) -> str: ...   # returns a line saying what it made

Steps run in order inside one transaction and must be idempotent (keyed on codes), so
`demo_data` can run again without duplicating anything.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-welfare-2026"
DEMO_PROVINCE = 20  # Lạng Sơn
DEMO_COMMUNE = 6385  # Xã Hữu Lũng
DEMO_OTHER_COMMUNE = 6463  # Xã Chi Lăng


@dataclass
class DemoContext:
    users: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


Step = Callable[[DemoContext], str | None]
_STEPS: dict[str, tuple[int, Step]] = {}


def demo_step(*, order: int) -> Callable[[Step], Step]:
    def register(func: Step) -> Step:
        _STEPS[f"{func.__module__}.{func.__qualname__}"] = (order, func)
        return func

    return register


def demo_steps() -> list[Step]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return [func for _order, func in sorted(_STEPS.values(), key=lambda s: s[0])]
