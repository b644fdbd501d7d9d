"""bandit, the security linter, finds nothing of high severity in the project's code (issue 8).
`make test` (hence CI) runs it; the medium findings were reviewed once (docs/security.md)."""

import subprocess
import sys

from django.conf import settings


def test_bandit_finds_no_high_severity_issue():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "welfare", "beneficiaries", "relief", "employment",
         "-q", "-lll"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
