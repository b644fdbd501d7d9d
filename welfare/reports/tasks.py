"""Celery tasks of the reports app: the half-year summary of one area (the results page's job),
the snapshot of one area and period (nightly and on demand), and the nightly fan-out."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from welfare.areas.models import Commune

from .periods import Period, ReportArea
from .summary import summary_build, summary_to_jsonable


@shared_task(bind=True, acks_late=True)
def summary_build_task(self, *, level: str, code: int, year: int, half: int) -> dict:
    """The half-year summary of one area, as the command builds it."""
    area = ReportArea.of(level, code)
    return summary_to_jsonable(summary_build(area=area, period=Period(year, half)))


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, DatabaseError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=3,
)
def summary_snapshot_task(
    self, *, level: str, code: int, year: int, half: int, with_communes: bool = False,
    user_id: int | None = None,
) -> dict:
    """Build (or rebuild) the draft snapshot of one area and period; keyed by (area, period) and
    locked, so a second run waits for the first and gives the same snapshot; an approved one is
    left as it is. Retried a few times when the database is briefly away.

    `with_communes` (a head's build of a province, from the report page or the dashboard): the
    province's communes' drafts too, one by one with the job's progress, so that the dashboard's
    chart by commune and the commune sheet of the XLSX are as fresh as the province's figures."""
    from welfare.core.services import progress_report

    from .snapshots import snapshot_build
    from .summary import summary_build_communes

    period = Period(year, half)
    # Who started the job is the actor of the history rows it writes (none: the nightly build).
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    snapshot = snapshot_build(area=ReportArea.of(level, code), period=period, task_id=self.request.id or "", user=user)
    if with_communes and level == "province":
        # Every commune's figures in one grouped pass (a dozen queries, not a dozen per commune);
        # each commune's snapshot is then written under its own lock, as before.
        communes = summary_build_communes(province=ReportArea.province(code), period=period)
        for done, (commune, summary) in enumerate(communes.items(), 1):
            snapshot_build(area=ReportArea.commune(commune), period=period, task_id=self.request.id or "", user=user,
                           figures=lambda summary=summary: summary_to_jsonable(summary))
            progress_report(self, done=done, total=len(communes))
    return {"snapshot": snapshot.pk, "version": snapshot.version, "status": snapshot.status}


@shared_task(acks_late=True)
def summaries_nightly() -> int:
    """Every night: the drafts of the current half-year, and of the previous one until it is
    approved, for each province with records and each of its communes. Returns the number of
    snapshots queued."""
    from welfare.households.models import Household

    from .snapshots import periods_to_refresh

    periods = periods_to_refresh(timezone.localdate())
    provinces = (
        Household.objects.order_by().values_list("commune__province_id", flat=True).distinct()
    )
    queued = 0
    for province in sorted(set(provinces)):
        communes = Commune.objects.filter(province_id=province).order_by("code").values_list("code", flat=True)
        areas = [("province", province)] + [("commune", code) for code in communes]
        for period in periods:
            for level, code in areas:
                summary_snapshot_task.delay(level=level, code=code, year=period.year, half=period.half)
                queued += 1
    return queued
