"""The five channels the outbound leg writes to, each a local fake of its API seen through one
interface, so an end-to-end test asks every channel the same questions: which stock levels it
took, how to make it answer 429 (with its own rate-limit headers) or be down, and which
shipments one of its orders holds, by tracking number.

Each fake sells the SKUs it is given for stock; an order :meth:`ChannelFake.open_order` holds
sells one unit of its SKU, open to be shipped.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Protocol

from samples.payloads import sp_api_order, sp_api_order_item
from tests.support.bigcommerce_store import BIGCOMMERCE_TOKEN, FakeBigCommerce
from tests.support.lwa import LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, FakeLwa
from tests.support.shopify import SHOPIFY_TOKEN
from tests.support.shopify_admin import FakeShopifyAdmin
from tests.support.sp_api import FakeSpApi
from tests.support.square_seller import SQUARE_TOKEN, FakeSquare, square_seller_order
from tests.support.woocommerce_store import WOO_KEY, WOO_SECRET, FakeWooCommerce

__all__ = [
    "AmazonFake",
    "BigCommerceFake",
    "ChannelFake",
    "ShopifyFake",
    "SquareFake",
    "WooCommerceFake",
    "channels_file",
]

#: Ids the fakes give products, variants, orders: unique within one run.
_ids = itertools.count(7001)

#: How the writer's note to the customer names the tracking number.
_TRACKING = re.compile(r"tracking number (\S+?)[.,]")

#: Many answers of 503: a channel down until it recovers.
_OUTAGE = 10_000


class ChannelFake(Protocol):
    """One channel's fake API, as the outbound end-to-end tests use it."""

    name: str
    #: The channel's entry in a channels file (TOML).
    config: str
    #: The environment variables its credentials are read from.
    env: dict[str, str]

    def stock_set(self, sku: str) -> list[int]:
        """Every level of ``sku`` the channel took, in order (refused calls are not)."""
        ...

    def received(self) -> int:
        """How many calls the channel's API has received."""
        ...

    def throttle(self) -> None:
        """Answer the next call 429, with the channel's own rate-limit headers."""
        ...

    def go_down(self) -> None:
        """Answer 503 to every call until :meth:`recover`."""
        ...

    def recover(self) -> None: ...

    def new_order_id(self) -> str:
        """An order id as the channel spells them, not used before."""
        ...

    def open_order(self, order_id: str, sku: str) -> None:
        """Hold an order of one unit of ``sku``, open to be shipped."""
        ...

    def tracking(self, order_id: str) -> list[str | None]:
        """The tracking number of each shipment (fulfillment, note...) the order holds."""
        ...


class ShopifyFake:
    """Shopify's Admin API: levels set, fulfillments with ``tracking_info``; a 429 says
    ``Retry-After`` in fractional seconds."""

    def __init__(self, name: str, shop: FakeShopifyAdmin, skus: tuple[str, ...]) -> None:
        self.name, self.api = name, shop
        for sku in skus:
            shop.add_variant(sku, inventory_item_id=next(_ids))
        self.config = _entry(
            name, "shopify", secrets=True, api_base_url=shop.url, access_token_env=_env_name(name, "TOKEN")
        )
        self.env = {_env_name(name, "TOKEN"): SHOPIFY_TOKEN}

    def stock_set(self, sku: str) -> list[int]:
        return [level.available for level in list(self.api.levels) if level.sku == sku]

    def received(self) -> int:
        return len(self.api.calls)

    def throttle(self) -> None:
        self.api.answer_next(429, headers={"Retry-After": "1.0"})

    def go_down(self) -> None:
        self.api.down = True

    def recover(self) -> None:
        self.api.down = False

    def new_order_id(self) -> str:
        return str(10**11 + next(_ids))

    def open_order(self, order_id: str, sku: str) -> None:
        self.api.add_open_order(order_id, next(_ids))

    def tracking(self, order_id: str) -> list[str | None]:
        return [made["tracking_number"] for made in list(self.api.fulfillments) if made["order_id"] == int(order_id)]


