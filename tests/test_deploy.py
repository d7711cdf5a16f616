"""The systemd units in ``deploy/`` run what the Procfile runs, and stop workers the way they stop
gracefully."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from workers.__main__ import SHUTDOWN_TIMEOUT_MS

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
#: The embedded demo ERP: production points Weir at a real Tryton instead.
LOCAL_ONLY = {"erp"}


def procfile() -> dict[str, list[str]]:
    """Each process type's command, split into its arguments."""
    lines = (REPO / "Procfile").read_text().splitlines()
    entries = (line.partition(":") for line in lines if line.strip() and not line.startswith("#"))
    return {name.strip(): shlex.split(command) for name, _, command in entries}


def service(unit: Path) -> dict[str, str]:
    """The ``[Service]`` section of a unit file, one value per key (the last one given)."""
    section, values = "", {}
    for line in unit.read_text().splitlines():
        if re.fullmatch(r"\[\w+\]", line.strip()):
            section = line.strip()
        elif section == "[Service]" and "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


PROCESS_TYPES = sorted(set(procfile()) - LOCAL_ONLY)


@pytest.mark.parametrize("process_type", PROCESS_TYPES)
def test_every_process_type_has_a_unit_running_the_procfiles_command(process_type: str) -> None:
    executable, *arguments = shlex.split(service(DEPLOY / f"weir-{process_type}.service")["ExecStart"])
    program, *expected = procfile()[process_type]

    assert Path(executable).name == program
    assert arguments == expected


@pytest.mark.parametrize("process_type", PROCESS_TYPES)
def test_every_unit_restarts_reads_the_environment_file_and_runs_as_weir(process_type: str) -> None:
    settings = service(DEPLOY / f"weir-{process_type}.service")

    assert settings["Restart"] == "always"
    assert settings["EnvironmentFile"] == "/etc/weir/weir.env"
    assert settings["User"] == "weir"


@pytest.mark.parametrize("process_type", [name for name in PROCESS_TYPES if name.startswith("worker-")])
def test_systemd_waits_for_a_stopping_worker_to_finish_its_events(process_type: str) -> None:
    settings = service(DEPLOY / f"weir-{process_type}.service")

    assert settings["KillSignal"] == "SIGTERM"
    assert settings["KillMode"] == "control-group"
    assert int(settings["TimeoutStopSec"]) > SHUTDOWN_TIMEOUT_MS / 1000


def test_the_units_are_exactly_the_production_process_types() -> None:
    units = {path.name.removeprefix("weir-").removesuffix(".service") for path in DEPLOY.glob("weir-*.service")}

    assert units == set(PROCESS_TYPES)


def test_the_example_environment_sets_only_documented_settings_and_no_demo_secret() -> None:
    example = (DEPLOY / "weir.env.example").read_text()
    configuration = (REPO / "docs" / "configuration.md").read_text()
    names = re.findall(r"^(WEIR_\w+|PORT)=", example, re.MULTILINE)

    assert [name for name in names if f"| `{name}`" not in configuration] == []
    assert "weir-demo" not in example
