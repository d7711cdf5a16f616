"""A WooCommerce store's REST API (``wc/v3``) standing in for a store: a real local HTTP server
(uvicorn in a thread) answering ``GET /wp-json/wc/v3/orders`` as Woo documents it.

* ``modified_after`` / ``modified_before`` over ``date_modified_gmt`` (with ``dates_are_gmt``),
  ``orderby=modified``, ``order=asc``, ``per_page`` (at most 100, 10 by default) and ``page``;
  ``X-WP-Total`` and ``X-WP-TotalPages`` say how many orders and pages there are; a page past
  the last is an empty list;
* what a channel writer calls: ``GET products?sku=`` (products and variations, as Woo finds
  both), ``PUT products/<id>`` and ``PUT products/<parent>/variations/<id>`` (``manage_stock``,
  ``stock_quantity``), ``GET`` and ``POST orders/<id>/notes``, ``PUT orders/<id>`` (``status``),
  each recorded in ``requests``; an unknown id is 404 ``woocommerce_rest_*_invalid_id``;
* the REST API key as HTTP Basic credentials, refused with 401 otherwise; :meth:`answer_next`
  scripts a 5xx (many: an outage), :meth:`throttle_next` a host's 429 with ``Retry-After``.
"""

from __future__ import annotations

import base64
import math
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.api_calls import ApiCall, received
from tests.support.servers import ScriptedApi

__all__ = ["WOO_KEY", "WOO_SECRET", "FakeWooCommerce"]

WOO_KEY = "ck_weir_test_consumer_key"
WOO_SECRET = "cs_weir_test_consumer_secret"