class WooCommerceFake:
    """A WooCommerce store: product stock quantities, an order completed with a customer note;
    a host's 429 says ``Retry-After`` in seconds."""

    def __init__(self, name: str, store: FakeWooCommerce, skus: tuple[str, ...]) -> None:
        self.name, self.api = name, store
        for sku in skus:
            store.add_product(next(_ids), sku)
        secret = _env_name(name, "SECRET")
        self.config = _entry(
            name, "woocommerce", secrets=True, api_base_url=store.url, consumer_key=WOO_KEY, consumer_secret_env=secret
        )
        self.env = {secret: WOO_SECRET}

    def stock_set(self, sku: str) -> list[int]:
        return [quantity for found, quantity in list(self.api.stock_set) if found == sku]

    def received(self) -> int:
        return len(self.api.requests)

    def throttle(self) -> None:
        self.api.throttle_next(1)

    def go_down(self) -> None:
        self.api.answer_next(503, times=_OUTAGE)

    def recover(self) -> None:
        self.api.recover()

    def new_order_id(self) -> str:
        return str(next(_ids))

    def open_order(self, order_id: str, sku: str) -> None:
        modified = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        self.api.put({"id": int(order_id), "status": "processing", "date_modified_gmt": modified})

    def tracking(self, order_id: str) -> list[str | None]:
        """The tracking number each customer note of a completed order names (``None``: none)."""
        if self.api.order(int(order_id))["status"] != "completed":
            return []
        notes = [note["note"] for note in list(self.api.notes.get(order_id, [])) if note["customer_note"]]
        return [found.group(1) if (found := _TRACKING.search(note)) else None for note in notes]


class BigCommerceFake:
    """A BigCommerce store: absolute inventory adjustments, V2 shipments; a 429 says when the rate
    window resets, in ``X-Rate-Limit-Time-Reset-Ms``."""

    def __init__(self, name: str, store: FakeBigCommerce, skus: tuple[str, ...]) -> None:
        self.name, self.api = name, store
        for sku in skus:
            store.add_variant(next(_ids), next(_ids), sku)
        token = _env_name(name, "TOKEN")
        self.config = _entry(name, "bigcommerce", secrets=True, api_base_url=store.url, api_token_env=token)
        self.env = {token: BIGCOMMERCE_TOKEN}

    def stock_set(self, sku: str) -> list[int]:
        return [quantity for found, quantity in list(self.api.stock_set) if found == sku]

    def received(self) -> int:
        return len(self.api.requests)

    def throttle(self) -> None:
        self.api.throttle_next(1000)

    def go_down(self) -> None:
        self.api.answer_next(503, times=_OUTAGE)

    def recover(self) -> None:
        self.api.recover()

    def new_order_id(self) -> str:
        return str(next(_ids))

    def open_order(self, order_id: str, sku: str) -> None:
        self.api.put(
            {
                "id": int(order_id),
                "status_id": 11,
                "status": "Awaiting Fulfillment",
                "date_modified": "Mon, 07 Dec 2026 14:00:00 +0000",
                "products": [{"id": int(order_id) * 10, "sku": sku, "quantity": 1, "name": sku}],
                "shipping_addresses": [{"id": int(order_id) + 1, "city": "Austin", "country_iso2": "US"}],
            }
        )

    def tracking(self, order_id: str) -> list[str | None]:
        return [shipment.get("tracking_number") for shipment in list(self.api.shipments.get(order_id, []))]


