"""A Shopify shop's orders, listed for reconciliation through the Admin API (REST).

    >>> orders = ShopifyOrders("https://weir-demo.myshopify.com", token, version="2025-01")
    >>> orders.page(since, until, None)
    OrderPage(orders=(ListedOrder(order_id="450789469", ...), ...), next="eyJsYXN0X2lkIjo0...")

The first page is ``GET admin/api/<version>/orders.json?status=any&order=updated_at asc&
updated_at_min=..&updated_at_max=..&limit=250``; Shopify paginates by cursor: the answer's ``Link`` header names the
next page's URL (``rel="next"``), whose ``page_info`` is asked for with ``limit`` alone (Shopify
refuses other filters beside a ``page_info``). Each order is the same object an ``orders/create``
webhook carries, so a missing one is enqueued with the listed body. A 429 carries
``Retry-After`` in seconds (possibly fractional); failures are classified into :mod:`tasks.errors`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from events import topics
from events.errors import EventError
from events.mapping.shopify import shopify_order
from reconcile.listing import Change, ListedOrder, OrderPage, Webhook, money, sale_totals
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client
from tasks.shopify import retry_after_ms

__all__ = ["PAGE_SIZE", "ShopifyOrders"]

#: Orders per page: Shopify's most.
PAGE_SIZE = 250

_TOPICS: dict[Change, tuple[str, str]] = {
    "created": ("orders/create", topics.ORDER_CREATED),
    "updated": ("orders/updated", topics.ORDER_UPDATED),
    "cancelled": ("orders/cancelled", topics.ORDER_CANCELLED),
}


class ShopifyOrders:
    """Lists one shop's orders with its Admin API access token at API ``version``.
    ``timeout_seconds`` bounds each call; ``page_size`` is the orders asked for per page."""

    provider = "shopify"
    lag = timedelta(0)

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str,
        timeout_seconds: float = 10.0,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{PAGE_SIZE}")
        self._page_size = page_size
        headers = {"X-Shopify-Access-Token": token, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._path = f"admin/api/{version}/orders.json"

    def page(self, since: datetime, until: datetime, after: str | None) -> OrderPage:
        """See :meth:`OrderLister.page <reconcile.listing.OrderLister.page>`.

        Raises:
            ChannelApiRejected: the token is refused, or the answer has no orders.
            ChannelApiDeferred: Shopify asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of Shopify's own.
        """
        params: dict[str, str | int] = {"limit": self._page_size}
        if after is None:
            params.update(
                status="any", order="updated_at asc", updated_at_min=since.isoformat(), updated_at_max=until.isoformat()
            )
        else:
            params["page_info"] = after
        response = self._get(params)
        answer = json_or_error(
            response,
            f"Shopify answered HTTP {response.status_code} to GET {self._path}: {response.text[:200]}",
            delay_ms=retry_after_ms,
        )
        found = answer.get("orders") if isinstance(answer, dict) else None
        if not isinstance(found, list):
            raise ChannelApiRejected(f"Shopify answered GET {self._path} without orders")
        orders = tuple(_listed(order) for order in found if isinstance(order, dict))
        return OrderPage(orders, _next_page(response))

    def webhook(self, order: ListedOrder, change: Change) -> Webhook:
        source_topic, topic = _TOPICS[change]
        return Webhook(source_topic, topic, json.dumps(order.source))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _get(self, params: dict[str, str | int]) -> httpx.Response:
        try:
            return self._http.get(self._path, params=params)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"Shopify GET {self._path} failed before an answer: {exc!r}") from exc


def _listed(order: dict[str, Any]) -> ListedOrder:
    order_id, updated = order.get("id"), order.get("updated_at") or order.get("created_at")
    if order_id is None or not isinstance(updated, str):
        raise ChannelApiRejected("Shopify listed an order without its id and updated_at")
    try:
        moment = datetime.fromisoformat(updated)
    except ValueError as exc:
        raise ChannelApiRejected(f"Shopify listed order {order_id} with updated_at {updated!r}") from exc
    return ListedOrder(
        order_id=str(order_id),
        updated_at=moment,
        total=money(order.get("total_price")),
        currency=order.get("currency") if isinstance(order.get("currency"), str) else None,
        cancelled=order.get("cancelled_at") is not None,
        sale_totals=_sale_totals(order),
        source=order,
    )


def _sale_totals(order: dict[str, Any]) -> frozenset[Decimal]:
    """:func:`~reconcile.listing.sale_totals` of the order as Weir maps it (none if it does not map:
    the channel's total alone is compared then)."""
    try:
        # Read again with exact decimals, as the workers read the webhook's body.
        return sale_totals(shopify_order(json.loads(json.dumps(order), parse_float=Decimal)))
    except EventError:
        return frozenset()


def _next_page(response: httpx.Response) -> str | None:
    """The ``page_info`` of the ``Link`` header's ``rel="next"`` URL, or ``None`` on the last page."""
    url = response.links.get("next", {}).get("url")
    if not url:
        return None
    found = parse_qs(urlsplit(url).query).get("page_info")
    return found[0] if found else None
