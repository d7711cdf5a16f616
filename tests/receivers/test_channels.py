"""The channels file: what it accepts, and the clear errors it gives for everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from queues.lanes import Lane
from receivers.channels import load_channels
from receivers.settings import DEFAULT_CHANNELS_FILE
from weir.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(text)
    return path


def load(path: Path, *, environ: dict[str, str] | None = None, production: bool = False):  # type: ignore[no-untyped-def]
    return load_channels(path, environ=environ or {}, tolerance_seconds=300, production=production)


def test_the_shipped_demo_channels_load() -> None:
    channels = load(DEFAULT_CHANNELS_FILE)
    assert {name: channel.provider.name for name, channel in channels.items()} == {
        "shop-us": "shopify",
        "pos-eu": "standard",
    }


def test_the_demo_channels_are_refused_in_production() -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        load(DEFAULT_CHANNELS_FILE, production=True)


def test_a_demo_secret_is_refused_in_production_even_without_the_demo_flag(tmp_path: Path) -> None:
    path = write(tmp_path, '[channels.a]\nprovider = "shopify"\nsecrets = ["weir-demo-copied"]\n')
    with pytest.raises(ConfigError, match="channel a"):
        load(path, production=True)


def test_secrets_can_come_from_an_environment_variable(tmp_path: Path) -> None:
    path = write(tmp_path, '[channels.a]\nprovider = "shopify"\nsecrets_env = "A_SECRETS"\n')
    channels = load(path, environ={"A_SECRETS": "new-secret, old-secret"})
    assert channels["a"].keys == (b"new-secret", b"old-secret")


def test_an_empty_secrets_variable_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[channels.a]\nprovider = "shopify"\nsecrets_env = "A_SECRETS"\n')
    with pytest.raises(ConfigError, match="A_SECRETS"):
        load(path)


def test_lanes_can_be_overridden_per_channel(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.a]\nprovider = "shopify"\nsecrets = ["s"]\nlanes = { "inventory.updated" = "critical" }\n',
    )
    router = load(path)["a"].router
    assert router.lane_for("inventory.updated") is Lane.CRITICAL
    assert router.lane_for("product.updated") is Lane.BULK


@pytest.mark.parametrize(
    "text",
    [
        '[channels.a]\nprovider = "paypal"\nsecrets = ["s"]\n',
        '[channels.a]\nprovider = "shopify"\n',
        '[channels."Bad Name"]\nprovider = "shopify"\nsecrets = ["s"]\n',
        '[channels.a]\nprovider = "standard"\nsecrets = ["whsec_***"]\n',
        '[channels.a]\nprovider = "shopify"\nsecrets = ["s"]\nlanes = { "order.created" = "urgent" }\n',
        "not toml at all [",
    ],
)
def test_an_invalid_channels_file_stops_start_up_naming_the_setting(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        load(write(tmp_path, text))


def test_a_missing_channels_file_stops_start_up_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        load(tmp_path / "nowhere.toml")
