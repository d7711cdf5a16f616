"""The console's settings: its token checked at start-up, every variable in ``docs/configuration.md``."""

from __future__ import annotations

import pytest

from console.settings import ConsoleSettings, build_config
from tests.test_readme import CONFIGURATION, variables
from weir.errors import ConfigError


def test_the_token_is_read_without_surrounding_whitespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_CONSOLE_TOKEN", "  a-token-of-enough-length\n")

    assert build_config().token == "a-token-of-enough-length"


def test_production_accepts_a_real_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_ENVIRONMENT", "production")
    monkeypatch.setenv("WEIR_CONSOLE_TOKEN", "5f0c2d7e9a4b41f8b6e3c1a2d9f07e6b")

    assert build_config().console.port == 8010


def test_production_refuses_any_token_carrying_the_demo_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIR_ENVIRONMENT", "production")
    monkeypatch.setenv("WEIR_CONSOLE_TOKEN", "my-weir-demo-token-copied-from-the-readme")

    with pytest.raises(ConfigError, match="WEIR_CONSOLE_TOKEN"):
        build_config()


def test_every_console_setting_is_in_the_configuration_tables() -> None:
    missing = [name for name in variables(ConsoleSettings) if f"| `{name}`" not in CONFIGURATION]

    assert missing == []
