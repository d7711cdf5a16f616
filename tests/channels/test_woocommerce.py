"""A WooCommerce channel's REST API options: the key, its secret given once, from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from channels.woocommerce import WooCommerceOptions


def test_the_rest_api_key_is_read_with_its_secret_from_the_variable_it_names() -> None:
    options = WooCommerceOptions(
        api_base_url="https://shop.example", consumer_key="ck_1", consumer_secret_env="WOO_US_SECRET"
    )

    assert options.token_from({"WOO_US_SECRET": "cs_1"}) == "ck_1:cs_1"
    assert options.token_from({}) is None


def test_a_secret_given_both_inline_and_by_variable_is_refused() -> None:
    with pytest.raises(ValidationError, match="consumer_secret"):
        WooCommerceOptions(consumer_secret="cs_1", consumer_secret_env="WOO_US_SECRET")


def test_options_are_optional_for_receiving() -> None:
    assert WooCommerceOptions().token_from({}) is None
