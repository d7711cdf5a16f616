"""The channels file: what it accepts, and the clear errors it gives for everything else."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from channels import (
    PROVIDER_OPTIONS,
    AmazonOptions,
    BigCommerceOptions,
    LwaLogin,
    ProviderName,
    ProviderOptions,
    SquareOptions,
    channel_options,
    read_channels_file,
    validated_options,
)
from weir.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(text)
    return path


def read_options(path: Path) -> dict[str, ProviderOptions]:
    return {name: validated_options(name, table) for name, table in read_channels_file(path).channels.items()}


def options_of(path: Path, name: str) -> ProviderOptions:
    return read_options(path)[name]


def test_every_provider_a_channel_may_name_has_its_options_class() -> None:
    assert set(get_args(ProviderName)) == set(PROVIDER_OPTIONS)


def test_provider_options_are_validated_per_provider(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.sq]\nprovider = "square"\nsecrets = ["k"]\n'
        '[channels.sq.options]\nnotification_url = "https://weir.example/webhooks/sq"\n',
    )
    options = options_of(path, "sq")
    assert isinstance(options, SquareOptions)
    assert options.notification_url == "https://weir.example/webhooks/sq"


def test_a_worker_reads_the_options_of_one_provider_s_channels_without_their_secrets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.sq]\nprovider = "square"\nsecrets_env = "UNSET"\n'
        'options = { notification_url = "https://weir.example/webhooks/sq" }\n'
        '[channels.shop]\nprovider = "shopify"\nsecrets = ["s"]\n',
    )
    assert list(channel_options(path, "square")) == ["sq"]
    assert channel_options(path, "amazon") == {}


def test_bigcommerce_channels_can_hold_the_api_the_worker_fetches_from(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.bc]\nprovider = "bigcommerce"\nsecrets = ["s"]\n'
        'options = { api_base_url = "https://api.bigcommerce.com/stores/abc/", api_token_env = "BC_TOKEN" }\n',
    )
    options = options_of(path, "bc")
    assert isinstance(options, BigCommerceOptions)
    assert options.api_base_url == "https://api.bigcommerce.com/stores/abc/"
    assert options.token_from({"BC_TOKEN": "t0k3n"}) == "t0k3n"


def test_square_channels_can_hold_the_api_the_worker_fetches_orders_from(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.sq]\nprovider = "square"\nsecrets = ["k"]\n'
        '[channels.sq.options]\nnotification_url = "https://weir.example/webhooks/sq"\n'
        'api_base_url = "https://connect.squareup.com"\naccess_token_env = "SQ_TOKEN"\n',
    )
    options = options_of(path, "sq")
    assert isinstance(options, SquareOptions)
    assert options.api_base_url == "https://connect.squareup.com"
    assert options.token_from({"SQ_TOKEN": "t0k3n"}) == "t0k3n"


def test_a_square_channel_takes_one_source_of_access_token(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.sq]\nprovider = "square"\nsecrets = ["k"]\n'
        '[channels.sq.options]\nnotification_url = "https://weir.example/webhooks/sq"\n'
        'access_token = "a"\naccess_token_env = "SQ_TOKEN"\n',
    )
    with pytest.raises(ConfigError, match="channel sq has invalid options") as caught:
        read_options(path)
    assert "access_token" in str(caught.value)


def test_invalid_options_are_named_without_echoing_the_secrets_given(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.sq]\nprovider = "square"\nsecrets = ["k"]\n'
        '[channels.sq.options]\nnotification_url = "https://weir.example/webhooks/sq"\n'
        'access_token = "EAAA-very-secret"\naccess_token_env = "SQ_TOKEN"\n',
    )
    with pytest.raises(ConfigError) as caught:
        read_options(path)
    assert "EAAA-very-secret" not in str(caught.value)


def test_amazon_channels_can_hold_the_sp_api_the_worker_fetches_orders_from(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[channels.az]\nprovider = "amazon"\n'
        '[channels.az.options]\nqueue_url = "https://sqs.us-east-1.amazonaws.com/1/q"\n'
        'api_base_url = "https://sellingpartnerapi-eu.amazon.com"\naccess_token_env = "AZ_TOKEN"\n',
    )
    options = options_of(path, "az")
    assert isinstance(options, AmazonOptions)
    assert options.api_base_url == "https://sellingpartnerapi-eu.amazon.com"
    assert options.token_from({"AZ_TOKEN": "Atza|t0k3n"}) == "Atza|t0k3n"


def test_an_amazon_channel_reads_north_america_s_sp_api_by_default_and_no_token_unless_given(tmp_path: Path) -> None:
    path = write(tmp_path, '[channels.az]\nprovider = "amazon"\noptions = { queue_url = "https://sqs.example/1/q" }\n')
    options = options_of(path, "az")
    assert isinstance(options, AmazonOptions)
    assert options.api_base_url == "https://sellingpartnerapi-na.amazon.com"
    assert options.token_from({}) is None


def test_amazon_channels_can_hold_login_with_amazon_credentials_inline_or_from_the_environment(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        '[channels.az]\nprovider = "amazon"\n'
        '[channels.az.options]\nqueue_url = "https://sqs.us-east-1.amazonaws.com/1/q"\n'
        'lwa_client_id = "amzn1.application-oa2-client.1"\nlwa_client_secret_env = "AZ_LWA_SECRET"\n'
        'refresh_token_env = "AZ_REFRESH_TOKEN"\n',
    )
    options = options_of(path, "az")
    assert isinstance(options, AmazonOptions)

    login = options.lwa_from({"AZ_LWA_SECRET": "s3cr3t", "AZ_REFRESH_TOKEN": "Atzr|r"})

    assert login == LwaLogin(
        "amzn1.application-oa2-client.1", "s3cr3t", "Atzr|r", "https://api.amazon.com/auth/o2/token"
    )
    assert "s3cr3t" not in repr(login) and "Atzr|r" not in repr(login)
    assert options.lwa_from({"AZ_LWA_SECRET": "s3cr3t"}) is None
    assert options.token_from({}) is None


@pytest.mark.parametrize(
    "text",
    [
        '[channels.a]\nprovider = "paypal"\nsecrets = ["s"]\n',
        '[channels."Bad Name"]\nprovider = "shopify"\nsecrets = ["s"]\n',
        '[channels.a]\nprovider = "shopify"\nsecrets = ["s"]\nlanes = { "order.created" = "urgent" }\n',
        '[channels.a]\nprovider = "shopify"\nsecrets = ["s"]\noptions = { notification_url = "https://x" }\n',
        '[channels.a]\nprovider = "square"\nsecrets = ["s"]\n',
        '[channels.a]\nprovider = "square"\nsecrets = ["s"]\noptions = { notification_url = "/webhooks/a" }\n',
        '[channels.a]\nprovider = "hmac"\nsecrets = ["s"]\noptions = { signature_header = "Bad Header" }\n',
        '[channels.a]\nprovider = "bigcommerce"\nsecrets = ["s"]\noptions = { api_token = "t", api_token_env = "T" }\n',
        '[channels.a]\nprovider = "amazon"\n',
        '[channels.a]\nprovider = "amazon"\n'
        'options = { queue_url = "https://q", access_token = "t", access_token_env = "A" }\n',
        '[channels.a]\nprovider = "amazon"\noptions = { queue_url = "https://q", api_base_url = "sellingpartner" }\n',
        '[channels.a]\nprovider = "amazon"\noptions = { queue_url = "https://q", lwa_client_id = "c" }\n',
        '[channels.a]\nprovider = "amazon"\noptions = { queue_url = "https://q", lwa_client_id = "c", '
        'lwa_client_secret = "s", refresh_token = "r", access_token_env = "A" }\n',
        '[channels.a]\nprovider = "amazon"\noptions = { queue_url = "https://q", lwa_client_id = "c", '
        'lwa_client_secret = "s", refresh_token = "r", refresh_token_env = "R" }\n',
        '[channels.a]\nprovider = "amazon"\noptions = { queue_url = "https://q", lwa_token_url = "api.amazon.com" }\n',
        '[channels.a]\nprovider = "woocommerce"\nsecrets = ["s"]\nsecrets_env = "S"\n',
        "not toml at all [",
    ],
)
def test_an_invalid_channels_file_or_options_are_refused_naming_the_setting(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        read_options(write(tmp_path, text))


def test_a_missing_channels_file_is_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WEIR_CHANNELS_FILE"):
        read_channels_file(tmp_path / "nowhere.toml")
