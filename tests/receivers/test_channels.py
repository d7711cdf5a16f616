"""Channels as the receivers load them: providers built from the channels file, their secrets and
keys, their routing, and what production refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels import PROVIDER_OPTIONS, SquareOptions
from queues.lanes import Lane
from receivers.channels import load_channels
from receivers.providers import PROVIDER_KINDS
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
        "woo-eu": "woocommerce",
        "bigc-us": "bigcommerce",
        "square-us": "square",
        "stripe-us": "stripe",
        "wms-eu": "hmac",
        "amazon-us": "amazon",
    }


def test_every_provider_a_channel_may_name_can_be_built_from_its_options() -> None:
    assert {name: kind.options for name, kind in PROVIDER_KINDS.items()} == dict(PROVIDER_OPTIONS)


def test_provider_options_are_validated_per_provider(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.sq]\nprovider = "square"\nsecrets = ["k"]\n'
        '[channels.sq.options]\nnotification_url = "https://weir.example/webhooks/sq"\n',
    )
    options = load(path)["sq"].options
    assert isinstance(options, SquareOptions)
    assert options.notification_url == "https://weir.example/webhooks/sq"


def test_a_demo_amazon_access_token_is_refused_in_production(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.az]\nprovider = "amazon"\n'
        'options = { queue_url = "https://sqs.example/1/q", access_token = "Atza|weir-demo" }\n',
    )
    with pytest.raises(ConfigError, match="channel az"):
        load(path, production=True)


def test_demo_login_with_amazon_secrets_are_refused_in_production(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.az]\nprovider = "amazon"\n'
        'options = { queue_url = "https://sqs.example/1/q", lwa_client_id = "c", '
        'lwa_client_secret = "s", refresh_token = "Atzr|weir-demo" }\n',
    )
    with pytest.raises(ConfigError, match="channel az: the demo secret"):
        load(path, production=True)


def test_a_demo_api_token_is_refused_in_production(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.bc]\nprovider = "bigcommerce"\nsecrets = ["s"]\noptions = { api_token = "weir-demo-token" }\n',
    )
    with pytest.raises(ConfigError, match="channel bc"):
        load(path, production=True)


def test_amazon_channels_take_no_secrets(tmp_path: Path) -> None:
    queue = 'options = { queue_url = "https://sqs.us-east-1.amazonaws.com/1/q" }\n'
    channel = load(write(tmp_path, '[channels.az]\nprovider = "amazon"\n' + queue))["az"]
    assert (channel.provider.transport, channel.keys) == ("sqs", ())
    with pytest.raises(ConfigError, match="take no secrets"):
        load(write(tmp_path, '[channels.az]\nprovider = "amazon"\nsecrets = ["s"]\n' + queue))


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
        # The file's schema and each provider's options are tested with channels/ (tests/channels/
        # test_file.py); these are what receiving adds: the secrets each provider verifies with.
        '[channels.a]\nprovider = "shopify"\n',
        '[channels.a]\nprovider = "standard"\nsecrets = ["whsec_***"]\n',
        '[channels.a]\nprovider = "stripe"\nsecrets = ["not-a-whsec"]\n',
        # One of the schema's refusals, to show they stop start-up through the receiver too.
        "not toml at all [",
    ],
)
def test_an_invalid_channels_file_stops_start_up_naming_the_setting(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        load(write(tmp_path, text))


def test_a_missing_channels_file_stops_start_up_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        load(tmp_path / "nowhere.toml")
