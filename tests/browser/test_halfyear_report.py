"""In Chromium, in Vietnamese: the demo head opens the dashboard of the current half-year, builds
and rebuilds the draft (the job's page, then the report), writes a section, approves the report
and downloads its PDF and DOCX.

Screenshots go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from welfare.core.demo import DEMO_PASSWORD
from welfare.reports.dashboard import current_period
from welfare.reports.models import SummarySnapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def follow_the_job_to_the_report(page, base: str) -> int:
    """From the job's page (it runs eagerly here) to the report it built; the report's pk."""
    page.wait_for_url(f"{base}/jobs/*/")
    result = page.locator("#job-result")
    result.wait_for(state="visible")
    result.click()
    page.wait_for_url(f"{base}/reports/*/")
    page.get_by_test_id("narrative").wait_for()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_the_head_builds_writes_approves_and_downloads_the_half_year_report(
    page, live_server, reference_loaded, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    call_command("demo_data", verbosity=0)
    period = current_period()
    # A half-year the nightly run has not reached yet: the demo's drafts of it are not there.
    SummarySnapshot.objects.filter(year=period.year, half=period.half).delete()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    # The dashboard of the current half-year: no snapshot yet, the head builds the draft.
    page.goto(f"{base}/reports/dashboard/")
    assert page.get_by_test_id("dashboard-area").inner_text() == "Tỉnh Lạng Sơn"
    page.get_by_test_id("no-snapshot").wait_for()
    page.get_by_test_id("build-draft").locator("button").click()
    pk = follow_the_job_to_the_report(page, base)
    snapshot = SummarySnapshot.objects.get(pk=pk)
    assert (snapshot.province_id, snapshot.commune_id, snapshot.year, snapshot.half) == (20, None, period.year, period.half)
    narrative = page.get_by_test_id("narrative").inner_text()
    assert "TỈNH LẠNG SƠN" in narrative.upper()

    # Back on the dashboard, the cards read the snapshot.
    page.goto(f"{base}/reports/dashboard/")
    cards = page.get_by_test_id("cards")
    cards.wait_for()
    jobs = page.get_by_test_id("card-jobs")
    assert jobs.get_attribute("data-value") == str(snapshot.data["employment"]["new_jobs"])
    assert snapshot.built_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M %d/%m/%Y") in page.get_by_test_id(
        "built-at").inner_text()
    page.locator("#commune-chart, [data-testid=no-communes]").first.wait_for()
    page.screenshot(path=shots / "report-1-dashboard.png", full_page=True)

    # Rebuild the draft: the job's page, then back to the report.
    page.get_by_test_id("open-report").click()
    page.wait_for_url(f"{base}/reports/{pk}/")
    page.get_by_test_id("rebuild").locator("button").click()
    assert follow_the_job_to_the_report(page, base) == pk

    # A section, saved on the draft, appears in the narrative.
    form = page.get_by_test_id("sections-form")
    form.locator("textarea[name=shortcomings]").fill("Kết quả giải quyết việc làm còn thấp so với kế hoạch.")
    form.locator("[type=submit]").click()
    page.wait_for_url(f"{base}/reports/{pk}/")
    assert "Kết quả giải quyết việc làm còn thấp" in page.get_by_test_id("narrative").inner_text()
    page.screenshot(path=shots / "report-2-draft.png", full_page=True)

    # Approve, after the confirmation.
    page.get_by_test_id("approve").get_by_role("button").click()
    page.get_by_test_id("approve-confirmation").wait_for()
    page.get_by_test_id("approve-form").locator("button[type=submit]").click()
    page.get_by_test_id("approved").wait_for()
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "approved"
    assert page.get_by_test_id("sections-form").count() == 0 and page.get_by_test_id("rebuild").count() == 0
    snapshot.refresh_from_db()
    assert snapshot.approved and snapshot.approved_by.username == "lanhdao"
    assert snapshot.shortcomings.startswith("Kết quả giải quyết việc làm")
    page.screenshot(path=shots / "report-3-approved.png", full_page=True)

    # The PDF and the DOCX.
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK")):
        with page.expect_download() as download_info:
            page.get_by_test_id(f"download-{fmt}").click()
        download = download_info.value
        assert download.suggested_filename == f"bao-cao-6-thang-{period.year}-{period.half}-lang-son.{fmt}"
        path = shots / download.suggested_filename
        download.save_as(path)
        assert path.read_bytes()[: len(magic)] == magic
    print(f"screenshots: {shots}")
