"""The navigation bar: each role sees the entries its permissions open.

Apps add their entries with `nav_register` in their `AppConfig.ready()`; an entry shows only to
users holding its permission, so the bar never offers a page that would answer 403.

Entries that share a `group` show as one dropdown menu, placed where its first visible entry
would be; a group none of whose entries the user may open does not show at all. An entry may
carry a query string (`query`), for a list opened on one of its tabs, and be `compact`: an
icon only on screens from 1200 px wide.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    icon: str = ""


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    perm: str | None = None
    order: int = 100
    icon: str = ""
    staff_only: bool = False
    group: NavGroup | None = None
    query: str = ""
    # From 1200 px wide, where the bar is one line, only its icon shows (its label stays its
    # accessible name and its tooltip), so that the whole bar fits.
    compact: bool = False


_ITEMS: dict[str, NavItem] = {}


def nav_register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def nav_for(user) -> list[dict]:
    """The entries the user may open, in order. An entry is a dict with `key`, `label`, `url`,
    `path` (the URL without its query string) and `icon`; a group is a dict with `key`,
    `label`, `icon`, `group` True, `children` (its entries) and `paths` (theirs)."""
    if not user.is_authenticated:
        return []
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.staff_only and not user.is_staff:
            continue
        if item.perm and not user.has_perm(item.perm):
            continue
        path = reverse(item.url_name)
        entry = {
            "key": item.key,
            "label": item.label,
            "url": f"{path}?{item.query}" if item.query else path,
            "path": path,
            "icon": item.icon,
            "compact": item.compact,
        }
        if item.group is None:
            entries.append(entry)
            continue
        group = groups.get(item.group.key)
        if group is None:
            group = groups[item.group.key] = {
                "key": item.group.key,
                "label": item.group.label,
                "icon": item.group.icon,
                "group": True,
                "children": [],
                "paths": [],
            }
            entries.append(group)
        group["children"].append(entry)
        group["paths"].append(path)
    return entries
