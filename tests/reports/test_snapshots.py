"""Half-year summary snapshots (issue 7): one per area and period, built by the task under a lock,
idempotent, frozen once a head approves them."""

import datetime as dt
import json
import threading
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.conftest import need
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    LANG_SON,
    PlacementFactory,
    head,
    officer,
)
from welfare.reports.models import SnapshotStatus, SummarySnapshot
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import (
    live_figures,
    periods_to_refresh,
    snapshot_approve,
    snapshot_build,
    snapshot_changed,
    snapshot_sections_save,
)
from welfare.reports.tasks import summaries_nightly, summary_snapshot_task

H1_2022 = Period(2022, 1)
PROVINCE = ReportArea(level="province", code=LANG_SON, name="Tỉnh Lạng Sơn", province_code=LANG_SON)


def new_jobs(snapshot) -> int:
    return snapshot.data["employment"]["new_jobs"]


@pytest.mark.django_db
def test_a_build_stores_the_summary_once_and_a_second_build_changes_nothing():
    PlacementFactory(placed_on=dt.date(2022, 3, 1))
    PlacementFactory(placed_on=dt.date(2022, 7, 1))  # the second half
    first = snapshot_build(area=PROVINCE, period=H1_2022, task_id="t-1")
    assert first.data == live_figures(PROVINCE, H1_2022) and new_jobs(first) == 1
    assert first.status == SnapshotStatus.DRAFT and first.built_by_task == "t-1"
    assert first.build_queries and first.build_queries < 60  # a handful per indicator, not per row
    again = snapshot_build(area=PROVINCE, period=H1_2022, task_id="t-2")
    assert SummarySnapshot.objects.count() == 1 and again.pk == first.pk
    assert (again.version, again.data) == (first.version, first.data)
    assert SummarySnapshot.objects.get().built_by_task == "t-2"
    # New records, a new version of the same snapshot, with its history.
    PlacementFactory(placed_on=dt.date(2022, 6, 30))
    rebuilt = snapshot_build(area=PROVINCE, period=H1_2022)
    assert (rebuilt.pk, rebuilt.version, new_jobs(rebuilt)) == (first.pk, first.version + 1, 2)
    assert rebuilt.history.count() == 2
    # A commune's snapshot is another row; the key order is the contract's.
    commune = snapshot_build(area=ReportArea.commune(HUU_LUNG), period=H1_2022)
    assert commune.pk != first.pk and commune.commune_id == HUU_LUNG and commune.province_id == LANG_SON
    assert list(commune.data)[:2] == ["area", "period"] and list(commune.data)[-1] == "targets"


@pytest.mark.django_db
def test_an_approved_snapshot_does_not_change():
    PlacementFactory(placed_on=dt.date(2022, 3, 1))
    draft = snapshot_build(area=PROVINCE, period=H1_2022)
    chief = head()
    draft = snapshot_sections_save(user=chief, snapshot=draft, expected_version=draft.version,
                                   sections={"shortcomings": "  Còn chậm.  ", "next_tasks": "Tạo việc làm."})
    approved = snapshot_approve(user=chief, snapshot=draft, expected_version=draft.version)
    assert approved.approved and approved.approved_by == chief and approved.shortcomings == "Còn chậm."
    frozen = (approved.version, approved.figures_json)
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    after = snapshot_build(area=PROVINCE, period=H1_2022)
    assert (after.version, after.figures_json) == frozen and new_jobs(after) == 1
    assert snapshot_changed(after)  # the records say 2 now: the dashboard says so
    with pytest.raises(ValidationError):
        snapshot_sections_save(user=chief, snapshot=after, expected_version=after.version,
                               sections={"shortcomings": "Khác"})
    with pytest.raises(ValidationError):
        snapshot_approve(user=chief, snapshot=after, expected_version=after.version)
    # The command writes the approved figures, not the live ones.
    out = StringIO()
    call_command("halfyear_summary", "--province", str(LANG_SON), "--year", "2022", "--half", "1", stdout=out)
    assert json.loads(out.getvalue())["employment"]["new_jobs"] == 1
    assert SummarySnapshot.objects.get(pk=after.pk).figures_json == frozen[1]


