"""Security settings (issue 8, item 6): `check --deploy` clean with HTTPS, CSRF on every view,
sessions that end after idle time and after a working day, login throttling per username, and a
Content-Security-Policy that the templates keep to."""

import datetime as dt
import html
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from tests.factories import HUU_LUNG, PASSWORD, HouseholdFactory, admin, officer
from welfare.accounts.session_expiry import LOGIN_AT, SEEN_AT
from welfare.households.models import Household

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def vi(text: str) -> str:
    """What a Vietnamese user reads for an English source string."""
    with translation.override("vi"):
        return translation.gettext(text)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- check --deploy ------------------------------------------------------------------------------


def run_deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "welfare.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "welfare.example.gov.vn",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/welfare-deploy-check.sqlite3"),
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_https():
    result = run_deploy_check(HTTPS="true")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    # The only silenced check is axes.W006 (lockout per username, reason in settings.py).
    assert settings.SILENCED_SYSTEM_CHECKS == ["axes.W006"]


def test_without_https_check_deploy_names_what_is_missing():
    """The check above is not vacuous: the same settings without HTTPS=true are reported."""
    output = run_deploy_check(HTTPS="false").stderr
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in output


# --- CSRF ----------------------------------------------------------------------------------------


def every_view(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from every_view(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_is_exempt_from_csrf():
    views = list(every_view())
    assert len(views) > 100  # the project's pages and the admin's
    exempt = [route for route, callback in views if getattr(callback, "csrf_exempt", False)]
    assert exempt == []
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.fixture
def strict_client():
    """A browser that sends no CSRF token unless told to (the test client skips the check)."""
    return Client(enforce_csrf_checks=True)


def test_a_post_without_token_is_refused_and_changes_nothing(strict_client):
    user = officer(HUU_LUNG)
    household = HouseholdFactory(village="Thôn Đồng Tiến")
    strict_client.force_login(user, backend="welfare.accounts.backends.RoleBackend")
    count = Household.objects.count()

    assert strict_client.post("/households/new/", {"code": "HL-CSRF-1"}).status_code == 403
    edit = strict_client.post(f"/households/{household.pk}/edit/", {"village": "Thôn Khác"})
    assert edit.status_code == 403
    password = strict_client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "x-csrf-2026-a", "new_password2": "x-csrf-2026-a"},
    )
    assert password.status_code == 403
    assert strict_client.post("/accounts/logout/").status_code == 403

    assert Household.objects.count() == count
    household.refresh_from_db()
    assert household.village == "Thôn Đồng Tiến"
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)
    assert strict_client.get("/").status_code == 200  # still logged in


def test_the_admin_refuses_a_post_without_token(strict_client):
    user = officer(HUU_LUNG)
    strict_client.force_login(admin(), backend="welfare.accounts.backends.RoleBackend")
    response = strict_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]}
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.is_active


def test_the_same_post_with_the_pages_token_goes_through(strict_client):
    strict_client.force_login(officer(HUU_LUNG), backend="welfare.accounts.backends.RoleBackend")
    page = strict_client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = strict_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert strict_client.get("/").status_code == 302  # logged out


def test_scripts_that_write_send_the_csrf_token():
    """No page uses htmx today; the scripts that talk to the server only read (GET). A script
    or an htmx attribute that writes must send the token: base.html would then carry
    hx-headers with it, and a script its X-CSRFToken header."""
    templates = list((ROOT / "templates").rglob("*.html"))
    writes = [p for p in templates if re.search(r"hx-(post|put|patch|delete)=", p.read_text())]
    if writes:
        assert "X-CSRFToken" in (ROOT / "templates/base.html").read_text(), writes
    scripts = [
        p for p in ROOT.glob("*/static/**/*.js") if "vendor" not in p.parts
    ] + [p for p in ROOT.glob("welfare/*/static/**/*.js") if "vendor" not in p.parts]
    assert scripts
    for script in scripts:
        source = script.read_text()
        if re.search(r"method\s*:\s*[\"'](POST|PUT|PATCH|DELETE)", source, re.I):
            assert "X-CSRFToken" in source, script


# --- Session expiry ------------------------------------------------------------------------------


@pytest.fixture
def officer_client(client):
    client.force_login(officer(HUU_LUNG), backend="welfare.accounts.backends.RoleBackend")
    assert client.get("/").status_code == 200  # the first request stamps the session
    return client


def shift_session(client, **seconds_ago: float) -> None:
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = now - ago
    session.save()


