"""Docker cannot run on the development machine: the production files are checked by reading."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_describes_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn welfare.wsgi:application" in " ".join(services["web"]["command"])
    assert "worker" in " ".join(services["worker"]["command"])
    assert "DatabaseScheduler" in " ".join(services["beat"]["command"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").read_text().count("requirements.lock") >= 2


def test_check_deploy_reports_nothing_with_debug_off_and_https_on():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="false", HTTPS="true", DJANGO_SETTINGS_MODULE="welfare.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_dependencies_are_locked_and_named_in_pyproject():
    pyproject = (ROOT / "pyproject.toml").read_text()
    lock = (ROOT / "requirements.lock").read_text()
    for name in ["Django", "psycopg", "django-crispy-forms", "crispy-bootstrap5", "celery", "redis",
                 "django-environ", "vietnam-provinces==2026.9.0"]:
        assert f'"{name}' in pyproject
    assert "vietnam-provinces==2026.9.0" in lock
    assert "\ndjango==5.2." in lock
