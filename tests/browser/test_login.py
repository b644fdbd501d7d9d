"""In Chromium, in Vietnamese: the demo officer logs in and sees their home page."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_demo_officer_logs_in_and_sees_the_home_page(page, live_server, reference_loaded, tmp_path):
    call_command("demo_data", verbosity=0)
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.screenshot(path=tmp_path / "login.png", full_page=True)

    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("demo-welfare-2026")
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(f"{live_server.url}/")
    assert "Xin chào, Hoàng Thị Lan" in page.locator("h1").inner_text()
    assert "Xã Hữu Lũng" in page.get_by_test_id("my-communes").inner_text()
    nav = page.get_by_test_id("nav")
    assert nav.locator('[data-nav="home"]').get_attribute("aria-label") == "Trang chủ"
    assert nav.locator('[data-nav="admin"]').count() == 0
    page.screenshot(path=tmp_path / "home.png", full_page=True)
    print(f"screenshots: {tmp_path}")


def test_a_wrong_password_shows_a_vietnamese_error(page, live_server, reference_loaded):
    call_command("demo_data", verbosity=0)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Vui lòng nhập chính xác" in page.get_by_role("alert").inner_text()


@pytest.mark.parametrize("width", [1200, 1280, 1400])
def test_the_whole_menu_fits_on_one_line_without_scrolling_sideways(page, live_server, reference_loaded, width):
    """The administrator sees every menu; from 1200 px wide (the bar's breakpoint) it fits."""
    call_command("demo_data", verbosity=0)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill("demo-welfare-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav = page.get_by_test_id("nav")
    assert nav.bounding_box()["height"] < 60  # one line
    assert nav.locator('[data-nav="admin"]').get_attribute("aria-label") == "Quản trị"
    for group in ("employment", "relief", "reports"):
        assert nav.locator(f'[data-nav-group="{group}"]').is_visible()
