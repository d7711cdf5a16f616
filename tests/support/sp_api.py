"""SP-API's Orders API (v0) standing in for Amazon: a real local HTTP server (uvicorn in a
thread) answering getOrder and getOrderItems as SP-API shapes them, for the orders a test gives it.

    >>> with FakeSpApi() as sp_api:
    ...     sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 2, "22.00")])
    ...     AmazonApi(sp_api.url, FixedToken(SP_API_TOKEN)).fetch(AmazonResource("order", "902-1"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.servers import ScriptedApi

__all__ = ["SP_API_TOKEN", "FakeSpApi", "SpApiCall"]

#: The Login with Amazon access token the fake accepts from the start (see :meth:`FakeSpApi.accept`).
SP_API_TOKEN = "Atza|weir-test-access-token"


@dataclass(frozen=True)
class SpApiCall:
    """One request the fake received: its path, its ``NextToken`` if any, and the token it carried."""

    path: str
    next_token: str | None
    token: str | None


class FakeSpApi(ScriptedApi):
    """Serves each order's items ``page_size`` at a time, pages linked by ``NextToken``.

    :meth:`answer_next` makes the next requests answer something else (a 404, a 503, a 429...),
    :meth:`stall` makes every request wait before answering. ``calls`` records every request.
    Access tokens other than :data:`SP_API_TOKEN` and those :meth:`accept` adds are refused with
    403, as SP-API refuses expired ones.
    """

    def __init__(self, *, page_size: int = 100, more_routes: Sequence[Route] = ()) -> None:
        super().__init__(
            [
                Route("/orders/v0/orders/{order_id}", self._get_order),
                Route("/orders/v0/orders/{order_id}/orderItems", self._get_order_items),
                *more_routes,
            ]
        )
        self.calls: list[SpApiCall] = []
        self._page_size = page_size
        self._orders: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        self._tokens = {SP_API_TOKEN}

    def add(self, order: dict[str, Any], items: list[dict[str, Any]]) -> None:
        """Hold ``order`` (getOrder's payload) and its ``items`` (getOrderItems' OrderItems)."""
        with self._lock:
            self._orders[order["AmazonOrderId"]] = (order, items)

    def accept(self, token: str) -> None:
        """Accept ``token`` from now on (what Login with Amazon issued)."""
        with self._lock:
            self._tokens.add(token)

    def refuse(self, token: str) -> None:
        """Refuse ``token`` from now on, as SP-API refuses a token past its hour."""
        with self._lock:
            self._tokens.discard(token)

    def order_calls(self, order_id: str) -> list[SpApiCall]:
        """The getOrder calls made for ``order_id``."""
        return [call for call in self.calls if call.path == f"/orders/v0/orders/{order_id}"]

    def _error_body(self, status: int) -> Any:
        return {"errors": [{"code": "Error", "message": f"HTTP {status} from the fake SP-API"}]}

    async def _get_order(self, request: Request) -> JSONResponse:
        found, early = await self._received(request)
        if early is not None:
            return early
        return JSONResponse({"payload": found[0]})

    async def _get_order_items(self, request: Request) -> JSONResponse:
        found, early = await self._received(request)
        if early is not None:
            return early
        order, items = found
        start = int(request.query_params.get("NextToken", "page-0").removeprefix("page-"))
        page: dict[str, Any] = {
            "AmazonOrderId": order["AmazonOrderId"],
            "OrderItems": items[start : start + self._page_size],
        }
        if start + self._page_size < len(items):
            page["NextToken"] = f"page-{start + self._page_size}"
        return JSONResponse({"payload": page})

    async def _received(self, request: Request) -> tuple[Any, JSONResponse | None]:
        """Record the call; the order it names, or the answer to give instead of it."""
        token = request.headers.get("x-amz-access-token")
        self.calls.append(SpApiCall(request.url.path, request.query_params.get("NextToken"), token))
        if (scripted := await self._scripted()) is not None:
            return None, scripted
        with self._lock:
            found = self._orders.get(request.path_params["order_id"])
            accepted = token in self._tokens
        if not accepted:
            return None, _error(403, "Unauthorized", "Access to requested resource is denied.")
        if found is None:
            return None, _error(404, "NotFound", "Invalid AmazonOrderId")
        return found, None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"code": code, "message": message}]}, status)
