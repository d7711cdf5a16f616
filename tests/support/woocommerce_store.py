"""A WooCommerce store's REST API (``wc/v3``) standing in for a store: a real local HTTP server
(uvicorn in a thread) answering ``GET /wp-json/wc/v3/orders`` as Woo documents it.

* ``modified_after`` / ``modified_before`` over ``date_modified_gmt`` (with ``dates_are_gmt``),
  ``orderby=modified``, ``order=asc``, ``per_page`` (at most 100, 10 by default) and ``page``;
  ``X-WP-Total`` and ``X-WP-TotalPages`` say how many orders and pages there are; a page past
  the last is an empty list;
* the REST API key as HTTP Basic credentials, refused with 401 otherwise; :meth:`answer_next`
  scripts a 429 or a 5xx.
"""

from __future__ import annotations

import base64
import math
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.servers import ScriptedApi

__all__ = ["WOO_KEY", "WOO_SECRET", "FakeWooCommerce"]

WOO_KEY = "ck_weir_test_consumer_key"
WOO_SECRET = "cs_weir_test_consumer_secret"


class FakeWooCommerce(ScriptedApi):
    """Holds whole orders (what an ``order.created`` webhook carries) and lists them."""

    def __init__(self) -> None:
        super().__init__([Route("/wp-json/wc/v3/orders", self._orders)])
        self.calls: list[dict[str, str]] = []
        self._held: dict[str, dict[str, Any]] = {}

    def put(self, order: dict[str, Any]) -> None:
        """Hold ``order`` (it needs ``id`` and ``date_modified_gmt``), replacing any of the same id."""
        with self._lock:
            self._held[str(order["id"])] = order

    def _error_body(self, status: int) -> Any:
        return {"code": "error", "message": f"HTTP {status} from the fake WooCommerce", "data": {"status": status}}

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


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
