"""A BigCommerce store's v2 Orders API standing in for a store: a real local HTTP server (uvicorn
in a thread) answering as BigCommerce documents it.

* ``GET /v2/orders``: ``min_date_modified`` / ``max_date_modified`` (ISO 8601) bound the orders by
  ``date_modified`` (given back in RFC 2822), ``sort=date_modified:asc``, ``limit`` (at most 250,
  50 by default) and ``page`` (from 1); past the last order, 204 No Content;
* ``GET /v2/orders/<id>``, ``.../products``, ``.../shipping_addresses``: what the worker fetches
  for a thin order payload;
* 401 for a token other than :data:`BIGCOMMERCE_TOKEN`; :meth:`answer_next` scripts a 429
  (``X-Rate-Limit-Time-Reset-Ms``) or a 5xx.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.servers import ScriptedApi

__all__ = ["BIGCOMMERCE_TOKEN", "FakeBigCommerce", "bigcommerce_store_order"]

#: The API token the fake accepts.
BIGCOMMERCE_TOKEN = "weir-test-bigcommerce-token"


def bigcommerce_store_order(order_id: int, modified: datetime, *, status_id: int = 11) -> dict[str, Any]:
    """An order as ``GET v2/orders`` lists it: two lines of demo SKUs (2 x 11.00, 1 x 12.00)."""
    return {
        "id": order_id,
        "customer_id": 0,
        "status_id": status_id,
        "status": "Awaiting Fulfillment" if status_id != 5 else "Cancelled",
        "currency_code": "USD",
        "date_created": format_datetime(modified),
        "date_modified": format_datetime(modified),
        "subtotal_ex_tax": "34.0000",
        "subtotal_inc_tax": "34.0000",
        "total_ex_tax": "34.0000",
        "total_inc_tax": "34.0000",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "city": "Austin", "country_iso2": "US"},
        "products": [
            {"id": order_id * 10, "sku": "SKU-0001", "quantity": 2, "base_price": "11.0000", "name": "One"},
            {"id": order_id * 10 + 1, "sku": "SKU-0002", "quantity": 1, "base_price": "12.0000", "name": "Two"},
        ],
    }


class FakeBigCommerce(ScriptedApi):
    """Holds orders (with their ``products``) and lists and serves them."""

    def __init__(self) -> None:
        super().__init__(
            [
                Route("/v2/orders", self._list),
                Route("/v2/orders/{order_id}", self._order),
                Route("/v2/orders/{order_id}/products", self._products),
                Route("/v2/orders/{order_id}/shipping_addresses", self._addresses),
            ]
        )
        self.list_calls: list[dict[str, str]] = []
        self._held: dict[str, dict[str, Any]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (see :func:`bigcommerce_store_order`), replacing any of the same id."""
        with self._lock:
            self._held[str(order["id"])] = order

    def _error_body(self, status: int) -> Any:
        return [{"status": status, "message": f"HTTP {status} from the fake BigCommerce"}]

    async def _list(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.list_calls.append(params)
        if (refused := await self._refused(request)) is not None:
            return refused
        limit, number = min(int(params.get("limit", "50")), 250), int(params.get("page", "1"))
        low, high = _instant(params.get("min_date_modified")), _instant(params.get("max_date_modified"))
        with self._lock:
            held = [_listed(order) for order in self._held.values()]
        found = sorted(
            (
                order
                for order in held
                if (low is None or _modified(order) >= low) and (high is None or _modified(order) <= high)
            ),
            key=lambda order: (_modified(order), order["id"]),
        )
        page = found[(number - 1) * limit : number * limit]
        return JSONResponse(page) if page else Response(status_code=204)

    async def _order(self, request: Request) -> Response:
        return await self._part(request, _listed)

    async def _products(self, request: Request) -> Response:
        return await self._part(request, lambda order: order["products"])

    async def _addresses(self, request: Request) -> Response:
        return await self._part(request, lambda order: [])

    async def _part(self, request: Request, part: Any) -> Response:
        if (refused := await self._refused(request)) is not None:
            return refused
        with self._lock:
            order = self._held.get(request.path_params["order_id"])
        if order is None:
            return JSONResponse([{"status": 404, "message": "The requested resource was not found."}], 404)
        return JSONResponse(part(order))

    async def _refused(self, request: Request) -> Response | None:
        if (scripted := await self._scripted()) is not None:
            return scripted
        if request.headers.get("x-auth-token") != BIGCOMMERCE_TOKEN:
            return JSONResponse([{"status": 401, "message": "You have not been authorized."}], 401)
        return None


def _listed(order: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in order.items() if name != "products"}


def _modified(order: dict[str, Any]) -> datetime:
    return parsedate_to_datetime(order["date_modified"])


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
