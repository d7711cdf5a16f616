"""SP-API's getOrders and getMarketplaceParticipations beside getOrder and getOrderItems
(:class:`~tests.support.sp_api.FakeSpApi`), on one real local HTTP server, as SP-API documents them.

* ``GET /sellers/v1/marketplaceParticipations``: the marketplaces the fake was given;
* ``GET /orders/v0/orders``: ``MarketplaceIds`` (required, else 400), ``LastUpdatedAfter`` and
  ``LastUpdatedBefore`` (which must be at least two minutes in the past, else 400) over each
  order's ``LastUpdateDate``, ``MaxResultsPerPage`` (at most 100), and ``NextToken`` for the
  following pages (the first request's filters kept);
* 403 for an access token the fake does not accept; :meth:`answer_next` scripts a 429 or a 5xx.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.sp_api import FakeSpApi

__all__ = ["FakeSpApiOrders"]


class FakeSpApiOrders(FakeSpApi):
    """Lists the orders :meth:`add` holds, in ``marketplaces``."""

    def __init__(self, marketplaces: list[str], *, page_size: int = 100) -> None:
        super().__init__(
            page_size=page_size,
            more_routes=[
                Route("/orders/v0/orders", self._get_orders),
                Route("/sellers/v1/marketplaceParticipations", self._participations),
            ],
        )
        self.list_calls: list[dict[str, str]] = []
        self._marketplaces = marketplaces

    async def _participations(self, request: Request) -> JSONResponse:
        if (refused := await self._refused(request)) is not None:
            return refused
        payload = [
            {"marketplace": {"id": name, "countryCode": "US"}, "participation": {"isParticipating": True}}
            for name in self._marketplaces
        ]
        return JSONResponse({"payload": payload})

    async def _get_orders(self, request: Request) -> JSONResponse:
        params = dict(request.query_params)
        self.list_calls.append(params)
        if (refused := await self._refused(request)) is not None:
            return refused
        if not params.get("MarketplaceIds"):
            return _invalid("MarketplaceIds is required")
        filters, offset = _cursor(params["NextToken"]) if "NextToken" in params else (params, 0)
        before = filters.get("LastUpdatedBefore")
        if before and datetime.fromisoformat(before) > datetime.now(UTC) - timedelta(minutes=2):
            return _invalid("LastUpdatedBefore must be no later than two minutes before the request")
        found = self._matching(filters, params["MarketplaceIds"].split(","))
        limit = min(int(filters.get("MaxResultsPerPage", "100")), 100)
        payload: dict[str, Any] = {"Orders": found[offset : offset + limit]}
        if offset + limit < len(found):
            payload["NextToken"] = _token(filters, offset + limit)
        return JSONResponse({"payload": payload})

    def _matching(self, filters: dict[str, str], marketplaces: list[str]) -> list[dict[str, Any]]:
        low = datetime.fromisoformat(filters["LastUpdatedAfter"])
        high = datetime.fromisoformat(filters["LastUpdatedBefore"]) if "LastUpdatedBefore" in filters else None
        with self._lock:
            held = [order for order, _ in self._orders.values()]
        return sorted(
            (
                order
                for order in held
                if order.get("MarketplaceId") in marketplaces
                and low <= datetime.fromisoformat(order["LastUpdateDate"])
                and (high is None or datetime.fromisoformat(order["LastUpdateDate"]) <= high)
            ),
            key=lambda order: (order["LastUpdateDate"], order["AmazonOrderId"]),
        )

    async def _refused(self, request: Request) -> JSONResponse | None:
        return (await self._recorded(request))[1]


def _invalid(message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"code": "InvalidInput", "message": message}]}, 400)


def _token(filters: dict[str, str], offset: int) -> str:
    kept = {
        name: filters[name]
        for name in ("LastUpdatedAfter", "LastUpdatedBefore", "MaxResultsPerPage")
        if name in filters
    }
    return base64.b64encode(json.dumps({"filters": kept, "offset": offset}).encode()).decode()


def _cursor(token: str) -> tuple[dict[str, str], int]:
    decoded = json.loads(base64.b64decode(token))
    return decoded["filters"], int(decoded["offset"])
