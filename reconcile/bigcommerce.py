"""A BigCommerce store's orders, listed for reconciliation through its v2 Orders API.

    >>> orders = BigCommerceOrders("https://api.bigcommerce.com/stores/abc123/", token)
    >>> orders.page(since, until, None)
    OrderPage(orders=(ListedOrder(order_id="101", ...), ...), next="2")

A page is ``GET v2/orders?min_date_modified=..&max_date_modified=..&sort=date_modified:asc&
limit=250&page=N`` with ``X-Auth-Token``; the dates are ISO 8601 and ``date_modified`` comes back
in RFC 2822. BigCommerce answers 204 No Content, not an empty list, past the last order; a page
shorter than the limit is the last. Its webhooks are thin (the scope and the order's id), so a
missing order is enqueued as the same thin payload and the worker fetches the order, as it does
for a live one. A 429 carries ``X-Rate-Limit-Time-Reset-Ms``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from events import topics
from reconcile.listing import Change, ListedOrder, OrderPage, Webhook, money
from tasks.answers import json_or_error
from tasks.bigcommerce import window_reset_ms
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client

__all__ = ["PAGE_SIZE", "BigCommerceOrders"]

#: Orders per page: BigCommerce's most.
PAGE_SIZE = 250

#: BigCommerce's status id of a cancelled order.
_CANCELLED = 5

_SCOPES: dict[Change, tuple[str, str]] = {
    "created": ("store/order/created", topics.ORDER_CREATED),
    "updated": ("store/order/updated", topics.ORDER_UPDATED),
    # The worker fetches the order and finds it cancelled.
    "cancelled": ("store/order/statusUpdated", topics.ORDER_UPDATED),
}

#: The money figures of a listed order that a sale may hold, depending on what the ERP keeps.
_TOTALS = ("total_inc_tax", "total_ex_tax", "subtotal_inc_tax", "subtotal_ex_tax")


class BigCommerceOrders:
    """Lists one store's orders with its API token. ``timeout_seconds`` bounds each call;
    ``page_size`` is the orders asked for per page."""

    provider = "bigcommerce"
    lag = timedelta(0)

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout_seconds: float = 10.0,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{PAGE_SIZE}")
        self._page_size = page_size
        headers = {"X-Auth-Token": token, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)

    def page(self, since: datetime, until: datetime, after: str | None) -> OrderPage:
        """See :meth:`OrderLister.page <reconcile.listing.OrderLister.page>`; ``after`` is the
        page number to ask for.

        Raises:
            ChannelApiRejected: the token is refused, or the answer is not a list of orders.
            ChannelApiDeferred: BigCommerce asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of BigCommerce's own.
        """
        number = int(after or "1")
        params: dict[str, str | int] = {
            "min_date_modified": since.isoformat(),
            "max_date_modified": until.isoformat(),
            "sort": "date_modified:asc",
            "limit": self._page_size,
            "page": number,
        }
        response = self._get(params)
        if response.status_code == 204:
            return OrderPage((), None)
        found = json_or_error(
            response,
            f"BigCommerce answered HTTP {response.status_code} to GET v2/orders: {response.text[:200]}",
            delay_ms=window_reset_ms,
        )
        if not isinstance(found, list):
            raise ChannelApiRejected("BigCommerce answered GET v2/orders without a list of orders")
        orders = tuple(_listed(order) for order in found if isinstance(order, dict))
        return OrderPage(orders, str(number + 1) if len(found) >= self._page_size else None)

    def webhook(self, order: ListedOrder, change: Change) -> Webhook:
        scope, topic = _SCOPES[change]
        data = {"type": "order", "id": int(order.order_id) if order.order_id.isdigit() else order.order_id}
        body = {
            "scope": scope,
            "store_id": str(order.source.get("store_id", "")),
            "data": data,
            "hash": hashlib.sha1(json.dumps(data).encode(), usedforsecurity=False).hexdigest(),
            "created_at": int(order.updated_at.timestamp()),
            "producer": "weir/reconcile",
        }
        return Webhook(scope, topic, json.dumps(body))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _get(self, params: dict[str, str | int]) -> httpx.Response:
        try:
            return self._http.get("v2/orders", params=params)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"BigCommerce GET v2/orders failed before an answer: {exc!r}") from exc


def _listed(order: dict[str, Any]) -> ListedOrder:
    order_id, modified = order.get("id"), order.get("date_modified") or order.get("date_created")
    if order_id is None or not isinstance(modified, str):
        raise ChannelApiRejected("BigCommerce listed an order without its id and date_modified")
    try:
        moment = parsedate_to_datetime(modified)
    except (TypeError, ValueError) as exc:
        raise ChannelApiRejected(f"BigCommerce listed order {order_id} with date_modified {modified!r}") from exc
    totals = frozenset(total for name in _TOTALS if (total := money(order.get(name))) is not None)
    currency = order.get("currency_code")
    return ListedOrder(
        order_id=str(order_id),
        updated_at=moment,
        total=money(order.get("total_inc_tax")),
        currency=currency if isinstance(currency, str) else None,
        cancelled=order.get("status_id") == _CANCELLED,
        sale_totals=totals,
        source=order,
    )
