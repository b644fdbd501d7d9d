import pytest
from django.contrib.auth import get_user_model

from tests.factories import HUU_LUNG, PASSWORD, admin, officer

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout_in_vietnamese(client):
    user = officer(HUU_LUNG)
    page = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_says_so_in_vietnamese(client):
    user = officer(HUU_LUNG)
    html = post_login(client, user.username, "wrong-password").content.decode()
    assert "Vui lòng nhập chính xác" in html


def test_repeated_failures_lock_the_username_not_the_office(client):
    user = officer(HUU_LUNG)
    colleague = officer(HUU_LUNG)
    for _ in range(5):
        post_login(client, user.username, "wrong-password")
    # Now even the right password is refused for that username...
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập bị khóa" in response.content.decode()
    # ...while a colleague on the same office address still logs in.
    response = post_login(client, colleague.username, PASSWORD)
    assert response.status_code == 302


def test_an_admin_unlocks_a_locked_user(client, login):
    user = officer(HUU_LUNG)
    for _ in range(5):
        post_login(client, user.username, "wrong-password")
    assert post_login(client, user.username, PASSWORD).status_code == 429
    login(admin()).post(
        "/admin/accounts/user/", {"action": "unlock", "_selected_action": [user.pk]}
    )
    client.logout()
    assert post_login(client, user.username, PASSWORD).status_code == 302


def test_a_deactivated_user_cannot_log_in(client, login):
    user = officer(HUU_LUNG)
    login(admin()).post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]}
    )
    client.logout()
    user.refresh_from_db()
    assert not user.is_active
    assert post_login(client, user.username, PASSWORD).status_code == 200
    assert user.history.first().is_active is False


def test_password_change_applies_the_validators(client):
    user = officer(HUU_LUNG)
    post_login(client, user.username, PASSWORD)
    html = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    ).content.decode()
    assert "Mật khẩu quá ngắn" in html
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "thon-ban-2026-x", "new_password2": "thon-ban-2026-x"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password("thon-ban-2026-x")


def test_an_admin_resets_a_password_in_the_admin(client, login):
    user = officer(HUU_LUNG)
    response = login(admin()).post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "reset-by-admin-77", "password2": "reset-by-admin-77", "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("reset-by-admin-77")
