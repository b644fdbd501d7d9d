"""In Chromium: with the Content-Security-Policy on, an officer, a head and an administrator open
representative pages (lists, a household, forms with their scripts, the dashboard's charts, a
job's page, the admin) and the browser reports no violation and no script error; the scripts
still do their work.

Screenshots go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from beneficiaries.models import Dossier
from relief.models import ReliefRound
from welfare.core.demo import DEMO_PASSWORD
from welfare.core.models import Job
from welfare.households.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Collects what the policy blocks, before any script of the page runs.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Visitor:
    """One logged-in user's browser context, recording violations and errors page by page."""

    def __init__(self, browser, base: str, username: str, shots: Path):
        self.base, self.shots, self.problems = base, shots, []
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self.console)
        self.page.on("response", self.response)
        self.page.on("pageerror", lambda e: self.problems.append(f"{self.page.url}: error {e}"))
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{base}/")

    def console(self, message):
        # A failed load is reported by `response` below, with its address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{self.page.url}: console {message.text}")

    def response(self, response):
        # The review form's live result answers 400 with a message while the form is incomplete.
        answered = response.headers.get("content-type", "").startswith("application/json")
        if response.status >= 400 and not answered and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{response.url}: {response.status}")

    def open(self, path: str, shot: str | None = None):
        response = self.page.goto(self.base + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        self.page.wait_for_load_state("networkidle")
        self.check(path)
        if shot:
            self.page.screenshot(path=self.shots / f"{shot}.png", full_page=True)
        return self.page

    def check(self, where: str):
        violations = self.page.evaluate("window.__violations")
        self.problems.extend(f"{where}: CSP {v}" for v in violations)

    def close(self):
        self.context.close()
        assert self.problems == []


def test_pages_work_under_the_content_security_policy(browser, live_server, reference_loaded, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    call_command("demo_data", verbosity=0)
    household = Household.objects.filter(commune__name="Xã Hữu Lũng").first()
    relief_round = ReliefRound.objects.first()
    dossier = Dossier.objects.filter(commune__name="Xã Hữu Lũng").first()
    users = get_user_model().objects
    officer_job = Job.objects.create(
        task_id="csp-probe-job", kind="summary", label="CSP probe", user=users.get(username="canbo")
    )

    # An officer: lists, a household and a person, the forms and their scripts, a job.
    officer = Visitor(browser, live_server.url, "canbo", shots)
    page = officer.open("/")
    # The listener hears the policy: a style attribute set from markup is refused and reported.
    page.evaluate("() => { document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>'); }")
    page.wait_for_timeout(100)
    assert "style-src-attr" in " ".join(page.evaluate("() => window.__violations.splice(0)"))
    assert any("Content Security Policy" in problem for problem in officer.problems)
    officer.problems.clear()
    officer.open("/households/")
    officer.open(f"/households/{household.pk}/", "household")
    officer.open(f"/households/people/{household.head_id}/")
    page = officer.open("/households/new/", "household_form")
    rows = page.locator("#member-rows > *").count()
    page.click("#add-member")
    assert page.locator("#member-rows > *").count() == rows + 1
    officer.check("add a member")
    page = officer.open(f"/households/{household.pk}/reviews/new/", "review_form")
    page.locator("[data-role=income]").fill("500000")
    page.locator("#review-result[data-result]:not([data-result=''])").wait_for()
    officer.check("the review's live result")
    officer.open("/beneficiaries/dossiers/new/")
    officer.open(f"/beneficiaries/dossiers/{dossier.pk}/")
    officer.open("/beneficiaries/payments/pending/")
    officer.open(f"/relief/rounds/{relief_round.pk}/")
    officer.open("/employment/")
    page = officer.open("/imports/")
    page = officer.open(f"/jobs/{officer_job.pk}/", "job")
    page.wait_for_timeout(800)  # the first poll of the job's status
    officer.check("job polling")
    officer.close()

    # A head: the dashboard and its charts, the reports, the recognition list, the plans.
    head = Visitor(browser, live_server.url, "lanhdao", shots)
    page = head.open("/reports/dashboard/", "dashboard")
    assert page.evaluate("Chart.getChart('commune-chart') !== undefined")
    width = page.evaluate("document.querySelector('[data-testid=jobs-progress] .progress-bar')?.style.width")
    assert width is None or width.endswith("%")
    head.open("/reports/")
    head.open("/households/reviews/recognise/")
    page = head.open("/reports/plans/")
    head.open("/employment/")
    head.close()

    # The administrator: the admin's index, a changelist, a change form, the users.
    admin = Visitor(browser, live_server.url, "quantri", shots)
    admin.open("/admin/", "admin_index")
    admin.open("/admin/households/household/")
    admin.open(f"/admin/households/household/{household.pk}/change/", "admin_change")
    admin.open("/admin/accounts/user/")
    admin.open(f"/admin/accounts/user/{users.get(username='canbo').pk}/change/")
    admin.open("/admin/households/povertystandard/")
    admin.open("/admin/beneficiaries/dossier/")
    admin.close()
    print(f"screenshots: {shots}")
