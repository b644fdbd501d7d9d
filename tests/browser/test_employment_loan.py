"""In Chromium, in Vietnamese: an officer records an employment-fund loan to a worker above the
individual cap of 100 million (Decree 61/2015 as amended by Decree 74/2019), sees the refusal
under the amount, corrects it to the cap and saves; the loan's page shows it.

Screenshots go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import datetime as dt
import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from employment import services
from employment.models import Loan, LoanLimit
from tests.browser.test_household_review import log_in
from tests.factories import HUU_LUNG, officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def loan_limits():
    """The caps and the lending rate (data migration), reloaded if a flush emptied them."""
    if not LoanLimit.objects.exists():
        importlib.import_module("employment.migrations.0002_load_reference_data").load(apps, None)


def test_an_officer_records_a_loan_above_the_individual_cap_then_a_valid_one(
    page, live_server, reference_loaded, loan_limits, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    clerk = officer(HUU_LUNG, username="canbo_vv")
    values = {
        "borrower_type": "individual",
        "amount_vnd": 100_000_001,
        "jobs": 1,
        "term_months": 60,
        "disbursed_on": dt.date(2024, 5, 10),
    }
    with translation.override("vi"):
        refusal = services.loan_problems(values, limit=services.loan_limit_for(values))["amount_vnd"]

    log_in(page, base, clerk.username)
    page.locator('[data-nav-group="employment"]').click()
    page.locator('[data-nav="loans"]').click()
    page.wait_for_url(f"{base}/employment/loans/")
    page.get_by_test_id("record-loan").click()
    page.wait_for_url(f"{base}/employment/loans/new/")
    form = page.get_by_test_id("loan-form")
    page.fill("input[name=code]", "HL-VV-2024-015")
    page.select_option("select[name=borrower_type]", "individual")
    page.fill("input[name=borrower_name]", "Hoàng Văn Thắng")
    page.fill("input[name=purpose]", "Chăn nuôi lợn nái")
    page.fill("input[name=amount_vnd]", "100.000.001")
    page.fill("input[name=jobs]", "1")
    page.fill("input[name=disbursed_on]", "10/05/2024")
    page.fill("input[name=term_months]", "60")
    form.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()

    # Refused, under the amount, in the page's language; nothing saved.
    error = page.locator("#error_1_id_amount_vnd")
    error.wait_for()
    assert error.inner_text().strip() == refusal
    assert "100.000.000 đ" in refusal
    assert "is-invalid" in page.locator("input[name=amount_vnd]").get_attribute("class")
    assert page.locator("input[name=amount_vnd]").input_value() == "100.000.001"
    assert not Loan.objects.exists()
    page.screenshot(path=shots / "loan-1-refused.png", full_page=True)

    # A worker needs no collateral under the 2019 rows: at the cap the loan is saved.
    page.fill("input[name=amount_vnd]", "100.000.000")
    form.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/employment/loans/*/")

    loan = Loan.objects.get()
    assert loan.code == "HL-VV-2024-015" and loan.amount_vnd == 100_000_000 and loan.commune_id == HUU_LUNG
    assert page.url == f"{base}/employment/loans/{loan.pk}/"
    assert page.get_by_test_id("amount").inner_text().startswith("100.000.000 đ")
    assert page.get_by_test_id("due-on").inner_text().startswith("10/05/2029")
    main = page.locator("main").inner_text()
    assert "Hoàng Văn Thắng" in main and "HL-VV-2024-015" in main
    assert clerk.display_name in page.get_by_test_id("history").inner_text()
    page.screenshot(path=shots / "loan-2-saved.png", full_page=True)
