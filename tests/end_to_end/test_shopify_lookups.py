"""A signed Shopify inventory level, which names an inventory item and no SKU, sets the stock of
the item's SKU in the real Tryton, through the real fleet: ``python -m receivers`` takes the
webhook, ``python -m workers bulk`` looks the item up in a real local server standing in for the
shop's Admin API, and writes the figure. RabbitMQ and Redis are the real ones."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from erp.tryton import TrytonErp
from samples.payloads import encode, shopify_headers, shopify_inventory_level
from tests.end_to_end.conftest import Fleet
from tests.support.net import eventually
from tests.support.shopify import SHOPIFY_TOKEN, FakeShopify

CHANNEL = "shop-e2e"
SECRET = "weir-test-shopify-secret-shop-e2e"

#: A demo SKU no other test counts stock of.
SKU = "SKU-0018"


def shopify_channel(fleet: Fleet, tmp_path: Path, shopify: FakeShopify) -> None:
    """Give the fleet a Shopify channel whose Admin API is the fake, its token in SHOP_E2E_TOKEN."""
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["{SECRET}"]\n[channels.{CHANNEL}.options]\n'
        f'api_base_url = "{shopify.url}"\naccess_token_env = "SHOP_E2E_TOKEN"\n'
    )
    fleet.env.update({"WEIR_CHANNELS_FILE": str(channels), "SHOP_E2E_TOKEN": SHOPIFY_TOKEN})


def test_a_signed_shopify_inventory_level_sets_the_stock_of_its_item_s_sku(
    fleet: Fleet, tryton_erp: TrytonErp, shopify: FakeShopify, tmp_path: Path
) -> None:
    # Given a shop whose inventory item carries a SKU the ERP knows
    shopify_channel(fleet, tmp_path, shopify)
    item = random.randrange(2**40, 2**50)
    shopify.add_item(item, SKU)
    figure = random.randrange(100, 900)
    fleet.receiver()
    fleet.worker("bulk")

    # When Shopify posts the item's level
    body = encode(shopify_inventory_level(item, figure))
    response = fleet.post(CHANNEL, body, shopify_headers(body, SECRET, topic="inventory_levels/update"))

    # Then the ERP counts the SKU at that figure, the item looked up with the shop's token
    assert (response.status_code, response.json()["lane"]) == (202, "bulk")
    eventually(
        lambda: tryton_erp.stock_of([SKU]) == {SKU: Decimal(figure)}, timeout=60, what=f"{SKU}'s stock to be {figure}"
    )
    [call] = shopify.calls_to(f"inventory_items/{item}.json")
    assert call.token == SHOPIFY_TOKEN
