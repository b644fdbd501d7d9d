"""In Chromium, in Vietnamese: a head opens a commune's draft payment list, approves it after
the confirmation that names the total, and sees the total and the approved status.

Screenshots go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import datetime as dt
import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps

from beneficiaries import services
from beneficiaries.models import PaymentRun, StandardLevel
from tests.browser.test_household_review import log_in
from tests.factories import HUU_LUNG, LANG_SON, BeneficiaryFactory, head, officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def schedule_loaded(reference_loaded):
    """The amount schedule the data migration loads (a flush between live-server tests can
    empty it; loading again is skipped when it is there)."""
    if not StandardLevel.objects.exists():
        migration = importlib.import_module("beneficiaries.migrations.0002_load_reference_data")
        migration.load(apps, None)


def test_a_head_approves_a_communes_run_and_sees_its_total(page, live_server, schedule_loaded, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    BeneficiaryFactory(commune_id=HUU_LUNG, rate_percent=41, person__full_name="Triệu Văn Thắng")
    run = PaymentRun.objects.create(
        programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG, month=dt.date(2024, 7, 1)
    )
    services.payment_run_build(run_id=run.pk, user=officer(HUU_LUNG))
    boss = head(LANG_SON, username="lanhdao_ls", first_name="", last_name="Lãnh đạo Sở")

    log_in(page, base, boss.username)
    page.goto(f"{base}/beneficiaries/runs/")
    page.get_by_test_id("runs").get_by_role("link").first.click()
    page.wait_for_url(f"{base}/beneficiaries/runs/{run.pk}/")
    main = page.locator("main").inner_text()
    assert "Triệu Văn Thắng" in main and "3.667.000" in main
    page.screenshot(path=shots / "run-1-review.png", full_page=True)

    page.get_by_test_id("approve").get_by_role("button").click()
    confirmation = page.get_by_test_id("approve-confirmation")
    confirmation.wait_for()
    assert "3.667.000" in confirmation.inner_text()
    page.screenshot(path=shots / "run-2-confirm.png", full_page=True)
    page.get_by_test_id("approve-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/beneficiaries/runs/{run.pk}/")
    page.get_by_test_id("locked").wait_for()

    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by_id == boss.pk
    assert page.get_by_test_id("total").inner_text().startswith("3.667.000")
    assert page.get_by_test_id("run-status").get_attribute("data-status") == "approved"
    assert page.get_by_test_id("approve").count() == 0
    page.screenshot(path=shots / "run-3-approved.png", full_page=True)
