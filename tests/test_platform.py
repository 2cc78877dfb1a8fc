"""Platform behaviour: health, production settings, sign-in lockout, the demo password guard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from qifu.core.testing.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_database_and_queue(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["queue"]["ok"] is True and "pending" in body["queue"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client: Any) -> None:
    with mock.patch("qifu.core.health.check_database", return_value={"ok": False, "error": "OperationalError"}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_is_503_when_the_queue_fails(client: Any) -> None:
    with mock.patch("qifu.core.health.HUEY.pending_count", side_effect=ConnectionError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"]["ok"] is False


def test_worker_heartbeat_is_seen() -> None:
    from qifu.core import health

    health.beat()
    queue = health.check_queue()
    assert queue["worker_running"] is True and queue["worker_seen_seconds_ago"] <= 1


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("QIFU_", "DJANGO_", "SECRET_KEY", "PYTEST"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_deploy_check_is_clean(tmp_path: Path) -> None:
    env = {
        "QIFU_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-deploy-check-" + "y" * 20,
        "QIFU_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "qifu.example.gov.cn",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    result = _manage("check", env={"QIFU_ENV": "production", "QIFU_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_demo_password(tmp_path: Path) -> None:
    env = {
        "QIFU_ENV": "production",
        "SECRET_KEY": "s" * 60,
        "QIFU_VAR_DIR": str(tmp_path),
        "QIFU_DEMO_PASSWORD": "qifu-demo-2020",
    }
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0 and "qifu.E001" in (result.stdout + result.stderr)


def test_development_secret_key_is_generated_outside_the_repo() -> None:
    from django.conf import settings

    assert settings.SECRET_KEY
    assert not (ROOT / "secret_key").exists()


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account(client: Any, world: Any) -> None:
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "comm", "password": "wrong-password"})
        assert response.status_code in (200, 429)
    # now even the right password is refused
    response = client.post(url, {"username": "comm", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_right_password_signs_in(client: Any, world: Any) -> None:
    response = client.post(reverse("login"), {"username": "comm", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.commissioner.pk)


@pytest.mark.django_db
def test_demo_password_is_refused_in_production_unless_set(client: Any, world: Any) -> None:
    world.commissioner.set_password("qifu-demo-2020")
    world.commissioner.save()
    with override_settings(PRODUCTION=True, DEMO_PASSWORD=""):
        response = client.post(reverse("login"), {"username": "comm", "password": "qifu-demo-2020"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    with override_settings(PRODUCTION=True, DEMO_PASSWORD="qifu-demo-2020"):
        response = client.post(reverse("login"), {"username": "comm", "password": "qifu-demo-2020"})
    assert response.status_code == 302
