"""SP-API's Orders API (v0) standing in for Amazon: a real local HTTP server (uvicorn in a
thread) answering getOrder and getOrderItems as SP-API shapes them, for the orders a test gives it.

    >>> with FakeSpApi() as sp_api:
    ...     sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 2, "22.00")])
    ...     AmazonApi(sp_api.url, FixedToken(SP_API_TOKEN)).fetch(AmazonResource("order", "902-1"))

Beside them, what a channel writer calls, each recorded in ``requests``:

* ``GET /listings/2021-08-01/items/<seller>/<sku>``: 404 ``NOT_FOUND`` for a SKU the seller does
  not list (:meth:`FakeSpApi.list_sku` lists one); ``PATCH`` of it answers ``ACCEPTED`` and holds
  the ``fulfillment_availability`` quantity, whether the SKU is listed or not, as SP-API does;
  ``INVALID`` with an issue for a patch it cannot read;
* ``POST /orders/v0/orders/<id>/shipmentConfirmation``: 204, the package's items counted in
  their ``QuantityShipped``; 400 ``InvalidInput`` for an item the order lacks or more than it holds.

:meth:`FakeSpApi.throttle_next` scripts SP-API's 429 (``x-amzn-RateLimit-Limit``, and
``Retry-After`` only when asked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.api_calls import ApiCall, received
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
                Route("/orders/v0/orders/{order_id}/shipmentConfirmation", self._confirm_shipment, methods=["POST"]),
                Route("/listings/2021-08-01/items/{seller_id}/{sku}", self._listing, methods=["GET", "PATCH"]),
                *more_routes,
            ]
        )
        self.calls: list[SpApiCall] = []
        self.requests: list[ApiCall] = []
        #: (seller id, marketplace id, SKU) -> the DEFAULT fulfillment channel's quantity.
        self.quantities: dict[tuple[str, str, str], int] = {}
        #: Every quantity a listing patch set, in order: (SKU, quantity).
        self.stock_set: list[tuple[str, int]] = []
        self.packages: dict[str, list[dict[str, Any]]] = {}
        self._listed: set[tuple[str, str]] = set()
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

    def list_sku(self, seller_id: str, sku: str) -> None:
        """Make ``sku`` one of ``seller_id``'s listings."""
        with self._lock:
            self._listed.add((seller_id, sku))

    def writes(self) -> list[ApiCall]:
        """The requests that changed something (``PATCH``, ``POST``)."""
        return [call for call in self.requests if call.method in ("PATCH", "POST")]

    def throttle_next(self, *, rate_per_second: float | None = None, retry_after_seconds: int | None = None) -> None:
        """Answer the next request 429, saying the operation's rate and ``Retry-After`` when given."""
        headers = {} if rate_per_second is None else {"x-amzn-RateLimit-Limit": str(rate_per_second)}
        if retry_after_seconds is not None:
            headers["Retry-After"] = str(retry_after_seconds)
        body = {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]}
        self.answer_next(429, body=body, headers=headers)

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

    async def _listing(self, request: Request) -> Response:
        call, refused = await self._recorded(request)
        if refused is not None:
            return refused
        seller, sku = request.path_params["seller_id"], request.path_params["sku"]
        marketplace = request.query_params.get("marketplaceIds", "")
        if not marketplace:
            return _error(400, "InvalidInput", "marketplaceIds is required")
        with self._lock:
            if request.method == "GET":
                if (seller, sku) not in self._listed:
                    return _error(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {marketplace}")
                return JSONResponse({"sku": sku, "summaries": [{"marketplaceId": marketplace, "status": ["BUYABLE"]}]})
            quantity = _patched_quantity(call.body or {})
            answer: dict[str, Any] = {"sku": sku, "submissionId": f"sub-{len(self.requests)}"}
            if quantity is None:
                issue = {"code": "4000001", "message": "The provided value is invalid.", "severity": "ERROR"}
                return JSONResponse(answer | {"status": "INVALID", "issues": [issue]})
            self.quantities[(seller, marketplace, sku)] = quantity
            self.stock_set.append((sku, quantity))
        return JSONResponse(answer | {"status": "ACCEPTED", "issues": []})

    async def _confirm_shipment(self, request: Request) -> Response:
        call, refused = await self._recorded(request)
        if refused is not None:
            return refused
        package = (call.body or {}).get("packageDetail") or {}
        with self._lock:
            found = self._orders.get(request.path_params["order_id"])
            if found is None:
                return _error(404, "NotFound", "Invalid AmazonOrderId")
            items = {item["OrderItemId"]: item for item in found[1]}
            for shipped in package.get("orderItems") or []:
                item = items.get(shipped.get("orderItemId"))
                if item is None or item["QuantityShipped"] + shipped["quantity"] > item["QuantityOrdered"]:
                    return _error(400, "InvalidInput", f"Invalid orderItemId or quantity: {shipped}")
            for shipped in package["orderItems"]:
                items[shipped["orderItemId"]]["QuantityShipped"] += shipped["quantity"]
            self.packages.setdefault(request.path_params["order_id"], []).append(package)
        return Response(status_code=204)

    async def _recorded(self, request: Request) -> tuple[ApiCall, JSONResponse | None]:
        """Record the call; the answer to give instead of doing it, if any."""
        call = await received(request)
        self.requests.append(call)
        token = request.headers.get("x-amz-access-token")
        self.calls.append(SpApiCall(request.url.path, request.query_params.get("NextToken"), token))
        if (scripted := await self._scripted()) is not None:
            return call, scripted
        with self._lock:
            accepted = token in self._tokens
        if not accepted:
            return call, _error(403, "Unauthorized", "Access to requested resource is denied.")
        return call, None

    async def _received(self, request: Request) -> tuple[Any, JSONResponse | None]:
        """Record the call; the order it names, or the answer to give instead of it."""
        _, refused = await self._recorded(request)
        if refused is not None:
            return None, refused
        with self._lock:
            found = self._orders.get(request.path_params["order_id"])
        if found is None:
            return None, _error(404, "NotFound", "Invalid AmazonOrderId")
        return found, None


def _patched_quantity(body: dict[str, Any]) -> int | None:
    """The DEFAULT channel's quantity a listing patch sets, or ``None`` if it sets none readably."""
    for patch in body.get("patches") or []:
        if patch.get("path") == "/attributes/fulfillment_availability" and patch.get("op") in ("merge", "replace"):
            for value in patch.get("value") or []:
                if value.get("fulfillment_channel_code") == "DEFAULT" and isinstance(value.get("quantity"), int):
                    return int(value["quantity"])
    return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"code": code, "message": message}]}, status)
