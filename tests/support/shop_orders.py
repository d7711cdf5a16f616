"""Shopify's order listing standing in for a shop: a real local HTTP server (uvicorn in a thread)
answering ``GET /admin/api/<version>/orders.json`` as the Admin API (REST) documents it.

* ``updated_at_min`` / ``updated_at_max`` (ISO 8601) bound the orders by ``updated_at``;
  ``status=any`` includes cancelled and closed orders (without it, only open ones);
* ``limit`` (at most 250, 50 by default) orders per page, oldest ``updated_at`` first here;
* cursor pagination: an answer with more to come carries ``Link: <...page_info=..>; rel="next"``,
  and a request naming ``page_info`` may carry only ``limit`` beside it (Shopify answers 400
  otherwise); the cursor keeps the first request's filters;
* 401 for a token other than :data:`~tests.support.shopify.SHOPIFY_TOKEN`; :meth:`answer_next`
  scripts a 429 (``Retry-After``) or a 5xx.

    >>> with FakeShopOrders() as shop:
    ...     shop.put(shopify_order(1001) | {"updated_at": "2026-12-07T06:00:00+00:00"})
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.servers import ScriptedApi
from tests.support.shopify import SHOPIFY_TOKEN

__all__ = ["FakeShopOrders", "ListingCall"]

_FILTERS = {"status", "order", "updated_at_min", "updated_at_max", "created_at_min", "fields"}


@dataclass(frozen=True)
class ListingCall:
    """One request the fake received: its query parameters and the token it carried."""

    params: dict[str, str]
    token: str | None


class FakeShopOrders(ScriptedApi):
    """Holds whole orders (what an ``orders/create`` webhook carries) and lists them."""

    def __init__(self) -> None:
        super().__init__([Route("/admin/api/{version}/orders.json", self._orders)])
        self.calls: list[ListingCall] = []
        self._held: dict[str, dict[str, Any]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (it needs ``id`` and ``updated_at``), replacing any of the same id."""
        with self._lock:
            self._held[str(order["id"])] = order

    def _error_body(self, status: int) -> Any:
        return {"errors": f"HTTP {status} from the fake Shopify"}

    async def _orders(self, request: Request) -> JSONResponse:
        params = dict(request.query_params)
        token = request.headers.get("x-shopify-access-token")
        self.calls.append(ListingCall(params, token))
        if (scripted := await self._scripted()) is not None:
            return scripted
        if token != SHOPIFY_TOKEN:
            return JSONResponse({"errors": "[API] Invalid API key or access token"}, 401)
        limit = min(int(params.get("limit", "50")), 250)
        if "page_info" in params:
            if set(params) & _FILTERS:
                return JSONResponse({"errors": {"page_info": ["cannot be combined with other filters"]}}, 400)
            filters, offset = _cursor(params["page_info"])
        else:
            filters, offset = params, 0
        matching = self._matching(filters)
        page = matching[offset : offset + limit]
        headers = {}
        if offset + limit < len(matching):
            cursor = _page_info(filters, offset + limit)
            headers["Link"] = f'<{request.url.replace(query=f"limit={limit}&page_info={cursor}")}>; rel="next"'
        return JSONResponse({"orders": page}, headers=headers)

    def _matching(self, filters: dict[str, str]) -> list[dict[str, Any]]:
        low, high = _instant(filters.get("updated_at_min")), _instant(filters.get("updated_at_max"))
        with self._lock:
            held = list(self._held.values())
        found = [
            order
            for order in held
            if (filters.get("status") == "any" or order.get("cancelled_at") is None)
            and (low is None or _instant(order["updated_at"]) >= low)  # type: ignore[operator]
            and (high is None or _instant(order["updated_at"]) <= high)  # type: ignore[operator]
        ]
        return sorted(found, key=lambda order: (_instant(order["updated_at"]), str(order["id"])))


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _page_info(filters: dict[str, str], offset: int) -> str:
    kept = {name: value for name, value in filters.items() if name in _FILTERS}
    return base64.urlsafe_b64encode(json.dumps({"filters": kept, "offset": offset}).encode()).decode()


def _cursor(page_info: str) -> tuple[dict[str, str], int]:
    decoded = json.loads(base64.urlsafe_b64decode(page_info))
    return decoded["filters"], int(decoded["offset"])
