"""A Square seller's Locations and Orders APIs standing in for Square: a real local HTTP server
(uvicorn in a thread) answering as Square documents them.

* ``GET /v2/locations``: ``{"locations": [{"id", "status"}, ...]}``;
* ``POST /v2/orders/search``: ``location_ids`` (1 to 10, else 400), a ``date_time_filter`` on
  ``updated_at`` (``start_at`` inclusive, ``end_at`` exclusive) that must sort by ``UPDATED_AT``
  (400 otherwise), ``limit`` and ``cursor``; ``{"orders": [...], "cursor": ...}``, ``{}`` when
  nothing matches;
* what a channel writer calls: ``POST /v2/catalog/search`` (an ``exact_query`` on ``sku`` over
  the variations :meth:`add_variation` holds), ``POST /v2/inventory/changes/batch-create``
  (``PHYSICAL_COUNT`` changes held per location and variation; an unknown variation is 400
  ``NOT_FOUND``), ``GET`` and ``PUT /v2/orders/<id>`` (the update merged into the order's
  fulfillments by ``uid``, its ``version`` checked, 400 ``VERSION_MISMATCH`` otherwise); an
  ``idempotency_key`` used again answers as the first time, or 400 ``IDEMPOTENCY_KEY_REUSED``
  with another body; ``requests`` records every call;
* 401 for a token other than :data:`SQUARE_TOKEN`; :meth:`throttle_next` scripts Square's 429
  (``RATE_LIMITED``), :meth:`answer_next` a 5xx (many: an outage).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.api_calls import ApiCall, received
from tests.support.servers import ScriptedApi

__all__ = ["SQUARE_TOKEN", "FakeSquare", "square_seller_order"]

#: The access token the fake accepts.
SQUARE_TOKEN = "EAAAweir-test-square-token"


def square_seller_order(order_id: str, location_id: str, updated: datetime, *, state: str = "OPEN") -> dict[str, Any]:
    """An order as SearchOrders gives it: 2 x SKU-0001 at 11.00 and 1 x SKU-0002 at 12.00, in USD."""
    lines = [("SKU-0001", "2", 1100), ("SKU-0002", "1", 1200)]
    return {
        "id": order_id,
        "location_id": location_id,
        "state": state,
        "version": 2,
        "created_at": updated.isoformat(),
        "updated_at": updated.isoformat(),
        "line_items": [
            {
                "uid": f"line-{index}",
                "quantity": quantity,
                "metadata": {"sku": sku},
                "base_price_money": {"amount": amount, "currency": "USD"},
                "gross_sales_money": {"amount": amount * int(quantity), "currency": "USD"},
            }
            for index, (sku, quantity, amount) in enumerate(lines)
        ],
        "total_money": {"amount": 3400, "currency": "USD"},
        "total_tax_money": {"amount": 0, "currency": "USD"},
    }


class FakeSquare(ScriptedApi):
    """Holds locations and orders, and searches them."""

    def __init__(self, locations: list[str]) -> None:
        super().__init__(
            [
                Route("/v2/locations", self._locations),
                Route("/v2/orders/search", self._search, methods=["POST"]),
                Route("/v2/orders/{order_id}", self._order, methods=["GET", "PUT"]),
                Route("/v2/catalog/search", self._catalog, methods=["POST"]),
                Route("/v2/inventory/changes/batch-create", self._changes, methods=["POST"]),
            ]
        )
        self.searches: list[dict[str, Any]] = []
        self.requests: list[ApiCall] = []
        #: (location id, variation id) -> the IN_STOCK count Square holds.
        self.counts: dict[tuple[str, str], str] = {}
        #: Every physical count Square took, in order (not a key's replay): (the variation's SKU, quantity).
        self.stock_set: list[tuple[str, int]] = []
        self._location_ids = list(locations)
        self._held: dict[str, dict[str, Any]] = {}
        self._variations: dict[str, str] = {}
        self._keys: dict[str, tuple[str, JSONResponse]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (see :func:`square_seller_order`), replacing any of the same id."""
        with self._lock:
            self._held[order["id"]] = order

    def add_variation(self, variation_id: str, sku: str) -> None:
        """Hold a catalog item variation with ``sku``."""
        with self._lock:
            self._variations[variation_id] = sku

    def order(self, order_id: str) -> dict[str, Any]:
        """The order as Square holds it now."""
        with self._lock:
            return copy.deepcopy(self._held[order_id])

    def writes(self) -> list[ApiCall]:
        """The requests that changed something (``PUT``, and ``POST`` but searches)."""
        return [call for call in self.requests if call.method == "PUT" or call.path.endswith("batch-create")]

    def throttle_next(self, *, retry_after_seconds: int | None = None) -> None:
        """Answer the next request 429 ``RATE_LIMITED`` (with ``Retry-After`` when given)."""
        body = {"errors": [{"category": "RATE_LIMIT_ERROR", "code": "RATE_LIMITED", "detail": "Rate limited."}]}
        headers = {} if retry_after_seconds is None else {"Retry-After": str(retry_after_seconds)}
        self.answer_next(429, body=body, headers=headers)

    def _error_body(self, status: int) -> Any:
        return {"errors": [{"category": "API_ERROR", "code": "INTERNAL_SERVER_ERROR", "detail": f"HTTP {status}"}]}

    async def _catalog(self, request: Request) -> JSONResponse:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        exact = ((call.body or {}).get("query") or {}).get("exact_query") or {}
        if exact.get("attribute_name") != "sku":
            return _bad("this fake searches an exact_query on sku only")
        with self._lock:
            found = [
                {"type": "ITEM_VARIATION", "id": variation_id, "is_deleted": False, "item_variation_data": {"sku": sku}}
                for variation_id, sku in self._variations.items()
                if sku == exact.get("attribute_value")
            ]
        return JSONResponse({"objects": found} if found else {})

    async def _changes(self, request: Request) -> JSONResponse:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        body = call.body or {}
        with self._lock:
            if (again := self._again(body)) is not None:
                return again
            counts = [change["physical_count"] for change in body.get("changes") or []]
            if unknown := [
                count["catalog_object_id"] for count in counts if count["catalog_object_id"] not in self._variations
            ]:
                return _error(400, "INVALID_REQUEST_ERROR", "NOT_FOUND", f"Object {unknown[0]} not found")
            for count in counts:
                self.counts[(count["location_id"], count["catalog_object_id"])] = count["quantity"]
                self.stock_set.append((self._variations[count["catalog_object_id"]], int(count["quantity"])))
            return self._keep(body, JSONResponse({"counts": [count | {"state": "IN_STOCK"} for count in counts]}))

    async def _order(self, request: Request) -> JSONResponse:
        call, refused = await self._received(request)
        if refused is not None:
            return refused
        with self._lock:
            order = self._held.get(request.path_params["order_id"])
            if order is None:
                return _error(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Order not found")
            if request.method == "GET":
                return JSONResponse({"order": copy.deepcopy(order)})
            body = call.body or {}
            if (again := self._again(body)) is not None:
                return again
            update = body.get("order") or {}
            if update.get("version") != order["version"]:
                return _error(400, "INVALID_REQUEST_ERROR", "VERSION_MISMATCH", "Order version mismatch")
            _merge(order, update)
            return self._keep(body, JSONResponse({"order": copy.deepcopy(order)}))

    def _again(self, body: dict[str, Any]) -> JSONResponse | None:
        """What a request with an idempotency key used before answers (holding ``_lock``)."""
        kept = self._keys.get(str(body.get("idempotency_key")))
        if kept is None:
            return None
        if kept[0] != json.dumps(body, sort_keys=True):
            return _error(400, "INVALID_REQUEST_ERROR", "IDEMPOTENCY_KEY_REUSED", "The key was used with another body")
        return kept[1]

    def _keep(self, body: dict[str, Any], answer: JSONResponse) -> JSONResponse:
        if body.get("idempotency_key"):
            self._keys[str(body["idempotency_key"])] = (json.dumps(body, sort_keys=True), answer)
        return answer

    async def _received(self, request: Request) -> tuple[ApiCall, JSONResponse | None]:
        """Record the request; the answer to give instead of doing it, if any."""
        call = await received(request)
        self.requests.append(call)
        if (scripted := await self._scripted()) is not None:
            return call, scripted
        if request.headers.get("authorization") != f"Bearer {SQUARE_TOKEN}":
            return call, JSONResponse({"errors": [{"category": "AUTHENTICATION_ERROR", "code": "UNAUTHORIZED"}]}, 401)
        return call, None

    async def _locations(self, request: Request) -> JSONResponse:
        if (refused := await self._refused(request)) is not None:
            return refused
        return JSONResponse({"locations": [{"id": name, "status": "ACTIVE"} for name in self._location_ids]})

    async def _search(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.searches.append(body)
        if (refused := await self._refused(request)) is not None:
            return refused
        locations = body.get("location_ids") or []
        query = body.get("query", {})
        updated = query.get("filter", {}).get("date_time_filter", {}).get("updated_at")
        if not 1 <= len(locations) <= 10:
            return _bad("location_ids must name 1 to 10 locations")
        if updated and query.get("sort", {}).get("sort_field") != "UPDATED_AT":
            return _bad("a date_time_filter on updated_at must sort by UPDATED_AT")
        low, high = (datetime.fromisoformat(updated[key]) for key in ("start_at", "end_at"))
        with self._lock:
            held = list(self._held.values())
        found = sorted(
            (
                order
                for order in held
                if order["location_id"] in locations and low <= datetime.fromisoformat(order["updated_at"]) < high
            ),
            key=lambda order: (order["updated_at"], order["id"]),
        )
        offset, limit = int(body.get("cursor") or 0), int(body.get("limit", 500))
        page = found[offset : offset + limit]
        answer: dict[str, Any] = {"orders": page} if page else {}
        if offset + limit < len(found):
            answer["cursor"] = str(offset + limit)
        return JSONResponse(answer)

    async def _refused(self, request: Request) -> JSONResponse | None:
        return (await self._received(request))[1]


def _merge(order: dict[str, Any], update: dict[str, Any]) -> None:
    """Apply a sparse order update: fulfillments merged by ``uid``, the version one higher."""
    by_uid = {fulfillment["uid"]: fulfillment for fulfillment in order.get("fulfillments", [])}
    for change in update.get("fulfillments") or []:
        held = by_uid.get(change.get("uid"))
        if held is None:
            order.setdefault("fulfillments", []).append(change)
            continue
        details = held.get("shipment_details", {}) | change.get("shipment_details", {})
        held.update(change | ({"shipment_details": details} if details else {}))
    order["version"] += 1


def _error(status: int, category: str, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"errors": [{"category": category, "code": code, "detail": detail}]}, status)


def _bad(detail: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "BAD_REQUEST", "detail": detail}]}, 400
    )