@pytest.mark.django_db
def test_only_a_head_of_the_province_approves_and_writes_the_sections():
    draft = snapshot_build(area=PROVINCE, period=H1_2022)
    for user in (officer(HUU_LUNG), head(province_code=1)):
        with pytest.raises(PermissionDenied):
            snapshot_approve(user=user, snapshot=draft, expected_version=draft.version)
        with pytest.raises(PermissionDenied):
            snapshot_sections_save(user=user, snapshot=draft, expected_version=draft.version,
                                   sections={"recommendations": "x"})
    assert SummarySnapshot.objects.get().status == SnapshotStatus.DRAFT
    # A stale version is refused, not silently overwritten.
    chief = head()
    snapshot_sections_save(user=chief, snapshot=draft, expected_version=draft.version, sections={"recommendations": "A"})
    with pytest.raises(ValidationError):
        snapshot_sections_save(user=chief, snapshot=draft, expected_version=draft.version,
                               sections={"recommendations": "B"})
    assert SummarySnapshot.objects.get().recommendations == "A"


@pytest.mark.django_db
def test_the_task_builds_the_snapshot_and_the_nightly_run_queues_both_halves_for_every_area():
    from tests.factories import HouseholdFactory
    from welfare.areas.models import Commune

    result = summary_snapshot_task.delay(level="commune", code=CHI_LANG, year=2022, half=1).get()
    snapshot = SummarySnapshot.objects.get(pk=result["snapshot"])
    assert (snapshot.commune_id, result["status"]) == (CHI_LANG, "draft")
    HouseholdFactory()  # Lạng Sơn has records now
    queued = summaries_nightly.delay().get()
    communes = Commune.objects.filter(province_id=LANG_SON).count()
    assert queued == 2 * (1 + communes)
    assert SummarySnapshot.objects.filter(commune__isnull=True, province_id=LANG_SON).count() == 2
    assert periods_to_refresh(dt.date(2026, 11, 29)) == [Period(2026, 2), Period(2026, 1)]
    assert periods_to_refresh(dt.date(2027, 1, 2)) == [Period(2027, 1), Period(2026, 2)]


def _concurrent_builds(runs: int = 3) -> list:
    """`runs` builds of the same area and period at once, each in its own thread and connection."""
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def build():
        try:
            barrier.wait()
            results.append(snapshot_build(area=PROVINCE, period=H1_2022).pk)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_give_one_snapshot_with_the_database_lock(reference_loaded):
    need(connection.vendor == "postgresql", "concurrent builds need PostgreSQL (SQLite has one writer)")
    PlacementFactory(placed_on=dt.date(2022, 3, 1))
    with override_settings(REDIS_URL=""):
        results = _concurrent_builds()
    assert len(set(results)) == 1 and SummarySnapshot.objects.count() == 1
    assert SummarySnapshot.objects.get().version == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_give_one_snapshot_with_the_redis_lock(reference_loaded, redis_url):
    need(connection.vendor == "postgresql", "concurrent builds need PostgreSQL (SQLite has one writer)")
    PlacementFactory(placed_on=dt.date(2022, 3, 1))
    with override_settings(REDIS_URL=redis_url):
        results = _concurrent_builds()
    assert len(set(results)) == 1 and SummarySnapshot.objects.count() == 1
    assert SummarySnapshot.objects.get().version == 1


@pytest.mark.django_db
def test_a_heads_build_of_the_province_refreshes_its_communes_drafts_too():
    from welfare.areas.models import Commune

    PlacementFactory(placed_on=dt.date(2022, 3, 1), commune_id=CHI_LANG)
    summary_snapshot_task.delay(level="province", code=LANG_SON, year=2022, half=1, with_communes=True).get()
    communes = SummarySnapshot.objects.filter(province_id=LANG_SON, commune__isnull=False, year=2022, half=1)
    assert communes.count() == Commune.objects.filter(province_id=LANG_SON).count()
    assert new_jobs(communes.get(commune_id=CHI_LANG)) == 1
