"""Shopify's Admin API (REST) standing in for a shop: a real local HTTP server (uvicorn in a
thread) answering inventory items and orders as Shopify shapes them, for those a test gives it.

    >>> with FakeShopify() as shop:
    ...     shop.add_item(808950810, "SKU-0001")
    ...     ShopifyApi(shop.url, SHOPIFY_TOKEN, version="2025-01").fetch(ShopifyResource("inventory_item", "808950810"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.servers import ScriptedApi

__all__ = ["SHOPIFY_TOKEN", "FakeShopify", "ShopifyCall"]

#: The Admin API access token the fake accepts.
SHOPIFY_TOKEN = "shpat_weir-test-access-token"


@dataclass(frozen=True)
class ShopifyCall:
    """One request the fake received: its path, its query and the token it carried."""

    path: str
    query: str
    token: str | None


class FakeShopify(ScriptedApi):
    """Answers ``GET /admin/api/<version>/inventory_items/<id>.json`` and ``.../orders/<id>.json``.

    :meth:`answer_next` makes the next requests answer something else (a 404, a 503, a 429...);
    ``calls`` records every request. A token other than :data:`SHOPIFY_TOKEN` is refused with 401,
    an unknown id with 404, as Shopify does.
    """

    def __init__(self, routes: Sequence[Route] = ()) -> None:
        super().__init__(
            [
                Route("/admin/api/{version}/inventory_items/{item_id}.json", self._inventory_item),
                Route("/admin/api/{version}/orders/{order_id}.json", self._order),
                *routes,
            ]
        )
        self.calls: list[ShopifyCall] = []
        self._items: dict[str, dict[str, Any]] = {}
        self._orders: dict[str, dict[str, Any]] = {}

    def add_item(self, item_id: int, sku: str | None) -> None:
        """Hold inventory item ``item_id`` of ``sku`` (``None``: a variant without one)."""
        item = {"id": item_id, "sku": sku, "tracked": True, "cost": "25.00", "requires_shipping": True}
        with self._lock:
            self._items[str(item_id)] = item

    def add_order(self, order_id: int, lines: list[tuple[int, str | None]]) -> None:
        """Hold order ``order_id`` with line items of (id, SKU)."""
        items = [{"id": line_id, "sku": sku, "quantity": 1, "price": "11.00"} for line_id, sku in lines]
        with self._lock:
            self._orders[str(order_id)] = {"id": order_id, "name": "#1001", "line_items": items}

    def calls_to(self, suffix: str) -> list[ShopifyCall]:
        """The calls whose path ends with ``suffix`` (``inventory_items/7.json``)."""
        return [call for call in self.calls if call.path.endswith(suffix)]

    def _error_body(self, status: int) -> Any:
        return {"errors": f"HTTP {status} from the fake Shopify"}

    async def _inventory_item(self, request: Request) -> JSONResponse:
        return await self._answer(request, self._items, "item_id", "inventory_item")

    async def _order(self, request: Request) -> JSONResponse:
        return await self._answer(request, self._orders, "order_id", "order")

    async def _answer(self, request: Request, held: dict[str, dict[str, Any]], param: str, key: str) -> JSONResponse:
        token = request.headers.get("x-shopify-access-token")
        self.calls.append(ShopifyCall(request.url.path, request.url.query, token))
        if (scripted := await self._scripted()) is not None:
            return scripted
        if token != SHOPIFY_TOKEN:
            return JSONResponse({"errors": "[API] Invalid API key or access token"}, 401)
        with self._lock:
            found = held.get(request.path_params[param])
        if found is None:
            return JSONResponse({"errors": "Not Found"}, 404)
        return JSONResponse({key: found})
