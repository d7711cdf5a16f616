"""``python -m console``: it refuses to start without its token, and serves only behind it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.console.conftest import TOKEN
from tests.support.net import eventually, free_port
from tests.support.servers import REPO, ServiceProcess


def start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("WEIR_")}
    return subprocess.run(
        [sys.executable, "-m", "console"],
        check=False,
        cwd=REPO,
        env={**clean, "WEIR_CONSOLE_PORT": str(free_port()), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("token", [None, "", "   "])
def test_the_console_refuses_to_start_without_a_token(token: str | None) -> None:
    result = start(**({"WEIR_CONSOLE_TOKEN": token} if token is not None else {}))

    assert result.returncode == 2
    assert "WEIR_CONSOLE_TOKEN: required" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_refuses_a_short_token() -> None:
    result = start(WEIR_CONSOLE_TOKEN="short")

    assert result.returncode == 2
    assert "WEIR_CONSOLE_TOKEN: at least 16 characters" in result.stderr


def test_production_refuses_the_demo_token() -> None:
    result = start(WEIR_CONSOLE_TOKEN="weir-demo-console-token", WEIR_ENVIRONMENT="production")

    assert result.returncode == 2
    assert "WEIR_CONSOLE_TOKEN: the demo secret is not allowed" in result.stderr


def test_a_bad_port_stops_start_up_naming_it() -> None:
    result = start(WEIR_CONSOLE_TOKEN=TOKEN, WEIR_CONSOLE_PORT="eighty")

    assert result.returncode == 2
    assert "WEIR_CONSOLE_PORT" in result.stderr


def test_the_console_process_serves_only_those_holding_the_token(namespace: str, tmp_path: Path) -> None:
    port = free_port()
    env = {"WEIR_NAMESPACE": namespace, "WEIR_CONSOLE_TOKEN": TOKEN, "WEIR_CONSOLE_PORT": str(port)}
    process = ServiceProcess(["-m", "console"], env, tmp_path / "console.log").start()
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: _answers(f"{url}/healthz"), timeout=30, interval=0.2, what="the console to listen")

        assert httpx.get(f"{url}/api/status", timeout=10).status_code == 401
        assert httpx.get(f"{url}/", timeout=10).status_code == 401
        authorised = httpx.get(f"{url}/api/status", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert authorised.status_code == 200, process.log()
    finally:
        process.stop()


@pytest.mark.parametrize(("trusted", "secure"), [("127.0.0.1", True), ("", False)])
def test_the_login_cookie_is_secure_behind_a_trusted_tls_proxy_only(
    namespace: str, tmp_path: Path, trusted: str, secure: bool
) -> None:
    # Given a console behind a TLS proxy at 127.0.0.1 (or with no proxy trusted)
    port = free_port()
    env = {"WEIR_NAMESPACE": namespace, "WEIR_CONSOLE_TOKEN": TOKEN, "WEIR_CONSOLE_PORT": str(port)}
    process = ServiceProcess(["-m", "console"], {**env, "WEIR_CONSOLE_FORWARDED_ALLOW_IPS": trusted}, tmp_path / "log")
    process.start()
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: _answers(f"{url}/healthz"), timeout=30, interval=0.2, what="the console to listen")

        # When someone logs in through the proxy, which says the request came over https
        answer = httpx.post(f"{url}/login", data={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}, timeout=10)

        # Then the cookie is Secure only when that proxy is trusted
        assert answer.status_code == 303, process.log()
        assert ("secure" in answer.headers["set-cookie"].lower()) is secure
    finally:
        process.stop()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
