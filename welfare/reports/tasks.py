from celery import shared_task

from .periods import Period, ReportArea
from .summary import summary_build, summary_to_jsonable


@shared_task(bind=True, acks_late=True)
def summary_build_task(self, *, level: str, code: int, year: int, half: int) -> dict:
    """The half-year summary of one area, as the command builds it."""
    area = ReportArea.of(level, code)
    return summary_to_jsonable(summary_build(area=area, period=Period(year, half)))
