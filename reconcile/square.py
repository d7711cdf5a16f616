"""A Square seller's orders, listed for reconciliation through the Orders API's SearchOrders.

    >>> orders = SquareOrders("https://connect.squareup.com", token)
    >>> orders.page(since, until, None)
    OrderPage(orders=(ListedOrder(order_id="CAISEM82RcpmcFBM0TfOyiHV3es", ...), ...), next="...")

SearchOrders needs the seller's locations (at most 10 a search), so the first page of a lister's
life first asks ``GET v2/locations`` (kept for the lister's life: a new location reaches
reconciliation when the process restarts). A page is ``POST v2/orders/search`` with
``location_ids``, a ``date_time_filter`` on ``updated_at`` (which Square requires to sort by
``UPDATED_AT``), ``limit`` and the answer's ``cursor``; a seller with more than 10 locations is
searched 10 at a time, one after the other. Orders come whole, so a missing one is enqueued as a
notification carrying the order itself (``data.object.order``), which the Square mapping reads
without fetching it again. Money is in the currency's minor unit (cents).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from events.currency import minor_unit
from events.errors import EventError
from events.mapping.delivered import Delivered
from events.mapping.square import square_events
from reconcile.listing import Change, ListedOrder, OrderPage, Webhook, order_of, sale_totals
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client
from tasks.square import SQUARE_VERSION

__all__ = ["PAGE_SIZE", "SquareOrders"]

#: Orders per page (Square allows up to 1,000; 500 is its default).
PAGE_SIZE = 500

#: Locations one SearchOrders may name.
_LOCATIONS_PER_SEARCH = 10

_TYPES: dict[Change, tuple[str, str]] = {
    "created": ("order.created", "order.created"),
    "updated": ("order.updated", "order.updated"),
    # The order's state says CANCELED; the mapping makes it a cancellation.
    "cancelled": ("order.updated", "order.updated"),
}


class SquareOrders:
    """Lists one seller's orders with its access token. ``timeout_seconds`` bounds each call;
    ``page_size`` is the orders asked for per page."""

    provider = "square"
    lag = timedelta(0)

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str = SQUARE_VERSION,
        timeout_seconds: float = 10.0,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not 1 <= page_size <= 1_000:
            raise ValueError("page_size must be within 1..1000")
        self._page_size = page_size
        headers = {"Authorization": f"Bearer {token}", "Square-Version": version, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._locations: list[str] | None = None

    def page(self, since: datetime, until: datetime, after: str | None) -> OrderPage:
        """See :meth:`OrderLister.page <reconcile.listing.OrderLister.page>`; ``after`` is the
        group of locations searched and Square's cursor within it.

        Raises:
            ChannelApiRejected: the token is refused, or an answer lacks what it should hold.
            ChannelApiDeferred: Square asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of Square's own.
        """
        locations = self._locations if self._locations is not None else self._active_locations()
        self._locations = locations
        group, cursor = _position(after)
        names = locations[group * _LOCATIONS_PER_SEARCH : (group + 1) * _LOCATIONS_PER_SEARCH]
        if not names:
            return OrderPage((), None)
        answer = self._call("POST", "v2/orders/search", self._search(names, since, until, cursor))
        found = answer.get("orders", [])
        if not isinstance(found, list):
            raise ChannelApiRejected("Square answered SearchOrders with orders that are not a list")
        orders = tuple(_listed(order) for order in found if isinstance(order, dict))
        following = answer.get("cursor")
        if following:
            return OrderPage(orders, json.dumps([group, following]))
        more = (group + 1) * _LOCATIONS_PER_SEARCH < len(locations)
        return OrderPage(orders, json.dumps([group + 1, None]) if more else None)

    def webhook(self, order: ListedOrder, change: Change) -> Webhook:
        source_topic, topic = _TYPES[change]
        body = {
            "merchant_id": "",
            "type": source_topic,
            "event_id": f"reconcile-{order.order_id}-{order.source.get('version', '')}",
            "created_at": order.updated_at.isoformat(),
            "data": {"type": "order", "id": order.order_id, "object": {"order": order.source}},
        }
        return Webhook(source_topic, topic, json.dumps(body))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _search(self, locations: list[str], since: datetime, until: datetime, cursor: str | None) -> dict[str, Any]:
        updated = {"start_at": since.isoformat(), "end_at": until.isoformat()}
        body: dict[str, Any] = {
            "location_ids": locations,
            "limit": self._page_size,
            "query": {
                "filter": {"date_time_filter": {"updated_at": updated}},
                "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"},
            },
        }
        if cursor:
            body["cursor"] = cursor
        return body

    def _active_locations(self) -> list[str]:
        found = self._call("GET", "v2/locations", None).get("locations", [])
        if not isinstance(found, list):
            raise ChannelApiRejected("Square answered ListLocations with locations that are not a list")
        return sorted(
            str(location["id"])
            for location in found
            if isinstance(location, dict) and "id" in location and location.get("status", "ACTIVE") == "ACTIVE"
        )

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"Square {method} {path} failed before an answer: {exc!r}") from exc
        answer = json_or_error(
            response, f"Square answered HTTP {response.status_code} to {method} {path}: {response.text[:200]}"
        )
        if not isinstance(answer, dict):
            raise ChannelApiRejected(f"Square answered {method} {path} with JSON that is not an object")
        return answer


def _position(after: str | None) -> tuple[int, str | None]:
    if after is None:
        return 0, None
    group, cursor = json.loads(after)
    return int(group), cursor


def _listed(order: dict[str, Any]) -> ListedOrder:
    order_id, updated = order.get("id"), order.get("updated_at") or order.get("created_at")
    if order_id is None or not isinstance(updated, str):
        raise ChannelApiRejected("Square listed an order without its id and updated_at")
    try:
        moment = datetime.fromisoformat(updated)
    except ValueError as exc:
        raise ChannelApiRejected(f"Square listed order {order_id} with updated_at {updated!r}") from exc
    found = order.get("total_money")
    total: dict[str, Any] = found if isinstance(found, dict) else {}
    currency = total.get("currency") if isinstance(total.get("currency"), str) else None
    return ListedOrder(
        order_id=str(order_id),
        updated_at=moment,
        total=_amount(total.get("amount"), currency),
        currency=currency,
        cancelled=order.get("state") == "CANCELED",
        sale_totals=_sale_totals(order, moment),
        source=order,
    )


def _amount(minor: object, currency: str | None) -> Decimal | None:
    """Square's amount in the currency's minor unit, in major units."""
    if isinstance(minor, bool) or not isinstance(minor, int) or currency is None:
        return None
    return minor * minor_unit(currency)


def _sale_totals(order: dict[str, Any], moment: datetime) -> frozenset[Decimal]:
    """:func:`~reconcile.listing.sale_totals` of the order as the Square mapping reads it."""
    try:
        payload = json.loads(json.dumps({"data": {"object": {"order": order}}}), parse_float=Decimal)
        mapped = order_of(square_events(Delivered("order.created", "order.created", payload, moment)))
    except EventError:
        return frozenset()
    return frozenset() if mapped is None else sale_totals(mapped)
