"""In Chromium, in Vietnamese: an officer registers a household with two members, enters a
review that comes out near-poor and sees it on the household page; a head recognises it.

Screenshots of every step go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import HUU_LUNG, LANG_SON, PASSWORD, head, officer
from welfare.households.models import Household, PovertyReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_officer_registers_reviews_and_head_recognises(page, live_server, reference_loaded, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    clerk = officer(HUU_LUNG, username="canbo_hl")
    boss = head(LANG_SON, username="lanhdao_ls")
    review_year = timezone.localdate().year - 1  # a finished year: any review date is past

    # The officer registers the household with its head and a second member.
    log_in(page, base, clerk.username)
    page.get_by_test_id("nav").get_by_role("link", name="Hộ gia đình").click()
    page.get_by_role("link", name="Đăng ký hộ").click()
    page.fill("input[name=code]", "HL-TRINH-01")
    page.fill("input[name=village]", "Thôn Đồng Tiến")
    page.select_option("select[name=area_type]", "rural")
    page.fill("input[name=address]", "Số 12, thôn Đồng Tiến")
    page.fill("input[name=members-0-full_name]", "Triệu Văn Sơn")
    page.select_option("select[name=members-0-sex]", "male")
    page.fill("input[name=members-0-birth_date]", "14/03/1978")
    page.fill("input[name=members-0-ethnicity]", "Tày")
    page.fill("input[name=members-0-id_number]", "020078001234")
    page.fill("input[name=members-1-full_name]", "Hoàng Thị Mai")
    page.select_option("select[name=members-1-relation]", "spouse")
    page.select_option("select[name=members-1-sex]", "female")
    page.fill("input[name=members-1-birth_date]", "02/09/1981")
    page.fill("input[name=members-1-ethnicity]", "Nùng")
    page.screenshot(path=shots / "1-household-form.png", full_page=True)
    page.get_by_test_id("household-form").get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/households/*/")

    household = Household.objects.get(code="HL-TRINH-01")
    assert household.commune_id == HUU_LUNG and household.head.full_name == "Triệu Văn Sơn"
    main = page.locator("main").inner_text()
    assert "Triệu Văn Sơn" in main and "Hoàng Thị Mai" in main
    page.screenshot(path=shots / "2-household-page.png", full_page=True)

    # The review: income at the rural line with two deprivations comes out near-poor.
    page.get_by_role("link", name="Rà soát mới").click()
    page.fill("input[name=review_year]", str(review_year))
    page.fill("input[name=reviewed_on]", f"15/11/{review_year}")
    page.fill("input[name=income_per_capita_vnd]", "1.400.000")
    page.check("input[name=dep_4]")
    page.check("input[name=dep_10]")
    page.locator("#review-result[data-result='near_poor']").wait_for()
    assert page.locator("#review-result").inner_text() == "Hộ cận nghèo"
    page.screenshot(path=shots / "3-review-form.png", full_page=True)
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"{base}/households/reviews/*/")

    review = PovertyReview.objects.get(household=household)
    assert (review.result, review.status, review.deprivations) == ("near_poor", "proposed", [4, 10])
    page.goto(f"{base}/households/{household.pk}/")
    reviews_table = page.locator("main").inner_text()
    assert "Hộ cận nghèo" in reviews_table and str(review_year) in reviews_table
    page.screenshot(path=shots / "4-household-with-review.png", full_page=True)

    # The head recognises it under a decision.
    page.context.clear_cookies()
    log_in(page, base, boss.username)
    page.goto(f"{base}/households/reviews/recognise/")
    page.check(f"input[name=reviews][value='{review.pk}']")
    page.fill("input[name=decision_number]", "215/QĐ-UBND")
    page.fill("input[name=recognised_on]", f"20/12/{review_year}")
    page.screenshot(path=shots / "5-recognise.png", full_page=True)
    page.get_by_test_id("recognise-form").locator("button[type=submit]").click()
    page.wait_for_load_state()

    review.refresh_from_db()
    assert (review.status, review.decision_number, review.recognised_by_id) == (
        "recognised",
        "215/QĐ-UBND",
        boss.pk,
    )
    page.goto(f"{base}/households/{household.pk}/")
    assert "215/QĐ-UBND" in page.locator("main").inner_text()
    page.screenshot(path=shots / "6-household-recognised.png", full_page=True)
