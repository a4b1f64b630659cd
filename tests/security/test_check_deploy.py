"""`manage.py check --deploy` is clean with production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(tmp_path) -> tuple[int, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "SECURE_SSL_REDIRECT": "true",
        "ALLOWED_HOSTS": "tupa.example.fi",
        "CSRF_TRUSTED_ORIGINS": "https://tupa.example.fi",
        # The check needs no database; keep it off the developer's and the test run's.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    # A production process has neither; a test run may (the browser tests set the latter).
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def test_check_deploy_finds_no_security_issue_with_production_settings(tmp_path):
    returncode, output = _check_deploy(tmp_path)
    security = [line for line in output.splitlines() if "(security." in line]
    assert not security, output
    # Only the API schema generator's warnings may remain (see the next test).
    other = [
        line for line in output.splitlines() if line.startswith("?: (") and "drf_spectacular" not in line
    ]
    assert not other, output


def test_check_deploy_reports_no_issues_at_all(tmp_path):
    returncode, output = _check_deploy(tmp_path)
    assert returncode == 0, output
    assert "no issues" in output, output
