import pytest

from tests.factories import HUU_LUNG, admin, head, officer

pytestmark = pytest.mark.django_db


def test_a_view_that_declares_no_access_is_refused_even_to_an_admin(login):
    assert login(admin()).get("/test/undeclared/").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/reports/plans/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/reports/plans/")
    assert client.get("/").status_code == 302


def test_the_login_page_and_health_check_are_public(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz/").json() == {"status": "ok"}


def test_an_officer_cannot_set_plans(login):
    client = login(officer(HUU_LUNG))
    assert client.get("/reports/plans/new/").status_code == 403
    assert client.get("/reports/plans/").status_code == 200


def nav_keys(client) -> list[str]:
    html = client.get("/").content.decode()
    import re

    return re.findall(r'data-nav="([a-z_]+)"', html)


def test_each_role_sees_its_own_navigation(client, login):
    cases = ["households", "reviews", "cards", "beneficiaries_merit", "beneficiaries_social", "payment_runs", "dossiers",
             "relief_rounds", "gift_rounds", "covid_support",
             "employment", "loans", "placements", "border_passes"]
    login(officer(HUU_LUNG))
    assert nav_keys(client) == ["home", *cases, "dashboard", "reports", "summary", "plans", "imports"]
    client.logout()
    login(head(20))
    assert nav_keys(client) == ["home", *cases, "dashboard", "reports", "summary", "plans", "imports", "access_log"]
    client.logout()
    login(admin())
    assert nav_keys(client) == [
        "home", *cases, "dashboard", "reports", "summary", "plans", "imports", "access_log", "admin"
    ]


def test_each_role_has_its_own_home_page(client, login):
    login(officer(HUU_LUNG))
    html = client.get("/").content.decode()
    assert "Xã Hữu Lũng" in html and "Cán bộ cấp xã" in html
    client.logout()
    login(head(20))
    html = client.get("/").content.decode()
    assert "Tỉnh Lạng Sơn" in html and 'data-testid="commune-count">65<' in html
    client.logout()
    login(admin())
    html = client.get("/").content.decode()
    assert "/admin/accounts/user/" in html and "3.321" in html


def test_non_staff_cannot_open_the_django_admin(login):
    # Refused outright: a signed-in user without admin access is not sent to log in again.
    assert login(head(20)).get("/admin/").status_code == 403
