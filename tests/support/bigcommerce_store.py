"""A BigCommerce store's v2 Orders API standing in for a store: a real local HTTP server (uvicorn
in a thread) answering as BigCommerce documents it.

* ``GET /v2/orders``: ``min_date_modified`` / ``max_date_modified`` (ISO 8601) bound the orders by
  ``date_modified`` (given back in RFC 2822), ``sort=date_modified:asc``, ``limit`` (at most 250,
  50 by default) and ``page`` (from 1); past the last order, 204 No Content;
* ``GET /v2/orders/<id>``, ``.../products``, ``.../shipping_addresses``: what the worker fetches
  for a thin order payload (an order's ``shipping_addresses``, if it has any, are held with it);
* what a channel writer calls: ``GET /v3/catalog/variants?sku=``, ``PUT
  /v3/inventory/adjustments/absolute`` (levels held per location and variant; an unknown variant
  is 422), ``GET`` and ``POST /v2/orders/<id>/shipments`` (``GET`` answers 204 when there are
  none; ``POST`` checks the address and each ``order_product_id`` and counts ``quantity_shipped``);
  ``requests`` records every call;
* 401 for a token other than :data:`BIGCOMMERCE_TOKEN`; :meth:`throttle_next` scripts a 429 with
  BigCommerce's rate-limit headers, :meth:`answer_next` a 5xx (many: an outage).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.api_calls import ApiCall, received
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
                Route("/v2/orders/{order_id}/shipments", self._shipments, methods=["GET", "POST"]),
                Route("/v3/catalog/variants", self._variants),
                Route("/v3/inventory/adjustments/absolute", self._absolute, methods=["PUT"]),
            ]
        )
        self.list_calls: list[dict[str, str]] = []
        self.requests: list[ApiCall] = []
        #: (location id, variant id) -> the level the store holds.
        self.levels: dict[tuple[int, int], int] = {}
        #: Every absolute level the store took, in order: (the variant's SKU, quantity).
        self.stock_set: list[tuple[str, int]] = []
        self.shipments: dict[str, list[dict[str, Any]]] = {}
        self._held: dict[str, dict[str, Any]] = {}
        self._variants_held: dict[int, dict[str, Any]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (see :func:`bigcommerce_store_order`), replacing any of the same id."""
        with self._lock:
            self._held[str(order["id"])] = order

    def add_variant(self, variant_id: int, product_id: int, sku: str) -> None:
        """Hold a variant of ``product_id`` with ``sku``."""
        with self._lock:
            self._variants_held[variant_id] = {"id": variant_id, "product_id": product_id, "sku": sku}

    def writes(self) -> list[ApiCall]:
        """The requests that changed something (``PUT``, ``POST``)."""
        return [call for call in self.requests if call.method in ("PUT", "POST")]

    def throttle_next(self, reset_ms: int) -> None:
        """Answer the next request 429, the rate window resetting in ``reset_ms``."""
        headers = {
            "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
            "X-Rate-Limit-Time-Window-Ms": "30000",
            "X-Rate-Limit-Requests-Left": "0",
            "X-Rate-Limit-Requests-Quota": "150",
        }
        body = {"status": 429, "title": "Too many requests", "type": "https://developer.bigcommerce.com"}
        self.answer_next(429, body=body, headers=headers)

    def _error_body(self, status: int) -> Any:
        return [{"status": status, "message": f"HTTP {status} from the fake BigCommerce"}]

    async def _variants(self, request: Request) -> Response:
        _, refused = await self._received(request)
        if refused is not None:
            return refused
        sku = request.query_params.get("sku")
        with self._lock:
            found = [dict(variant) for variant in self._variants_held.values() if sku in (None, variant["sku"])]
        return JSONResponse({"data": found, "meta": {"pagination": {"total": len(found)}}})

    async def _absolute(self, request: Request) -> Response:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        items = (call.body or {}).get("items") or []
        with self._lock:
            unknown = [item["variant_id"] for item in items if item.get("variant_id") not in self._variants_held]
            if unknown:
                errors = {f"items.{index}.variant_id": "variant not found" for index, _ in enumerate(unknown)}
                return _v3_error(422, "Invalid variant", errors)
            for item in items:
                self.levels[(int(item["location_id"]), int(item["variant_id"]))] = int(item["quantity"])
                self.stock_set.append((self._variants_held[item["variant_id"]]["sku"], int(item["quantity"])))
        return JSONResponse({"transaction_id": f"tx-{len(self.requests)}"})

    async def _shipments(self, request: Request) -> Response:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        order_id = request.path_params["order_id"]
        with self._lock:
            order = self._held.get(order_id)
            if order is None:
                return JSONResponse([{"status": 404, "message": "The requested resource was not found."}], 404)
            held = self.shipments.setdefault(order_id, [])
            if request.method == "GET":
                return JSONResponse(list(held)) if held else Response(status_code=204)
            return _shipped(order, held, call.body or {})

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
        return await self._part(request, lambda order: order.get("shipping_addresses", []))

    async def _part(self, request: Request, part: Any) -> Response:
        if (refused := await self._refused(request)) is not None:
            return refused
        with self._lock:
            order = self._held.get(request.path_params["order_id"])
        if order is None:
            return JSONResponse([{"status": 404, "message": "The requested resource was not found."}], 404)
        return JSONResponse(part(order))

    async def _refused(self, request: Request) -> Response | None:
        return (await self._received(request))[1]

    async def _received(self, request: Request) -> tuple[ApiCall, Response | None]:
        """Record the request; the answer to give instead of doing it, if any."""
        call = await received(request)
        self.requests.append(call)
        if (scripted := await self._scripted()) is not None:
            return call, scripted
        if request.headers.get("x-auth-token") != BIGCOMMERCE_TOKEN:
            return call, JSONResponse([{"status": 401, "message": "You have not been authorized."}], 401)
        return call, None


def _shipped(order: dict[str, Any], held: list[dict[str, Any]], body: dict[str, Any]) -> Response:
    """Create the shipment ``body`` asks for, as BigCommerce checks it."""
    addresses = {address["id"] for address in order.get("shipping_addresses", [])}
    products = {product["id"]: product for product in order["products"]}
    if body.get("order_address_id") not in addresses:
        return JSONResponse([{"status": 400, "message": "The field 'order_address_id' is invalid."}], 400)
    for item in body.get("items") or []:
        product = products.get(item.get("order_product_id"))
        if product is None or product.get("quantity_shipped", 0) + item["quantity"] > product["quantity"]:
            return JSONResponse([{"status": 400, "message": "The field 'items' is invalid."}], 400)
    for item in body["items"]:
        product = products[item["order_product_id"]]
        product["quantity_shipped"] = product.get("quantity_shipped", 0) + item["quantity"]
    shipment = {"id": len(held) + 1, "order_id": order["id"], **body}
    held.append(shipment)
    return JSONResponse(shipment, 201)


def _v3_error(status: int, title: str, errors: dict[str, str]) -> JSONResponse:
    body = {"status": status, "title": title, "type": "https://developer.bigcommerce.com", "errors": errors}
    return JSONResponse(body, status)


def _listed(order: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in order.items() if name not in ("products", "shipping_addresses")}


def _modified(order: dict[str, Any]) -> datetime:
    return parsedate_to_datetime(order["date_modified"])


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
