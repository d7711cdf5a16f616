"""An Amazon seller's orders, listed for reconciliation through SP-API's getOrders (Orders v0).

    >>> orders = AmazonOrders("https://sellingpartnerapi-na.amazon.com", LwaTokens(...))
    >>> orders.page(since, until, None)
    OrderPage(orders=(ListedOrder(order_id="902-3159896-1390916", ...), ...), next="...")

getOrders needs the marketplaces to search, so the first page of a lister's life first asks
getMarketplaceParticipations (``GET sellers/v1/marketplaceParticipations``) for those the seller
participates in (kept for the lister's life). A page is ``GET orders/v0/orders?MarketplaceIds=..&
LastUpdatedAfter=..&LastUpdatedBefore=..&MaxResultsPerPage=100``, then ``?NextToken=..`` (with the
marketplaces again) while SP-API gives one; ``LastUpdatedBefore`` must be at least two minutes in
the past, hence :attr:`AmazonOrders.lag`. Calls carry the access token :class:`~tasks.lwa.AccessTokens`
gives, renewed once when refused. A missing order is enqueued as the ``ORDER_CHANGE`` notification
SP-API would have sent, which the worker follows with getOrder and getOrderItems.

getOrders gives ``OrderTotal`` (tax and shipping included) but not the items, so an Amazon order's
total is not compared with its sale (an ERP that holds the lines alone would always differ): only
its status is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from reconcile.listing import Change, ListedOrder, OrderPage, Webhook
from tasks.amazon import rate_delay_ms
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client
from tasks.lwa import AccessTokens, authorized

__all__ = ["PAGE_SIZE", "AmazonOrders"]

#: Orders per page: SP-API's most.
PAGE_SIZE = 100

_TOPICS: dict[Change, str] = {"created": "order.updated", "updated": "order.updated", "cancelled": "order.cancelled"}


class AmazonOrders:
    """Lists one seller's orders with the access tokens ``tokens`` gives (and closes them with
    itself), in ``marketplace_ids`` (those the seller participates in, asked once, when empty).
    ``timeout_seconds`` bounds each call; ``page_size`` is the orders asked for per page."""

    provider = "amazon"
    lag = timedelta(minutes=2)

    def __init__(
        self,
        base_url: str,
        tokens: AccessTokens,
        *,
        marketplace_ids: Sequence[str] = (),
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
        self._tokens = tokens
        self._marketplaces = list(marketplace_ids)

    def page(self, since: datetime, until: datetime, after: str | None) -> OrderPage:
        """See :meth:`OrderLister.page <reconcile.listing.OrderLister.page>`; ``after`` is SP-API's
        ``NextToken``.

        Raises:
            ChannelApiRejected: the token is refused (renewed, when it can be, and refused again),
                or an answer lacks its payload.
            ChannelApiDeferred: SP-API asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of SP-API's own.
            ChannelApiError: no access token could be had.
        """
        if not self._marketplaces:
            self._marketplaces = self._participations()
        params: dict[str, str | int] = {"MarketplaceIds": ",".join(self._marketplaces)}
        if after is None:
            params |= {
                "LastUpdatedAfter": _instant(since),
                "LastUpdatedBefore": _instant(until),
                "MaxResultsPerPage": self._page_size,
            }
        else:
            params["NextToken"] = after
        payload = self._get("orders/v0/orders", params)
        found = payload.get("Orders") if isinstance(payload, dict) else None
        if not isinstance(found, list):
            raise ChannelApiRejected("SP-API answered getOrders without Orders")
        orders = tuple(_listed(order) for order in found if isinstance(order, dict))
        following = payload.get("NextToken")
        return OrderPage(orders, str(following) if following else None)

    def webhook(self, order: ListedOrder, change: Change) -> Webhook:
        status = order.source.get("OrderStatus")
        at = order.updated_at.isoformat()
        notification = {
            "NotificationVersion": "1.0",
            "NotificationType": "ORDER_CHANGE",
            "PayloadVersion": "1.0",
            "EventTime": at,
            "Payload": {
                "OrderChangeNotification": {
                    "NotificationLevel": "OrderLevel",
                    "AmazonOrderId": order.order_id,
                    "OrderChangeType": "OrderStatusChange",
                    "OrderChangeTrigger": {"TimeOfOrderChange": at, "ChangeReason": "Found by reconciliation"},
                    "Summary": {
                        "MarketplaceId": order.source.get("MarketplaceId"),
                        "OrderStatus": status,
                        "FulfillmentType": order.source.get("FulfillmentChannel"),
                    },
                }
            },
            "NotificationMetadata": {
                "PublishTime": at,
                "NotificationId": f"reconcile-{order.order_id}-{int(order.updated_at.timestamp() * 1000)}",
            },
        }
        return Webhook("ORDER_CHANGE", _TOPICS[change], json.dumps(notification))

    def close(self) -> None:
        """Close the connection pool and the token source."""
        self._http.close()
        self._tokens.close()

    def _participations(self) -> list[str]:
        payload = self._get("sellers/v1/marketplaceParticipations", None)
        if not isinstance(payload, list):
            raise ChannelApiRejected("SP-API answered getMarketplaceParticipations without a list")
        found = sorted(
            str(entry["marketplace"]["id"])
            for entry in payload
            if isinstance(entry, dict)
            and isinstance(entry.get("marketplace"), dict)
            and "id" in entry["marketplace"]
            and (entry.get("participation") or {}).get("isParticipating", True)
        )
        if not found:
            raise ChannelApiRejected("the seller participates in no marketplace SP-API names")
        return found

    def _get(self, path: str, params: dict[str, str | int] | None) -> Any:
        response = authorized(self._tokens, lambda token: self._send(path, params, token))
        what = f"SP-API answered HTTP {response.status_code} to GET {path}: {response.text[:200]}"
        answer = json_or_error(response, what, delay_ms=rate_delay_ms)
        if not isinstance(answer, dict) or "payload" not in answer:
            raise ChannelApiRejected(f"SP-API answered GET {path} without a payload")
        return answer["payload"]

    def _send(self, path: str, params: dict[str, str | int] | None, token: str) -> httpx.Response:
        try:
            return self._http.get(path, params=params, headers={"x-amz-access-token": token})
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"SP-API GET {path} failed before an answer: {exc!r}") from exc


def _instant(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as SP-API writes its own."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _listed(order: dict[str, Any]) -> ListedOrder:
    order_id, updated = order.get("AmazonOrderId"), order.get("LastUpdateDate") or order.get("PurchaseDate")
    if not order_id or not isinstance(updated, str):
        raise ChannelApiRejected("SP-API listed an order without its AmazonOrderId and LastUpdateDate")
    try:
        moment = datetime.fromisoformat(updated)
    except ValueError as exc:
        raise ChannelApiRejected(f"SP-API listed order {order_id} with LastUpdateDate {updated!r}") from exc
    total = order.get("OrderTotal")
    currency = total.get("CurrencyCode") if isinstance(total, dict) else None
    return ListedOrder(
        order_id=str(order_id),
        updated_at=moment,
        # Not compared: getOrders' total carries tax and shipping, and its items are not listed.
        total=None,
        currency=currency if isinstance(currency, str) else None,
        cancelled=order.get("OrderStatus") == "Canceled",
        source=order,
    )
