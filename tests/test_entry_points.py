"""Every process refuses to start on a bad setting, and says which one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("WEIR_")}
    return subprocess.run(
        [sys.executable, *args], check=False, cwd=REPO, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "variable", "value"),
    [
        (["-m", "receivers"], "WEIR_BROKER_URL", "http://not-rabbitmq"),
        (["-m", "receivers"], "PORT", "eighty"),
        (["-m", "receivers"], "WEIR_MAX_BODY_BYTES", "-1"),
        (["-m", "receivers"], "WEIR_CHANNELS_FILE", "/nowhere/channels.toml"),
        (["-m", "workers", "critical"], "WEIR_ERP_URL", "not a url"),
        (["-m", "workers", "critical"], "WEIR_REDIS_URL", "postgres://x"),
        (["-m", "workers", "critical"], "WEIR_NAMESPACE", "Has Spaces"),
        (["-m", "reconcile"], "WEIR_RECONCILE_INTERVAL_SECONDS", "0"),
        (["-m", "reconcile"], "WEIR_CHANNELS_FILE", "/nowhere/channels.toml"),
        (["-m", "outbound"], "WEIR_OUTBOUND_INTERVAL_SECONDS", "0"),
        (["-m", "outbound"], "WEIR_CHANNELS_FILE", "/nowhere/channels.toml"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_it(args: list[str], variable: str, value: str) -> None:
    result = run(args, **{variable: value})

    assert result.returncode == 2
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_the_demo_secrets() -> None:
    receiver = run(["-m", "receivers"], WEIR_ENVIRONMENT="production")
    worker = run(["-m", "workers", "critical"], WEIR_ENVIRONMENT="production")

    assert (receiver.returncode, worker.returncode) == (2, 2)
    assert "WEIR_CHANNELS_FILE" in receiver.stderr
    assert "WEIR_ERP_PASSWORD" in worker.stderr
