"""Shopify's Admin API as the outbound leg writes to it: the fake shop of
:mod:`tests.support.shopify`, with variants found by SKU, inventory levels set, fulfillment orders
fulfilled, Shopify's leaky bucket and an outage switch.

* ``POST graphql.json``: ``productVariants(query: "sku:<sku>")`` answers the variants of that SKU
  (the only query the fake understands);
* ``GET shop.json``: the shop, whose ``primary_location_id`` is :data:`PRIMARY_LOCATION`;
* ``POST inventory_levels/set.json``: sets ``available`` of an inventory item at a location (422
  for an unknown item or location, as Shopify answers);
* ``GET orders/<id>/fulfillment_orders.json``, ``GET orders/<id>/fulfillments.json`` and
  ``POST fulfillments.json`` (``line_items_by_fulfillment_order``, ``tracking_info``): fulfilling
  a fulfillment order closes it, and a closed one refuses a second fulfillment (422);
* every call fills a bucket of ``bucket_size`` that leaks ``leak_per_second``; a call that finds
  it full is answered 429 with ``Retry-After`` (fractional seconds) and does nothing; ``down``
  answers 503 to everything.

    >>> with FakeShopifyAdmin() as shop:
    ...     shop.add_variant("SKU-0001", inventory_item_id=808950810)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.shopify import SHOPIFY_TOKEN, FakeShopify, ShopifyCall

__all__ = ["PRIMARY_LOCATION", "FakeShopifyAdmin", "LevelSet"]

#: The shop's primary location.
PRIMARY_LOCATION = 905684977


@dataclass(frozen=True)
class LevelSet:
    """One inventory level the shop was told: the item's SKU, where, how many."""

    sku: str
    location_id: int
    available: int