class FakeWooCommerce(ScriptedApi):
    """Holds whole orders (what an ``order.created`` webhook carries) and lists them."""

    def __init__(self) -> None:
        api = "/wp-json/wc/v3"
        super().__init__(
            [
                Route(f"{api}/orders", self._orders),
                Route(f"{api}/orders/{{order_id}}", self._order, methods=["PUT"]),
                Route(f"{api}/orders/{{order_id}}/notes", self._notes, methods=["GET", "POST"]),
                Route(f"{api}/products", self._products),
                Route(f"{api}/products/{{product_id}}", self._stock, methods=["PUT"]),
                Route(f"{api}/products/{{parent_id}}/variations/{{product_id}}", self._stock, methods=["PUT"]),
            ]
        )
        self.calls: list[dict[str, str]] = []
        self.requests: list[ApiCall] = []
        self.notes: dict[str, list[dict[str, Any]]] = {}
        #: Every stock quantity the store took, in order: (SKU, ``stock_quantity``).
        self.stock_set: list[tuple[str, int]] = []
        self._held: dict[str, dict[str, Any]] = {}
        self._products_held: dict[str, dict[str, Any]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (it needs ``id`` and ``date_modified_gmt``), replacing any of the same id."""
        with self._lock:
            self._held[str(order["id"])] = order

    def add_product(self, product_id: int, sku: str, *, parent_id: int = 0) -> None:
        """Hold a product with ``sku`` (a variation of ``parent_id`` when given), stock unmanaged."""
        kind = "variation" if parent_id else "simple"
        product = {"id": product_id, "sku": sku, "type": kind, "parent_id": parent_id, "manage_stock": False}
        with self._lock:
            self._products_held[str(product_id)] = product | {"stock_quantity": None}

    def remove_product(self, product_id: int) -> None:
        """Delete the product or variation, as a merchant does."""
        with self._lock:
            del self._products_held[str(product_id)]

    def product(self, product_id: int) -> dict[str, Any]:
        """The product or variation as the store holds it now."""
        with self._lock:
            return dict(self._products_held[str(product_id)])

    def order(self, order_id: int) -> dict[str, Any]:
        """The order as the store holds it now."""
        with self._lock:
            return dict(self._held[str(order_id)])

    def writes(self) -> list[ApiCall]:
        """The requests that changed something (``PUT``, ``POST``)."""
        return [call for call in self.requests if call.method in ("PUT", "POST")]

    def throttle_next(self, retry_after_seconds: int) -> None:
        """Answer the next request 429 with ``Retry-After``, as a host in front of Woo does."""
        body = {"code": "rest_too_many_requests", "message": "Too many requests.", "data": {"status": 429}}
        self.answer_next(429, body=body, headers={"Retry-After": str(retry_after_seconds)})

    def _error_body(self, status: int) -> Any:
        return {"code": "error", "message": f"HTTP {status} from the fake WooCommerce", "data": {"status": status}}

    async def _products(self, request: Request) -> Response:
        _, refused = await self._received(request)
        if refused is not None:
            return refused
        sku = request.query_params.get("sku")
        with self._lock:
            found = [dict(product) for product in self._products_held.values() if sku in (None, product["sku"])]
        return JSONResponse(found)

    async def _stock(self, request: Request) -> Response:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        body = call.body or {}
        with self._lock:
            product = self._products_held.get(request.path_params["product_id"])
            parent = int(request.path_params.get("parent_id", "0"))
            if product is None or product["parent_id"] != parent:
                return _invalid_id("product")
            product.update({name: body[name] for name in ("manage_stock", "stock_quantity") if name in body})
            if "stock_quantity" in body:
                self.stock_set.append((product["sku"], int(body["stock_quantity"])))
            return JSONResponse(dict(product))

    async def _order(self, request: Request) -> Response:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        body = call.body or {}
        with self._lock:
            order = self._held.get(request.path_params["order_id"])
            if order is None:
                return _invalid_id("order")
            order.update({name: body[name] for name in ("status",) if name in body})
            return JSONResponse(dict(order))

    async def _notes(self, request: Request) -> Response:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        order_id = request.path_params["order_id"]
        with self._lock:
            if order_id not in self._held:
                return _invalid_id("order")
            notes = self.notes.setdefault(order_id, [])
            if request.method == "GET":
                return JSONResponse(list(notes))
            body = call.body or {}
            note = {
                "id": len(notes) + 1,
                "note": body.get("note", ""),
                "customer_note": bool(body.get("customer_note")),
            }
            notes.append(note)
            return JSONResponse(note, 201)

    async def _received(self, request: Request) -> tuple[ApiCall, Response | None]:
        """Record the request; the answer to give instead of doing it, if any."""
        call = await received(request)
        self.requests.append(call)
        if (scripted := await self._scripted()) is not None:
            return call, scripted
        expected = base64.b64encode(f"{WOO_KEY}:{WOO_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            body = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources."}
            return call, JSONResponse(body | {"data": {"status": 401}}, 401)
        return call, None

    async def _orders(self, request: Request) -> JSONResponse:
        params = dict(request.query_params)
        self.calls.append(params)
        if (scripted := await self._scripted()) is not None:
            return scripted
        expected = base64.b64encode(f"{WOO_KEY}:{WOO_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            body = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources."}
            return JSONResponse(body | {"data": {"status": 401}}, 401)
        low, high = (_instant(params.get(name)) for name in ("modified_after", "modified_before"))
        with self._lock:
            held = list(self._held.values())
        found = sorted(
            (
                order
                for order in held
                if (low is None or _instant(order["date_modified_gmt"]) > low)  # type: ignore[operator]
                and (high is None or _instant(order["date_modified_gmt"]) < high)  # type: ignore[operator]
            ),
            key=lambda order: (order["date_modified_gmt"], order["id"]),
        )
        per_page, number = min(int(params.get("per_page", "10")), 100), int(params.get("page", "1"))
        headers = {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(math.ceil(len(found) / per_page))}
        return JSONResponse(found[(number - 1) * per_page : number * per_page], headers=headers)


def _invalid_id(kind: str) -> JSONResponse:
    body = {"code": f"woocommerce_rest_{kind}_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
    return JSONResponse(body, 404)


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
