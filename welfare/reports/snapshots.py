"""Half-year summary snapshots: built by the summary task (nightly, on demand, or by the command),
approved by a head, then frozen.

- `snapshot_build` computes the area's summary (`summary.summary_build`: a handful of aggregate
  queries per indicator, never one per commune or row) and stores it in the area's one snapshot
  for the period, under a lock keyed by (area, period), so two runs never interleave; run twice,
  it gives one snapshot with the same figures. An approved snapshot is returned as it is.
- `snapshot_approve` freezes a draft, the figures and the head's sections alike.
- `snapshot_sections_save` keeps what the head writes (shortcomings and causes, tasks for the next
  half-year, recommendations) on a draft.
- `snapshot_changed` says whether the records give other figures now than the snapshot holds
  ("changed since approval" on the dashboard).
"""

import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.accounts.permissions import require
from welfare.core.locks import exclusive
from welfare.core.services import versioned_update

from .models import SnapshotStatus, SummarySnapshot
from .periods import Period, ReportArea
from .summary import summary_build, summary_to_jsonable

SECTION_FIELDS = ("shortcomings", "next_tasks", "recommendations")


def _area_filter(area: ReportArea) -> dict:
    if area.level == "province":
        return {"province_id": area.code, "commune__isnull": True}
    return {"commune_id": area.code}


def snapshot_of(area: ReportArea, period: Period) -> SummarySnapshot | None:
    return SummarySnapshot.objects.filter(year=period.year, half=period.half, **_area_filter(area)).first()


def lock_name(area: ReportArea, period: Period) -> str:
    return f"summary:{area.level}:{area.code}:{period.year}:{period.half}"


def live_figures(area: ReportArea, period: Period) -> dict:
    """The summary as the records give it now, in its JSON form."""
    return summary_to_jsonable(summary_build(area=area, period=period))


class _QueryCounter:
    """Counts the queries of a block (`connection.execute_wrapper`)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def snapshot_build(
    *, area: ReportArea, period: Period, task_id: str = "", user=None, figures=None
) -> SummarySnapshot:
    """Build (or rebuild) the draft of the area for the period; an approved one stays as it is.
    `user` (who started the job; none for the nightly build) is the history's actor.
    `figures`: a function giving the summary already computed for this area (the communes of a
    province, all computed in one grouped pass by `summary_build_communes`)."""
    with exclusive(lock_name(area, period)):
        with transaction.atomic():
            snapshot = snapshot_of(area, period)
            if snapshot is not None and snapshot.approved:
                return snapshot
            started = time.perf_counter()
            queries = _QueryCounter()
            with connection.execute_wrapper(queries):
                data = figures() if figures is not None else live_figures(area, period)
            seconds = time.perf_counter() - started
            stamp = {
                "built_at": timezone.now(),
                "built_by_task": task_id,
                "build_seconds": round(seconds, 3),
                "build_queries": queries.count,
            }
            if snapshot is None:
                snapshot = SummarySnapshot(
                    province_id=area.province_code,
                    commune_id=area.code if area.level == "commune" else None,
                    year=period.year,
                    half=period.half,
                    data=data,
                    **stamp,
                )
                snapshot._history_user = user
                snapshot.save()
            elif snapshot.data != data:
                # New figures: a change of the record, with its history and a new version.
                for field, value in {"data": data, **stamp}.items():
                    setattr(snapshot, field, value)
                snapshot.version += 1
                snapshot._history_user = user
                snapshot.save()
            else:
                # The same figures again: only when and by what they were checked.
                SummarySnapshot.objects.filter(pk=snapshot.pk).update(**stamp)
                for field, value in stamp.items():
                    setattr(snapshot, field, value)
            return snapshot


def snapshot_changed(snapshot: SummarySnapshot) -> bool:
    """Whether the records give other figures now than the snapshot holds."""
    area = ReportArea.of(snapshot.level, snapshot.area_code)
    return live_figures(area, Period(snapshot.year, snapshot.half)) != snapshot.data


@transaction.atomic
def snapshot_sections_save(*, user, snapshot: SummarySnapshot, expected_version: int, sections: dict) -> SummarySnapshot:
    """What the head writes on the report page, kept on the draft."""
    require(user, "welfare.approve_reports", snapshot)
    if snapshot.approved:
        raise ValidationError(_("This report is approved: its text is frozen."), code="approved")
    changes = {field: (sections.get(field) or "").strip() for field in SECTION_FIELDS if field in sections}
    return versioned_update(snapshot, expected_version=expected_version, changes=changes)


@transaction.atomic
def snapshot_approve(*, user, snapshot: SummarySnapshot, expected_version: int) -> SummarySnapshot:
    """A head approves the draft as it stands: figures and text are frozen from then on."""
    require(user, "welfare.approve_reports", snapshot)
    if snapshot.approved:
        raise ValidationError(_("This report is approved already."), code="approved")
    if snapshot.built_at is None:
        raise ValidationError(_("Build the summary before approving it."), code="not_built")
    return versioned_update(
        snapshot,
        expected_version=expected_version,
        changes={"status": SnapshotStatus.APPROVED, "approved_at": timezone.now(), "approved_by": user},
    )


def periods_to_refresh(today) -> list[Period]:
    """The nightly work: the current half-year, and the previous one until it is approved (the
    caller skips approved snapshots: `snapshot_build` leaves them as they are)."""
    current = Period(today.year, 1 if today.month <= 6 else 2)
    previous = Period(current.year, 1) if current.half == 2 else Period(current.year - 1, 2)
    return [current, previous]
