"""Reads on border-labour passes, already scoped to the user's areas.

A pass is "expiring" from `services.EXPIRING_DAYS` (30) days before its expiry date up to that
date included (it is still valid on the day it expires), and "expired" from the next day on;
"valid" passes have more than 30 days left. Searches are accent-insensitive (`core.text.fold`).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from welfare.accounts.scoping import get_scoped_or_404, scope, user_provinces
from welfare.core.text import fold
from welfare.households.selectors import HistoryEntry, history_entries

from .models import BorderPass
from .services import EXPIRING_DAYS

SOON, EXPIRED, VALID = "soon", "expired", "valid"
EXPIRY_STATES = (SOON, EXPIRED, VALID)

# Border gates of Lạng Sơn offered as suggestions in the form (the officer may type another);
# the gates already recorded in the user's province come first.
LANG_SON_GATES = (
    "Cửa khẩu quốc tế Hữu Nghị",
    "Cửa khẩu quốc tế ga đường sắt Đồng Đăng",
    "Cửa khẩu Tân Thanh",
    "Cửa khẩu Chi Ma",
    "Cửa khẩu Bình Nghi",
    "Cửa khẩu Cốc Nam",
    "Cửa khẩu Na Hình",
)


def expiry_q(state: str, *, today: dt.date) -> Q:
    """The passes in one expiry state on `today`."""
    horizon = today + dt.timedelta(days=EXPIRING_DAYS)
    if state == SOON:
        return Q(expires_on__gte=today, expires_on__lte=horizon)
    if state == EXPIRED:
        return Q(expires_on__lt=today)
    if state == VALID:
        return Q(expires_on__gt=horizon)
    return Q()


@dataclass(frozen=True)
class Expiry:
    """Where a pass stands on a day: its state and the days left (negative once expired)."""

    state: str
    days_left: int

    @property
    def days_ago(self) -> int:
        return -self.days_left


def expiry_of(border_pass: BorderPass, *, today: dt.date) -> Expiry:
    days_left = (border_pass.expires_on - today).days
    if days_left < 0:
        return Expiry(EXPIRED, days_left)
    if days_left <= EXPIRING_DAYS:
        return Expiry(SOON, days_left)
    return Expiry(VALID, days_left)


def border_pass_list(
    *,
    user,
    q: str = "",
    commune: int | None = None,
    border_gate: str = "",
    expiry: str = "",
    today: dt.date | None = None,
) -> QuerySet[BorderPass]:
    """The user's passes: the valid ones by soonest expiry, then the expired, latest first; `q` finds a holder (accents ignored), a pass
    number or a citizen ID; `expiry` is "soon", "expired" or "valid" (`expiry_q`)."""
    today = today or timezone.localdate()
    passes = scope(BorderPass.objects.select_related("commune", "person"), user)
    text = q.strip()
    if text:
        passes = passes.filter(
            Q(holder_folded__contains=fold(text))
            | Q(number__icontains=text.replace(" ", ""))
            | Q(holder_id_number=text)
        )
    if commune:
        passes = passes.filter(commune_id=commune)
    if border_gate:
        passes = passes.filter(border_gate=border_gate)
    if expiry in EXPIRY_STATES:
        passes = passes.filter(expiry_q(expiry, today=today))
    # Passes still valid first, soonest expiry first; then the expired, the latest first.
    lapsed = Q(expires_on__lt=today)
    return passes.annotate(
        lapsed=Case(When(lapsed, then=Value(1)), default=Value(0)),
        valid_until=Case(When(~lapsed, then=F("expires_on"))),
        lapsed_on=Case(When(lapsed, then=F("expires_on"))),
    ).order_by("lapsed", "valid_until", F("lapsed_on").desc(), "number")


def expiring_count(*, user, today: dt.date | None = None) -> int:
    """The user's passes expiring within `EXPIRING_DAYS` days (all their communes)."""
    today = today or timezone.localdate()
    return scope(BorderPass.objects.filter(expiry_q(SOON, today=today)), user).count()


def recorded_gates(*, user) -> list[str]:
    """The border gates of the user's passes, for the list's filter."""
    gates = scope(BorderPass.objects.all(), user).order_by("border_gate").values_list("border_gate", flat=True)
    return list(gates.distinct())


def gate_suggestions(*, user) -> list[str]:
    """The gates recorded in the user's provinces, then the common Lạng Sơn gates not yet among
    them: suggestions for the form, never a restriction."""
    recorded = list(
        BorderPass.objects.filter(commune__province__in=user_provinces(user))
        .order_by("border_gate")
        .values_list("border_gate", flat=True)
        .distinct()
    )
    folded = {fold(g) for g in recorded}
    return recorded + [g for g in LANG_SON_GATES if fold(g) not in folded]


def border_pass_detail(*, user, pk: int) -> BorderPass:
    return get_scoped_or_404(BorderPass.objects.select_related("commune", "person"), user, pk=pk)


def border_pass_history(*, border_pass: BorderPass, limit: int = 60) -> list[HistoryEntry]:
    records = border_pass.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.number, limit=limit)
