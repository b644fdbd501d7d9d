"""Reading the access log, scoped: a head reads the events of their province, an admin all."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from welfare.accounts.scoping import scope

from .models import AccessEvent


def access_event_list(
    *,
    user,
    actor_id: int | None = None,
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    object_type: str = "",
    object_id: int | None = None,
    q: str = "",
) -> QuerySet[AccessEvent]:
    """The events the user may read, newest first, narrowed by the page's filters."""
    events = scope(AccessEvent.objects.all(), user)
    if actor_id:
        events = events.filter(user_id=actor_id)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    if object_type and object_id:
        events = events.filter(object_type=object_type, object_id=object_id)
    if q:
        events = events.filter(what__icontains=q)
    return events.order_by("-at", "-pk")


def access_log_users(*, user) -> QuerySet:
    """The users who appear in the part of the log this user reads, for the filter."""
    ids = scope(AccessEvent.objects.all(), user).exclude(user=None).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("username")
