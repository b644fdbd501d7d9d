"""What the dashboard reads: the half-year summary snapshots, never the records.

A province's dashboard reads the province's snapshot of the period, its communes' snapshots of
the same period (one query, for the chart by commune) and the province's snapshots of the
earlier periods (one query, for the trend); a commune's dashboard the same without the communes.
The records are read only for "changed since approval", and only on an approved snapshot: that
costs a live summary (`snapshots.snapshot_changed`), computed once per change of the case data
and cached (`welfare.core.data_version`), not on every view.
"""

import json
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import scope
from welfare.core.data_version import cached

from .models import SummarySnapshot
from .periods import Period, ReportArea
from .snapshots import snapshot_changed

# How many half-years the trend shows (the period itself included).
TREND_PERIODS = 6

# The figures the chart by commune can show: key, label, path in the contract's JSON.
COMMUNE_FIGURES = (
    ("new_jobs", _("New jobs"), ("employment", "new_jobs")),
    ("poor", _("Poor households"), ("poverty", "poor")),
    ("near_poor", _("Near-poor households"), ("poverty", "near_poor")),
    ("cards_issued", _("Health-insurance cards issued"), ("health_insurance", "cards_issued")),
    ("hunger_households", _("Hunger-relief households"), ("hunger_relief", "households")),
    ("gifts", _("Gifts"), ("gifts", "total", "count")),
    ("social_protection", _("Social-protection beneficiaries"), ("social_protection", "beneficiaries")),
)

# The figures of the trend (one line each).
TREND_FIGURES = (
    ("poor", _("Poor households"), ("poverty", "poor")),
    ("near_poor", _("Near-poor households"), ("poverty", "near_poor")),
    ("new_jobs", _("New jobs"), ("employment", "new_jobs")),
    ("hunger_households", _("Hunger-relief households"), ("hunger_relief", "households")),
)


def figure(data: dict, path: tuple[str, ...]):
    """The value at `path` in a summary's JSON (None when a key is missing)."""
    value = data
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def current_period(today=None) -> Period:
    today = today or timezone.localdate()
    return Period(today.year, 1 if today.month <= 6 else 2)


def _area_filter(area: ReportArea) -> dict:
    if area.level == "province":
        return {"province_id": area.code, "commune__isnull": True}
    return {"commune_id": area.code}


def dashboard_periods(*, user, area: ReportArea) -> list[Period]:
    """The half-years the area has a snapshot for, the latest first (one query)."""
    rows = (
        scope(SummarySnapshot.objects.filter(**_area_filter(area)), user)
        .order_by("-year", "-half")
        .values_list("year", "half")
    )
    return [Period(year, half) for year, half in rows]


@dataclass
class CommuneRow:
    code: int
    name: str
    snapshot_id: int
    data: dict

    def value(self, path):
        return figure(self.data, path)


@dataclass
class Dashboard:
    area: ReportArea
    period: Period
    snapshot: SummarySnapshot | None
    changed: bool | None = None  # only computed on an approved snapshot
    communes: list[CommuneRow] = field(default_factory=list)
    trend: list[SummarySnapshot] = field(default_factory=list)

    @property
    def data(self) -> dict:
        return self.snapshot.data if self.snapshot is not None else {}

    def chart_data(self) -> dict:
        """What the charts draw (the page hands it to dashboard.js in a `json_script` block)."""
        communes = {
            "labels": [row.name for row in self.communes],
            "codes": [row.code for row in self.communes],
            "figures": [
                {"key": key, "label": str(label), "values": [row.value(path) or 0 for row in self.communes]}
                for key, label, path in COMMUNE_FIGURES
            ],
        }
        trend = {
            "labels": [f"{s.half}/{s.year}" for s in self.trend],
            "figures": [
                {"key": key, "label": str(label), "values": [figure(s.data, path) or 0 for s in self.trend]}
                for key, label, path in TREND_FIGURES
            ],
        }
        return {"communes": communes, "trend": trend}

    def commune_table(self) -> list[dict]:
        return [
            {
                "code": row.code,
                "name": row.name,
                "snapshot_id": row.snapshot_id,
                "values": [row.value(path) or 0 for _key, _label, path in COMMUNE_FIGURES],
            }
            for row in self.communes
        ]


def dashboard_read(*, user, area: ReportArea, period: Period) -> Dashboard:
    """The dashboard of one of the user's areas for one half-year, from the snapshots: the
    area's, its communes' (a province's dashboard) and its earlier ones (the trend)."""
    snapshots = scope(SummarySnapshot.objects.select_related("approved_by"), user)
    snapshot = snapshots.filter(year=period.year, half=period.half, **_area_filter(area)).first()
    board = Dashboard(area=area, period=period, snapshot=snapshot)
    if snapshot is None:
        return board
    if snapshot.approved:
        # A live summary of the area (seconds for a province): computed once per change of the
        # case data and kept in the cache, not on every view of the dashboard.
        board.changed = cached(
            "snapshot-changed",
            [snapshot.pk, snapshot.version],
            lambda: snapshot_changed(snapshot),
            timeout=3600,
        )
    if area.level == "province":
        rows = (
            scope(SummarySnapshot.objects.all(), user)
            .filter(province_id=area.code, commune__isnull=False, year=period.year, half=period.half)
            .order_by("commune__name")
            .values_list("commune_id", "commune__name", "pk", "figures_json")
        )
        for code, name, pk, figures_json in rows:
            board.communes.append(
                CommuneRow(code=code, name=name, snapshot_id=pk, data=json.loads(figures_json or "{}"))
            )
    # The area's snapshots up to this period, the latest TREND_PERIODS of them, oldest first.
    earlier = (
        scope(SummarySnapshot.objects.filter(**_area_filter(area)), user)
        .filter(year__lte=period.year)
        .exclude(year=period.year, half__gt=period.half)
        .order_by("-year", "-half")
        .only("year", "half", "figures_json")[:TREND_PERIODS]
    )
    board.trend = list(reversed(list(earlier)))
    return board


def snapshot_list(*, user, filters: dict | None = None):
    """The snapshots of the user's areas (the report page's list): the province's first, then
    its communes' by name, the latest half-year first."""
    from django.db.models import F

    return (
        scope(SummarySnapshot.objects.select_related("province", "commune", "approved_by"), user)
        .filter(**(filters or {}))
        .defer("figures_json")
        .order_by("-year", "-half", "province_id", F("commune__name").asc(nulls_first=True))
    )