def test_a_session_idle_too_long_ends_with_a_message_on_the_login_page(officer_client):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    shift_session(officer_client, seen=31 * 60)
    response = officer_client.get("/households/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/households/"
    page = text_of(officer_client.get(response["Location"]))
    message = vi("Your session ended after %(minutes)s minutes without activity. Please log in again.")
    assert message % {"minutes": 30} in page
    assert officer_client.get("/").status_code == 302  # logged out for good


def test_activity_keeps_a_session_alive(officer_client):
    shift_session(officer_client, seen=29 * 60)
    assert officer_client.get("/households/").status_code == 200
    assert time.time() - officer_client.session[SEEN_AT] < 5  # the clock restarted
    shift_session(officer_client, seen=29 * 60)
    assert officer_client.get("/households/").status_code == 200


def test_typing_in_a_long_form_keeps_the_session_alive(officer_client):
    # Pages name the keep-alive address that welfare.js calls while the user types in a form;
    # that call counts as activity, so the form saved later is not lost to the idle limit.
    page = officer_client.get("/households/new/").content.decode()
    assert 'data-keepalive-url="/healthz/"' in page
    shift_session(officer_client, seen=29 * 60)
    assert officer_client.get("/healthz/").status_code == 200
    assert time.time() - officer_client.session[SEEN_AT] < 5


def test_a_session_ends_a_working_day_after_login_however_busy(officer_client):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    shift_session(officer_client, login=8 * 60 * 60 + 60, seen=10)
    response = officer_client.get("/households/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    page = text_of(officer_client.get(response["Location"]))
    message = vi(
        "Your session ended: a session lasts at most %(hours)s hours after login. "
        "Please log in again."
    )
    assert message % {"hours": 8} in page


def test_an_ended_session_saves_nothing_it_posts(officer_client):
    household = HouseholdFactory(village="Thôn Đồng Tiến")
    shift_session(officer_client, seen=31 * 60)
    response = officer_client.post(f"/households/{household.pk}/edit/", {"village": "Thôn Khác"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    household.refresh_from_db()
    assert household.village == "Thôn Đồng Tiến"


# --- Login throttling (tests/accounts/test_login.py has the lockout and the admin's unlock) ---


def post_login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def age_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_four_failures_do_not_lock(client):
    user = officer(HUU_LUNG)
    for _ in range(4):
        assert post_login(client, user.username, "wrong-password").status_code == 200
    assert post_login(client, user.username, PASSWORD).status_code == 302


def test_a_lockout_lasts_fifteen_minutes_from_any_address_and_says_so(client):
    user = officer(HUU_LUNG)
    for _ in range(5):
        post_login(client, user.username, "wrong-password")
    # Another computer (address) does not help: the lock is on the username.
    response = post_login(Client(), user.username, PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    with translation.override("vi"):
        expected = translation.ngettext(
            "Too many failed login attempts for this account. Try again in %(minutes)s minute, "
            "or ask the department's administrator to unlock it.",
            "Too many failed login attempts for this account. Try again in %(minutes)s minutes, "
            "or ask the department's administrator to unlock it.",
            15,
        ) % {"minutes": 15}
    assert expected in " ".join(text_of(response).split())
    age_attempts(14)
    assert post_login(client, user.username, PASSWORD).status_code == 429
    age_attempts(2)  # 16 minutes after the failures: the cool-off is over
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_lock_counts_failures_per_username_not_per_office():
    """Five colleagues each mistyping once from the office's one address lock nobody."""
    users = [officer(HUU_LUNG) for _ in range(5)]
    for user in users:
        assert post_login(Client(), user.username, "wrong-password").status_code == 200
    for user in users:
        assert post_login(Client(), user.username, PASSWORD).status_code == 302


# --- Content-Security-Policy -------------------------------------------------------------------


def test_every_page_carries_the_content_security_policy(client, login):
    for response in (client.get("/accounts/login/"), login(officer(HUU_LUNG)).get("/")):
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' data:"
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert policy["base-uri"] == "'self'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_style_or_handler():
    """What the policy would block: inline <script>, <style>, style="", onclick="". The PDF
    templates are exempt: WeasyPrint renders them on the server, no browser applies the policy."""
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.parts:
            continue
        source = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            if re.search(pattern, source):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []
    for path in ROOT.glob("*/admin.py"):
        assert "style=" not in path.read_text(), path
    for path in ROOT.glob("welfare/*/admin.py"):
        assert "style=" not in path.read_text(), path
