import os
import shutil

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

IN_CI = os.environ.get("CI", "").lower() == "true"

# Property tests (hypothesis) draw the same examples on every run, so that a failure in CI can be
# reproduced from its log; database=None writes no .hypothesis folder into the tree. The tests
# share pytest-django's per-test transaction, hence the fixture health check is off (each
# example rolls back its own writes). `HYPOTHESIS_PROFILE=deep` explores more, at random.
_HYPOTHESIS_COMMON = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=20, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("deep", max_examples=300, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def need(condition: bool, reason: str) -> None:
    """Skip with a printed reason when a service is missing, except under CI=true (contract.md,
    "Make targets"), where a missing service fails the test instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a test's rolled-back records must not be seen by the
    next one through a page or figures kept under the same case-data version (a rollback sends no
    signal, so it does not bump the version as a real change does)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def redis_url(worker_id):
    """The test Redis database; each pytest-xdist worker its own (15, 14, …), so that the real
    Celery workers two test processes start never take each other's tasks."""
    import redis

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    if worker_id.startswith("gw"):
        base, _, db = url.rpartition("/")
        url = f"{base}/{max(0, int(db or 15) - int(worker_id[2:]))}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        reachable = True
    except redis.RedisError:
        reachable = False
    need(reachable, f"Redis is not reachable at {url}")
    return url


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    need(executable is not None, "chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test code that reads the
    # database between steps is still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(client):
    """Log a user in on the Django test client (the login form itself is tested apart)."""

    def do(user):
        client.force_login(user, backend="welfare.accounts.backends.RoleBackend")
        return client

    return do


@pytest.fixture
def reference_loaded():
    """The administrative units, the poverty standards and the loan caps, for transactional (live-server)
    tests: the flush between such tests can leave the tables that data migrations filled
    empty; reloading is idempotent and quick."""
    import importlib

    from django.apps import apps

    from welfare.areas.loading import load_areas
    from welfare.areas.models import Commune, Province
    from welfare.households.models import PovertyStandard

    if Commune.objects.count() != 3321:
        load_areas(Province, Commune)
    if not PovertyStandard.objects.exists():
        migration = importlib.import_module("welfare.households.migrations.0002_load_poverty_standards")
        migration.load(apps, None)
    from employment.models import LoanLimit

    if not LoanLimit.objects.exists():
        importlib.import_module("employment.migrations.0002_load_reference_data").load(apps, None)
    from beneficiaries.models import AllowanceRate

    # The allowance levels, rates and coefficients that payment runs compute from.
    if not AllowanceRate.objects.exists():
        importlib.import_module("beneficiaries.migrations.0002_load_reference_data").load(apps, None)
