"""A Square seller's Locations and Orders APIs standing in for Square: a real local HTTP server
(uvicorn in a thread) answering as Square documents them.

* ``GET /v2/locations``: ``{"locations": [{"id", "status"}, ...]}``;
* ``POST /v2/orders/search``: ``location_ids`` (1 to 10, else 400), a ``date_time_filter`` on
  ``updated_at`` (``start_at`` inclusive, ``end_at`` exclusive) that must sort by ``UPDATED_AT``
  (400 otherwise), ``limit`` and ``cursor``; ``{"orders": [...], "cursor": ...}``, ``{}`` when
  nothing matches;
* 401 for a token other than :data:`SQUARE_TOKEN`; :meth:`answer_next` scripts a 429 or a 5xx.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

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
            [Route("/v2/locations", self._locations), Route("/v2/orders/search", self._search, methods=["POST"])]
        )
        self.searches: list[dict[str, Any]] = []
        self._location_ids = list(locations)
        self._held: dict[str, dict[str, Any]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (see :func:`square_seller_order`), replacing any of the same id."""
        with self._lock:
            self._held[order["id"]] = order

    def _error_body(self, status: int) -> Any:
        return {"errors": [{"category": "API_ERROR", "code": "INTERNAL_SERVER_ERROR", "detail": f"HTTP {status}"}]}

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
        if (scripted := await self._scripted()) is not None:
            return scripted
        if request.headers.get("authorization") != f"Bearer {SQUARE_TOKEN}":
            return JSONResponse({"errors": [{"category": "AUTHENTICATION_ERROR", "code": "UNAUTHORIZED"}]}, 401)
        return None


def _bad(detail: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "BAD_REQUEST", "detail": detail}]}, 400
    )
