"""A WooCommerce store's orders, listed for reconciliation through its REST API (``wc/v3``).

    >>> orders = WooCommerceOrders("https://shop.example", "ck_...", "cs_...")
    >>> orders.page(since, until, None)
    OrderPage(orders=(ListedOrder(order_id="727", ...), ...), next="2")

A page is ``GET wp-json/wc/v3/orders?modified_after=..&modified_before=..&dates_are_gmt=true&
orderby=modified&order=asc&per_page=100&page=N`` with the REST API key as HTTP Basic
credentials (over HTTPS, as Woo requires); the answer's ``X-WP-TotalPages`` says how many pages
there are. Each order is the same object an ``order.created`` webhook carries, so a missing one is
enqueued with the listed body. Woo itself sets no rate limit, but hosts in front of it answer
429 with ``Retry-After``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from events import topics
from events.errors import EventError
from events.mapping.delivered import Delivered
from events.mapping.woocommerce import woocommerce_events
from reconcile.listing import Change, ListedOrder, OrderPage, Webhook, money, order_of, sale_totals
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client

__all__ = ["PAGE_SIZE", "WooCommerceOrders"]

#: Orders per page: Woo's most.
PAGE_SIZE = 100

_PATH = "wp-json/wc/v3/orders"

_TOPICS: dict[Change, tuple[str, str]] = {
    "created": ("order.created", topics.ORDER_CREATED),
    "updated": ("order.updated", topics.ORDER_UPDATED),
    # The order's status says cancelled; the mapping makes it a cancellation.
    "cancelled": ("order.updated", topics.ORDER_UPDATED),
}


class WooCommerceOrders:
    """Lists one store's orders with its REST API key. ``timeout_seconds`` bounds each call;
    ``page_size`` is the orders asked for per page."""

    provider = "woocommerce"
    lag = timedelta(0)

    def __init__(
        self,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        timeout_seconds: float = 10.0,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{PAGE_SIZE}")
        self._page_size = page_size
        self._http = api_client(
            base_url, {"Accept": "application/json"}, timeout_seconds=timeout_seconds, transport=transport
        )
        self._auth = httpx.BasicAuth(consumer_key, consumer_secret)

    def page(self, since: datetime, until: datetime, after: str | None) -> OrderPage:
        """See :meth:`OrderLister.page <reconcile.listing.OrderLister.page>`; ``after`` is the
        page number to ask for.

        Raises:
            ChannelApiRejected: the key is refused, or the answer is not a list of orders.
            ChannelApiDeferred: the store asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of the store's own.
        """
        number = int(after or "1")
        params: dict[str, str | int] = {
            "modified_after": _gmt(since),
            "modified_before": _gmt(until),
            "dates_are_gmt": "true",
            "orderby": "modified",
            "order": "asc",
            "per_page": self._page_size,
            "page": number,
        }
        try:
            response = self._http.get(_PATH, params=params, auth=self._auth)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"WooCommerce GET {_PATH} failed before an answer: {exc!r}") from exc
        found = json_or_error(
            response, f"WooCommerce answered HTTP {response.status_code} to GET {_PATH}: {response.text[:200]}"
        )
        if not isinstance(found, list):
            raise ChannelApiRejected(f"WooCommerce answered GET {_PATH} without a list of orders")
        orders = tuple(_listed(order) for order in found if isinstance(order, dict))
        pages = response.headers.get("X-WP-TotalPages", "")
        more = number < int(pages) if pages.isdigit() else len(found) >= self._page_size
        return OrderPage(orders, str(number + 1) if more else None)

    def webhook(self, order: ListedOrder, change: Change) -> Webhook:
        source_topic, topic = _TOPICS[change]
        return Webhook(source_topic, topic, json.dumps(order.source))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


def _gmt(moment: datetime) -> str:
    """Woo's GMT form (``2026-12-07T06:00:00``), with ``dates_are_gmt``."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _listed(order: dict[str, Any]) -> ListedOrder:
    order_id, modified = order.get("id"), order.get("date_modified_gmt") or order.get("date_created_gmt")
    if order_id is None or not isinstance(modified, str):
        raise ChannelApiRejected("WooCommerce listed an order without its id and date_modified_gmt")
    try:
        moment = datetime.fromisoformat(modified).replace(tzinfo=UTC)
    except ValueError as exc:
        raise ChannelApiRejected(f"WooCommerce listed order {order_id} with date_modified_gmt {modified!r}") from exc
    currency = order.get("currency")
    return ListedOrder(
        order_id=str(order_id),
        updated_at=moment,
        total=money(order.get("total")),
        currency=currency if isinstance(currency, str) else None,
        cancelled=order.get("status") == "cancelled",
        sale_totals=_sale_totals(order, moment),
        source=order,
    )


def _sale_totals(order: dict[str, Any], moment: datetime) -> frozenset[Decimal]:
    """:func:`~reconcile.listing.sale_totals` of the order as the WooCommerce mapping reads it."""
    try:
        payload = json.loads(json.dumps(order), parse_float=Decimal)
        mapped = order_of(woocommerce_events(Delivered(topics.ORDER_UPDATED, "order.updated", payload, moment)))
    except EventError:
        return frozenset()
    return frozenset() if mapped is None else sale_totals(mapped)