class SquareFake:
    """A Square seller of one location: physical counts, an order's SHIPMENT fulfillment
    completed; a 429 ``RATE_LIMITED`` says ``Retry-After``."""

    location = "L-WEIR-1"

    def __init__(self, name: str, seller: FakeSquare, skus: tuple[str, ...]) -> None:
        self.name, self.api = name, seller
        for sku in skus:
            seller.add_variation(f"VAR-{next(_ids)}", sku)
        token = _env_name(name, "TOKEN")
        self.config = _entry(
            name,
            "square",
            secrets=True,
            notification_url=f"https://weir.example/webhooks/{name}",
            api_base_url=seller.url,
            access_token_env=token,
        )
        self.env = {token: SQUARE_TOKEN}

    def stock_set(self, sku: str) -> list[int]:
        return [quantity for found, quantity in list(self.api.stock_set) if found == sku]

    def received(self) -> int:
        return len(self.api.requests)

    def throttle(self) -> None:
        self.api.throttle_next(retry_after_seconds=1)

    def go_down(self) -> None:
        self.api.answer_next(503, times=_OUTAGE)

    def recover(self) -> None:
        self.api.recover()

    def new_order_id(self) -> str:
        return f"WEIRSQ{next(_ids)}"

    def open_order(self, order_id: str, sku: str) -> None:
        order = square_seller_order(order_id, self.location, datetime.now(UTC))
        order["fulfillments"] = [{"uid": "ship-1", "type": "SHIPMENT", "state": "PROPOSED"}]
        self.api.put(order)

    def tracking(self, order_id: str) -> list[str | None]:
        """The tracking number of each completed shipment fulfillment, once per order update."""
        order = self.api.order(order_id)
        completed = [found for found in order["fulfillments"] if found["state"] == "COMPLETED"]
        # The order is held at version 2; each update Square took raised it by one.
        assert order["version"] - 2 == len(completed), (
            f"Square order {order_id} was updated {order['version'] - 2} times"
        )
        return [found.get("shipment_details", {}).get("tracking_number") for found in completed]


class AmazonFake:
    """An Amazon seller: listing quantities patched, shipments confirmed, through SP-API with
    Login with Amazon's tokens; a 429 says the operation's rate in ``x-amzn-RateLimit-Limit``."""

    seller = "A3WEIRSELLER"
    marketplace = "ATVPDKIKX0DER"

    def __init__(self, name: str, sp_api: FakeSpApi, lwa: FakeLwa, skus: tuple[str, ...]) -> None:
        self.name, self.api = name, sp_api
        for sku in skus:
            sp_api.list_sku(self.seller, sku)
        secret, refresh = _env_name(name, "LWA_SECRET"), _env_name(name, "REFRESH_TOKEN")
        self.config = _entry(
            name,
            "amazon",
            secrets=False,
            queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/weir-outbound",
            api_base_url=sp_api.url,
            seller_id=self.seller,
            marketplace_id=self.marketplace,
            lwa_client_id=LWA_CLIENT_ID,
            lwa_client_secret_env=secret,
            refresh_token_env=refresh,
            lwa_token_url=lwa.url,
        )
        self.env = {secret: LWA_CLIENT_SECRET, refresh: LWA_REFRESH_TOKEN}

    def stock_set(self, sku: str) -> list[int]:
        return [quantity for found, quantity in list(self.api.stock_set) if found == sku]

    def received(self) -> int:
        return len(self.api.requests)

    def throttle(self) -> None:
        self.api.throttle_next(rate_per_second=1.0)

    def go_down(self) -> None:
        self.api.answer_next(503, times=_OUTAGE)

    def recover(self) -> None:
        self.api.recover()

    def new_order_id(self) -> str:
        return f"113-{next(_ids):07d}-{next(_ids):07d}"

    def open_order(self, order_id: str, sku: str) -> None:
        self.api.add(sp_api_order(order_id), [sp_api_order_item(sku, 1, "11.00")])

    def tracking(self, order_id: str) -> list[str | None]:
        return [package.get("trackingNumber") for package in list(self.api.packages.get(order_id, []))]


def channels_file(channels: list[ChannelFake]) -> str:
    """A channels file (TOML) naming every channel."""
    return "\n".join(channel.config for channel in channels)


def _entry(name: str, provider: str, *, secrets: bool, **options: str) -> str:
    lines = [f"[channels.{name}]", f'provider = "{provider}"']
    if secrets:
        lines.append(f'secrets = ["weir-test-{name}"]')
    lines.append(f"[channels.{name}.options]")
    lines.extend(f'{option} = "{value}"' for option, value in options.items())
    return "\n".join(lines) + "\n"


def _env_name(channel: str, what: str) -> str:
    return f"{channel.upper().replace('-', '_')}_{what}"
