"""What other apps add to a person: a section of the person page, and what happens to their
records when the person dies, moves away or is merged with a duplicate.

An app declares these in its own `people.py` (found by `HouseholdsConfig.ready`):

    @person_section(order=20, title=_("Allowances"))
    def allowances(*, person, user) -> dict | None:
        # the context of the section's template, or None when the person has nothing here
        return {"template": "beneficiaries/_person_allowances.html", "payments": ...}

    @person_exit_handler
    def stop_allowances(*, person, status, on, user) -> None: ...

    @person_merge_handler
    def move_enrolments(*, keep, duplicate, user) -> None: ...
"""

from collections.abc import Callable
from dataclasses import dataclass

SectionFn = Callable[..., dict | None]
ExitFn = Callable[..., None]
MergeFn = Callable[..., None]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    title: str
    build: SectionFn


_SECTIONS: dict[str, Section] = {}
_EXIT: dict[str, ExitFn] = {}
_MERGE: dict[str, MergeFn] = {}


def _key(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def person_section(*, order: int, title) -> Callable[[SectionFn], SectionFn]:
    def register(func: SectionFn) -> SectionFn:
        _SECTIONS[_key(func)] = Section(key=_key(func), order=order, title=title, build=func)
        return func

    return register


def person_exit_handler(func: ExitFn) -> ExitFn:
    _EXIT[_key(func)] = func
    return func


def person_merge_handler(func: MergeFn) -> MergeFn:
    _MERGE[_key(func)] = func
    return func


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def exit_handlers() -> list[ExitFn]:
    return list(_EXIT.values())


def merge_handlers() -> list[MergeFn]:
    return list(_MERGE.values())