class FakeShopifyAdmin(FakeShopify):
    """A shop holding variants, inventory levels and orders' fulfillment orders."""

    def __init__(self, *, bucket_size: int = 40, leak_per_second: float = 2.0) -> None:
        root = "/admin/api/{version}"
        super().__init__(
            [
                Route(f"{root}/graphql.json", self._graphql, methods=["POST"]),
                Route(f"{root}/shop.json", self._shop),
                Route(f"{root}/inventory_levels/set.json", self._set_level, methods=["POST"]),
                Route(f"{root}/orders/{{order_id}}/fulfillment_orders.json", self._fulfillment_orders),
                Route(f"{root}/orders/{{order_id}}/fulfillments.json", self._fulfillments_of),
                Route(f"{root}/fulfillments.json", self._fulfill, methods=["POST"]),
            ]
        )
        self.down = False
        self.throttled = 0
        self.levels: list[LevelSet] = []
        self.fulfillments: list[dict[str, Any]] = []
        self._bucket_size = bucket_size
        self._leak_per_second = leak_per_second
        self._bucket = (0.0, time.monotonic())
        self._variants: dict[str, int] = {}
        self._open_orders: dict[str, dict[str, Any]] = {}

    def add_variant(self, sku: str, *, inventory_item_id: int) -> None:
        """Sell ``sku`` as a variant whose inventory item is ``inventory_item_id``."""
        with self._lock:
            self._variants[sku] = inventory_item_id

    def add_open_order(self, order_id: str, fulfillment_order_id: int) -> None:
        """Hold order ``order_id`` with one open fulfillment order."""
        with self._lock:
            self._open_orders[str(fulfillment_order_id)] = {
                "id": fulfillment_order_id,
                "order_id": int(order_id),
                "status": "open",
            }

    def available(self, sku: str) -> int | None:
        """What the shop holds as ``sku``'s available quantity now (the last level set)."""
        found = [level.available for level in self.levels if level.sku == sku]
        return found[-1] if found else None

    def _error_body(self, status: int) -> Any:
        return {"errors": f"HTTP {status} from the fake Shopify"}

    async def _graphql(self, request: Request) -> JSONResponse:
        refused = await self._admitted(request)
        if refused is not None:
            return refused
        query = (await request.json()).get("variables", {}).get("q", "")
        sku = query.removeprefix("sku:")
        with self._lock:
            item = self._variants.get(sku)
        nodes = [] if item is None else [{"sku": sku, "inventoryItem": {"id": f"gid://shopify/InventoryItem/{item}"}}]
        return JSONResponse({"data": {"productVariants": {"nodes": nodes}}})

    async def _shop(self, request: Request) -> JSONResponse:
        refused = await self._admitted(request)
        return refused or JSONResponse({"shop": {"id": 548380009, "primary_location_id": PRIMARY_LOCATION}})

    async def _set_level(self, request: Request) -> JSONResponse:
        refused = await self._admitted(request)
        if refused is not None:
            return refused
        body = await request.json()
        with self._lock:
            skus = {item: sku for sku, item in self._variants.items()}
            sku = skus.get(body.get("inventory_item_id"))
            if sku is None or body.get("location_id") != PRIMARY_LOCATION:
                return JSONResponse({"errors": ["Inventory item does not have inventory tracking enabled"]}, 422)
            self.levels.append(LevelSet(sku, body["location_id"], int(body["available"])))
        level = {"inventory_item_id": body["inventory_item_id"], "location_id": PRIMARY_LOCATION}
        return JSONResponse({"inventory_level": level | {"available": body["available"]}})

    async def _fulfillment_orders(self, request: Request) -> JSONResponse:
        refused = await self._admitted(request)
        if refused is not None:
            return refused
        order = int(request.path_params["order_id"])
        with self._lock:
            held = [dict(found) for found in self._open_orders.values() if found["order_id"] == order]
        return JSONResponse({"fulfillment_orders": held})

    async def _fulfillments_of(self, request: Request) -> JSONResponse:
        refused = await self._admitted(request)
        if refused is not None:
            return refused
        order = int(request.path_params["order_id"])
        with self._lock:
            held = [found for found in self.fulfillments if found["order_id"] == order]
        return JSONResponse({"fulfillments": held})

    async def _fulfill(self, request: Request) -> JSONResponse:
        refused = await self._admitted(request)
        if refused is not None:
            return refused
        body = (await request.json())["fulfillment"]
        with self._lock:
            chosen = [
                self._open_orders.get(str(line["fulfillment_order_id"]))
                for line in body["line_items_by_fulfillment_order"]
            ]
            if not chosen or any(found is None or found["status"] != "open" for found in chosen):
                return JSONResponse({"errors": ["Fulfillment order is not in a fulfillable state"]}, 422)
            for found in chosen:
                found["status"] = "closed"  # type: ignore[index]
            tracking = body.get("tracking_info") or {}
            made = {
                "id": 1000 + len(self.fulfillments),
                "order_id": chosen[0]["order_id"],  # type: ignore[index]
                "status": "success",
                "tracking_number": tracking.get("number"),
                "tracking_url": tracking.get("url"),
                "tracking_company": tracking.get("company"),
            }
            self.fulfillments.append(made)
        return JSONResponse({"fulfillment": made}, 201)

    async def _admitted(self, request: Request) -> JSONResponse | None:
        """The answer that stops this call (scripted, down, token refused, bucket full), if any."""
        token = request.headers.get("x-shopify-access-token")
        self.calls.append(ShopifyCall(request.url.path, request.url.query, token))
        if (scripted := await self._scripted()) is not None:
            return scripted
        if self.down:
            return JSONResponse(self._error_body(503), 503)
        if token != SHOPIFY_TOKEN:
            return JSONResponse({"errors": "[API] Invalid API key or access token"}, 401)
        return self._leak()

    def _leak(self) -> JSONResponse | None:
        with self._lock:
            level, since = self._bucket
            now = time.monotonic()
            level = max(0.0, level - (now - since) * self._leak_per_second)
            if level + 1 > self._bucket_size:
                self._bucket = (level, now)
                self.throttled += 1
                wait = (level + 1 - self._bucket_size) / self._leak_per_second
                headers = {"Retry-After": f"{wait:.1f}"}
                return JSONResponse({"errors": "Exceeded 2 calls per second for api client."}, 429, headers=headers)
            self._bucket = (level + 1, now)
        return None
