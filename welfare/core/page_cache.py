"""A list page's content kept in the cache until case data changes.

A list page is mostly the same HTML for everyone who sees the same records: its filters, its
figures and its 50 rows depend on the user's areas, the query string, the language and what the
user may do, not on who the user is. Rendering them costs most of the page (the queries, Django's
templates over 50 rows: about 13 ms of CPU against 1.4 ms for a bare view, bench/README.md). The
content is therefore rendered once per (those parts, the case-data version) and kept, compressed
(a province list's 34 KB take 6 KB of Redis; zlib's fastest level costs well under a
millisecond each way), for five minutes at most; the layout around it (menu, the user's name,
messages, the logout form's CSRF token) is rendered for each request, since it is the user's own.

The version (`welfare.core.data_version`) is bumped by every save, delete and import of case
data, so a kept page is never stale: the next view after a change renders it again. What the
content must not hold: anything of the user's own (a CSRF token, a name, a message), since
users with the same areas share it.
"""

import zlib

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from welfare.accounts.scoping import user_areas_key

from .data_version import cached


class CachedContentMixin:
    """For a ListView: `content_template_name` renders the page's content from the view's
    context (no request: nothing of the user's own); `template_name` is the layout around it,
    which receives `content`. `content_permissions` are the permissions the content depends on
    (buttons shown to those who may edit)."""

    content_template_name: str = ""
    content_cache_prefix: str = ""
    content_permissions: tuple[str, ...] = ()
    content_timeout = 300

    def content_cache_parts(self) -> list:
        user = self.request.user
        return [
            user_areas_key(user),
            get_language(),
            [user.has_perm(p) for p in self.content_permissions],
            sorted(self.request.GET.lists()),
        ]

    def render_content(self) -> str:
        self.object_list = self.get_queryset()
        return render_to_string(self.content_template_name, self.get_context_data())

    def get(self, request, *args, **kwargs):
        packed = cached(
            self.content_cache_prefix or self.content_template_name,
            self.content_cache_parts(),
            lambda: zlib.compress(self.render_content().encode(), 1),
            timeout=self.content_timeout,
        )
        content = zlib.decompress(packed).decode()
        return render(request, self.template_name, {"content": mark_safe(content)})
