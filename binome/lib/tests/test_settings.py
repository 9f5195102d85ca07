"""Settings come from the environment and refuse bad values loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "0",
    "DEMO_MODE": "0",
    "SECRET_KEY": "x7f$9k2!qPz8Lm4vN0rT6wYb1cHd3eJg5sUa7iKo9pQ2zXn4mB6vC8",
    "ALLOWED_HOSTS": "binome.example.org",
    # check --deploy requires real encryption keys (binome/lib/encryption/keys.py)
    "FIELD_ENCRYPTION_KEYS": "JMX8rupqGkeLF_xVNkY3qdkHG1KbKhQ7ycT4pDsUxk8=",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    ours = {"DEBUG", "DEMO_MODE", "SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_typo_in_a_boolean_stops_the_start_up() -> None:
    result = manage("check", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr


def test_an_unsupported_database_url_stops_the_start_up() -> None:
    result = manage("check", DATABASE_URL="mysql://root@localhost/binome")
    assert result.returncode != 0
    assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr


def test_production_needs_a_real_secret_key() -> None:
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_mode_is_refused_in_production() -> None:
    result = manage("check", **{**PRODUCTION, "DEMO_MODE": "1"})
    assert result.returncode != 0
    assert "DEMO_MODE must be off in production" in result.stderr


def test_the_deploy_check_is_clean_under_production_variables() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_emailed_links_follow_the_address_make_run_serves_on_unless_site_url_is_set() -> None:
    """`make run HOST=… PORT=…` exports SERVED_AT; SITE_URL, when set, wins."""
    show = "from django.conf import settings; print(settings.SITE_URL)"
    served = manage("shell", "-c", show, SERVED_AT="http://127.0.0.1:8123", SITE_URL="")
    assert served.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123", served.stderr
    chosen = manage("shell", "-c", show, SERVED_AT="http://127.0.0.1:8123", SITE_URL="https://binome.example.org/")
    assert chosen.stdout.strip().splitlines()[-1] == "https://binome.example.org"
