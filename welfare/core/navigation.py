"""The navigation bar: each role sees the entries its permissions open.

Apps add their entries with `nav_register` in their `AppConfig.ready()`; an entry shows only to
users holding its permission, so the bar never offers a page that would answer 403.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    perm: str | None = None
    order: int = 100
    icon: str = ""
    staff_only: bool = False


_ITEMS: dict[str, NavItem] = {}


def nav_register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def nav_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    entries = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.staff_only and not user.is_staff:
            continue
        if item.perm and not user.has_perm(item.perm):
            continue
        entries.append(
            {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        )
    return entries
