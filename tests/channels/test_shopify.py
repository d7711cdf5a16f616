"""A Shopify channel's options: the shop's Admin API root, its access token and API version."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from channels import SHOPIFY_API_VERSION, ShopifyOptions


def test_a_shopify_channel_needs_no_options_to_receive() -> None:
    options = ShopifyOptions()

    assert (options.api_base_url, options.token_from({}), options.api_version) == (None, None, SHOPIFY_API_VERSION)


def test_the_access_token_is_read_from_the_variable_the_options_name() -> None:
    options = ShopifyOptions(api_base_url="https://shop.myshopify.com", access_token_env="SHOP_TOKEN")

    assert options.token_from({"SHOP_TOKEN": "shpat_1"}) == "shpat_1"
    assert options.token_from({}) is None


@pytest.mark.parametrize(
    "options",
    [
        {"api_base_url": "shop.myshopify.com"},
        {"api_version": "2025-13"},
        {"api_version": "latest"},
        {"access_token": "shpat_1", "access_token_env": "SHOP_TOKEN"},
        {"notification_url": "https://weir.example/webhooks/shop"},
    ],
    ids=["url-without-scheme", "no-such-month", "not-a-version", "two-tokens", "another-provider-s-option"],
)
def test_options_shopify_would_not_understand_are_refused(options: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        ShopifyOptions.model_validate(options)


def test_an_inline_token_counts_among_the_secrets_production_checks() -> None:
    assert ShopifyOptions(access_token="weir-demo-token").inline_secrets() == ("weir-demo-token",)
