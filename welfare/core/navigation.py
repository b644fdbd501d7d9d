"""The navigation bar: each role sees the entries its permissions open.

Apps add their entries with `nav_register` in their `AppConfig.ready()`; an entry shows only to
users holding its permission, so the bar never offers a page that would answer 403.

Entries that share a `group` show as one dropdown menu, placed where its first visible entry
would be; a group none of whose entries the user may open does not show at all. An entry may
carry a query string (`query`), for a list opened on one of its tabs, and be `compact`: an
icon only on screens from 1200 px wide.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


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
    _urls.cache_clear()
    _nav_html.cache_clear()


def _visible(user) -> tuple[str, ...]:
    """The keys of the entries the user may open, in order."""
    if not user.is_authenticated:
        return ()
    return tuple(
        item.key
        for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key))
        if not (item.staff_only and not user.is_staff)
        and not (item.perm and not user.has_perm(item.perm))
    )


def nav_for(user) -> list[dict]:
    """The entries the user may open, in order. An entry is a dict with `key`, `label`, `url`,
    `path` (the URL without its query string) and `icon`; a group is a dict with `key`,
    `label`, `icon`, `group` True, `children` (its entries) and `paths` (theirs)."""
    return _entries(_visible(user))


def _entries(keys: tuple[str, ...]) -> list[dict]:
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in (_ITEMS[key] for key in keys):
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


@lru_cache(maxsize=1)
def _urls() -> dict[str, tuple[str, str]]:
    """Each entry's (path, URL with its query string)."""
    urls = {}
    for item in _ITEMS.values():
        path = reverse(item.url_name)
        urls[item.key] = (path, f"{path}?{item.query}" if item.query else path)
    return urls


def nav_html(request) -> SafeString:
    """The menu for this request's user and page, as HTML.

    The same for every user with the same entries, in the same language, on the same page:
    rendered once per process for each and kept (the menu was a fifth of a list page's
    rendering, its URLs reversed on each request). What marks an entry active is worked out
    here, so that a list's query strings (its filters, its page) share one rendering, and so do
    all the pages outside the menu. An entry with a query string (a list opened on a tab) is
    active when the page's query string holds it."""
    keys = _visible(request.user)
    urls = _urls()
    on_page = [key for key in keys if urls[key][0] == request.path]
    path = request.path if on_page else ""
    active: tuple[str, ...] = ()
    if on_page:
        full_path = request.get_full_path()
        active = tuple(k for k in on_page if urls[k][1] == path or urls[k][1] in full_path)
    return _nav_html(keys, get_language(), path, active)


@lru_cache(maxsize=2048)
def _nav_html(keys: tuple[str, ...], language: str, path: str, active: tuple[str, ...]) -> SafeString:
    html = render_to_string(
        "core/_main_nav.html",
        {"nav_items": _entries(keys), "path": path, "active": active},
    )
    return mark_safe(html)
