"""Writing the access log: one row per read or export of personal data (Law 91/2025/QH15)."""

import datetime as dt
import logging

from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from welfare.accounts.permissions import Role
from welfare.accounts.scoping import user_province_codes

from .models import AccessEvent

# The same logger the reads went to before the table existed, so log shipping keeps working.
logger = logging.getLogger("welfare.audit")

IGNORED_PARAMS = frozenset({"page", "export", "format"})


def _param_names() -> dict[str, str]:
    # The parameters most lists share, named as their filters are labelled; others keep their key.
    return {"q": _("search"), "commune": _("commune"), "year": _("year"), "status": _("status")}


def list_filters(params: QueryDict) -> str:
    """A list's filters as the log shows them: `name=value` pairs of the non-empty query
    parameters, the page number left out, a commune by its name rather than its code."""
    from welfare.areas.models import Commune

    names = _param_names()
    items = [
        (key, value)
        for key, values in sorted(params.lists())
        if key not in IGNORED_PARAMS
        for value in values
        if value != ""
    ]
    codes = [int(value) for key, value in items if key == "commune" and value.isdigit()]
    communes = {}
    if codes:
        communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))

    def shown(key: str, value: str) -> str:
        if key == "commune" and value.isdigit():
            return communes.get(int(value), value)
        return value

    return "; ".join(f"{names.get(key, key)}={shown(key, value)}" for key, value in items)


def export_what(*, label: str, params: QueryDict) -> str:
    """What an export holds, in words: the list's name and its filters."""
    filters = list_filters(params)
    if not filters:
        return _("%(list)s, no filter") % {"list": label}
    return _("%(list)s, filters: %(filters)s") % {"list": label, "filters": filters}


def _province_id(user) -> int | None:
    if user.role == Role.HEAD:
        return user.province_id
    if user.role == Role.OFFICER and not user.is_superuser:
        codes = user_province_codes(user)
        return codes[0] if codes else None
    return None


def access_record(
    *,
    request: HttpRequest,
    action: str,
    what: str,
    obj: models.Model | None = None,
    rows: int | None = None,
    at: dt.datetime | None = None,
) -> AccessEvent:
    """Record that the request's user read or exported personal data: one INSERT, and the same
    line on the `welfare.audit` logger. Call it once the data is found (a 404 logs nothing);
    under ATOMIC_REQUESTS a page that then fails leaves no row either. `at` is for the demo,
    which spreads its events over past days; requests leave it to the clock."""
    user = request.user
    event = AccessEvent.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username(),
        province_id=_province_id(user) if user.is_authenticated else None,
        action=action,
        what=str(what)[:300],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        rows=rows,
        path=request.get_full_path()[:500],
        ip=request.META.get("REMOTE_ADDR") or None,
        **({"at": at} if at is not None else {}),
    )
    logger.info(
        "%s %s: %s%s%s (%s)",
        event.username,
        action,
        event.what,
        f" [{event.object_type} {event.object_id}]" if obj is not None else "",
        f", {rows} rows" if rows is not None else "",
        event.path,
    )
    return event
