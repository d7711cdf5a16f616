"""``python -m simulator`` refuses bad settings, naming them; ``docs/configuration.md`` documents them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.settings import SimulatorSettings
from tests.test_readme import CONFIGURATION, variables

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("WEIR_")}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        check=False,
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        ((), {"WEIR_SIM_PORT": "eighty"}, "WEIR_SIM_PORT"),
        (("--port", "70000"), {}, "WEIR_SIM_PORT"),
        (("--port", "9300", "--admin-port", "9300"), {}, "WEIR_SIM_ADMIN_PORT"),
    ],
)
def test_a_bad_setting_stops_the_simulator_naming_it(args: tuple[str, ...], env: dict[str, str], named: str) -> None:
    result = run(*args, **env)

    assert result.returncode == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_every_simulator_setting_is_in_the_configuration_tables() -> None:
    missing = [name for name in variables(SimulatorSettings) if f"| `{name}`" not in CONFIGURATION]

    assert missing == []
