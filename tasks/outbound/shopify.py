"""A Shopify shop told of the ERP's stock and shipments, over its Admin API.

Stock is ``POST admin/api/<version>/inventory_levels/set.json`` with the SKU's inventory item and
the channel's location (the ``location_id`` option, or the shop's primary location from
``GET shop.json``). The inventory item of a SKU is looked up once with GraphQL's
``productVariants(query: "sku:<sku>")`` and kept for the writer's life; a SKU no variant carries
is :class:`~tasks.errors.ChannelApiNotListed`, and is not looked up again for
:data:`NOT_LISTED_SECONDS`.

A shipment is ``POST admin/api/<version>/fulfillments.json`` over the order's open fulfillment
orders (``GET orders/<id>/fulfillment_orders.json``), with the tracking as ``tracking_info``. An
order with no open fulfillment order, or one already holding a fulfillment with the same tracking
number, is already told: success, no call more.

Shopify's REST limit is a leaky bucket per app and shop (40 calls, leaking 2 a second); beyond it
Shopify answers 429 with ``Retry-After`` in seconds, possibly fractional. GraphQL answers a
throttled query with 200 and a ``THROTTLED`` error instead; both are deferrals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from channels import ShopifyOptions
from events.outbound import ShipmentNotice, StockNotice
from tasks.answers import json_or_error
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client
from tasks.shopify import retry_after_ms

__all__ = ["ShopifyWriter", "writer_for"]

#: What a GraphQL query that Shopify throttled waits, in ms (its answer gives no Retry-After).
THROTTLED_WAIT_MS = 1_000

_VARIANT_QUERY = "query($q: String!) { productVariants(first: 2, query: $q) { nodes { sku inventoryItem { id } } } }"

#: How long a SKU no variant carries is remembered as such, in seconds (a variant given that SKU
#: in Shopify is found after it).
NOT_LISTED_SECONDS = 600.0

#: Fulfillment orders Shopify still expects goods for.
_OPEN = frozenset({"open", "in_progress", "scheduled"})


class ShopifyWriter:
    """Writes one shop's inventory levels and fulfillments with its Admin API access token at
    API ``version``; ``location_id`` is where stock is set (``None``: the primary location).
    ``timeout_seconds`` bounds each call. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str,
        location_id: int | None = None,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-Shopify-Access-Token": token, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._root = f"admin/api/{version}"
        self._location_id = location_id
        self._items: dict[str, int] = {}
        self._not_listed: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_stock(self, notice: StockNotice) -> None:
        """See :meth:`ChannelWriter.set_stock`."""
        body = {
            "location_id": self._location(),
            "inventory_item_id": self._item_of(notice.sku),
            "available": notice.available,
        }
        self._call("POST", "inventory_levels/set.json", json=body)

    def fulfill(self, notice: ShipmentNotice) -> None:
        """See :meth:`ChannelWriter.fulfill`."""
        order = notice.order_id
        if notice.tracking_number and self._holds_tracking(order, notice.tracking_number):
            return
        answer = self._call("GET", f"orders/{order}/fulfillment_orders.json")
        open_orders = [
            {"fulfillment_order_id": held["id"]}
            for held in answer.get("fulfillment_orders", [])
            if isinstance(held, dict) and held.get("status") in _OPEN
        ]
        if not open_orders:
            return  # Shopify expects nothing more of this order: fulfilled already.
        fulfillment: dict[str, Any] = {"line_items_by_fulfillment_order": open_orders, "notify_customer": False}
        tracking = _tracking_info(notice)
        if tracking:
            fulfillment["tracking_info"] = tracking
        self._call("POST", "fulfillments.json", json={"fulfillment": fulfillment})

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _holds_tracking(self, order: str, number: str) -> bool:
        answer = self._call("GET", f"orders/{order}/fulfillments.json")
        held = answer.get("fulfillments", [])
        return any(isinstance(found, dict) and found.get("tracking_number") == number for found in held)

    def _location(self) -> int:
        if self._location_id is None:
            shop = self._call("GET", "shop.json").get("shop")
            location = shop.get("primary_location_id") if isinstance(shop, dict) else None
            if not isinstance(location, int):
                raise ChannelApiRejected("Shopify's shop.json names no primary location: set the location_id option")
            self._location_id = location
        return self._location_id

    def _item_of(self, sku: str) -> int:
        with self._lock:
            known = self._items.get(sku)
            missing_until = self._not_listed.get(sku, 0.0)
        if known is not None:
            return known
        if time.monotonic() < missing_until:
            raise ChannelApiNotListed(f"no Shopify variant has SKU {sku} (looked up in the last minutes)")
        try:
            item = self._look_up(sku)
        except ChannelApiNotListed:
            with self._lock:
                self._not_listed[sku] = time.monotonic() + NOT_LISTED_SECONDS
            raise
        with self._lock:
            self._items[sku] = item
        return item

    def _look_up(self, sku: str) -> int:
        answer = self._call("POST", "graphql.json", json={"query": _VARIANT_QUERY, "variables": {"q": f"sku:{sku}"}})
        errors = answer.get("errors")
        if errors:
            if any(_code(error) == "THROTTLED" for error in errors):
                raise ChannelApiDeferred("Shopify throttled a variant lookup", delay_ms=THROTTLED_WAIT_MS)
            raise ChannelApiRejected(f"Shopify refused the variant lookup of {sku}: {str(errors)[:200]}")
        nodes = ((answer.get("data") or {}).get("productVariants") or {}).get("nodes") or []
        # Shopify's search matches words: keep the variant whose SKU is exactly this one.
        exact = [node for node in nodes if isinstance(node, dict) and node.get("sku") == sku]
        if not exact:
            raise ChannelApiNotListed(f"no Shopify variant has SKU {sku}")
        return _numeric_id(exact[0]["inventoryItem"]["id"])

    def _call(self, method: str, path: str, *, json: Mapping[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self._root}/{path}"
        try:
            response = self._http.request(method, url, json=json)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"Shopify {method} {url} failed before an answer: {exc!r}") from exc
        what = f"Shopify answered HTTP {response.status_code} to {method} {url}: {response.text[:200]}"
        answer = json_or_error(response, what, delay_ms=retry_after_ms)
        if not isinstance(answer, dict):
            raise ChannelApiTransient(f"{what}; that is not a JSON object")
        return answer


def writer_for(
    options: object,
    *,
    environ: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 10.0,
) -> ShopifyWriter | None:
    """The writer of a Shopify channel with an API base URL and a token; ``None`` otherwise."""
    if not isinstance(options, ShopifyOptions) or options.api_base_url is None:
        return None
    token = options.token_from(environ)
    if token is None:
        return None
    return ShopifyWriter(
        options.api_base_url,
        token,
        version=options.api_version,
        location_id=options.location_id,
        timeout_seconds=timeout_seconds,
        transport=transport,
    )


def _tracking_info(notice: ShipmentNotice) -> dict[str, str]:
    fields = {"number": notice.tracking_number, "url": notice.tracking_url, "company": notice.carrier}
    return {name: value for name, value in fields.items() if value}


def _code(error: object) -> object:
    return (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None


def _numeric_id(gid: str) -> int:
    """``gid://shopify/InventoryItem/808950810`` -> 808950810."""
    return int(str(gid).rsplit("/", 1)[-1])
