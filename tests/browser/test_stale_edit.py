"""In Chromium, in Vietnamese: two officers open the same placement; the first saves, the
second's save is refused with a table of the first's change (the field, the value the second
opened, the value now, the first's name), the second's typed value still in the form; saving
again, after reading it, applies the second's value.

Screenshots go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import os
from pathlib import Path

import pytest

from employment.models import Placement
from tests.browser.test_household_review import log_in
from tests.factories import HUU_LUNG, PlacementFactory, officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_second_officer_sees_what_the_first_changed_then_saves_again(
    browser, page, live_server, reference_loaded, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    first = officer(HUU_LUNG, username="canbo_lan", first_name="Lan", last_name="Đỗ Thị")
    second = officer(HUU_LUNG, username="canbo_hung", first_name="Hùng", last_name="Mạc Văn")
    placement = PlacementFactory(employer="Công ty TNHH Điện tử Bắc Giang")
    url = f"{base}/employment/placements/{placement.pk}/edit/"

    other_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    other.set_default_timeout(15_000)
    try:
        log_in(page, base, first.username)
        log_in(other, base, second.username)
        page.goto(url)
        other.goto(url)

        page.fill("input[name=employer]", "Công ty Cổ phần May Lạng Sơn")
        page.locator("form:has(input[name=employer]) [type=submit]").first.click()
        page.wait_for_url(lambda u: "/edit/" not in u)

        other.fill("input[name=employer]", "Công ty TNHH Giày Hữu Lũng")
        other.locator("form:has(input[name=employer]) [type=submit]").first.click()
        table = other.get_by_test_id("stale-changes")
        table.wait_for()
        other.screenshot(path=str(shots / "stale-edit-refused.png"), full_page=True)
        row = table.locator("tr[data-field=employer]")
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        assert cells[1:3] == ["Công ty TNHH Điện tử Bắc Giang", "Công ty Cổ phần May Lạng Sơn"]
        assert "Lan Đỗ Thị" in cells[3]
        assert other.input_value("input[name=employer]") == "Công ty TNHH Giày Hữu Lũng"
        placement.refresh_from_db()
        assert placement.employer == "Công ty Cổ phần May Lạng Sơn" and placement.version == 2

        other.locator("form:has(input[name=employer]) [type=submit]").first.click()
        other.wait_for_url(lambda u: "/edit/" not in u)
        placement.refresh_from_db()
        assert placement.employer == "Công ty TNHH Giày Hữu Lũng" and placement.version == 3
        assert Placement.objects.count() == 1
    finally:
        other_context.close()
