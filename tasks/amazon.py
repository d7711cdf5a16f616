"""One Amazon seller's SP-API Orders API (v0), read by the worker: the order an ``ORDER_CHANGE`` names.

    >>> api = AmazonApi("https://sellingpartnerapi-na.amazon.com", LwaTokens(...))
    >>> api.fetch(AmazonResource("order", "902-3159896-1390916"))
    {"order": {"AmazonOrderId": ..., "OrderStatus": ..., ...}, "items": [{"SellerSKU": ..., ...}]}

An order is getOrder (``GET orders/v0/orders/{id}``) and every page of getOrderItems
(``GET orders/v0/orders/{id}/orderItems``, then ``?NextToken=`` while SP-API gives one), both
answering ``{"payload": ...}``. What :meth:`AmazonApi.fetch` returns is what
:mod:`events.mapping.amazon_order` maps. Every failure is classified here, into :mod:`tasks.errors`.

Each call carries the access token its :class:`~tasks.lwa.AccessTokens` gives. A call refused
with 401 or 403 is made once more with a renewed token, when the source can renew one (an access
token can be revoked or expire before the hour LWA gave it); a second refusal stands.
"""

from __future__ import annotations

import math
from typing import Any

import httpx

from events.mapping import AmazonResource, ThinResource
from tasks.answers import json_or_error, retry_after_ms
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client
from tasks.lwa import AccessTokens, authorized

__all__ = ["AmazonApi", "rate_delay_ms"]

#: Bound on getOrderItems pages for one order, against a NextToken that never ends.
_MAX_PAGES = 100


class AmazonApi:
    """Reads one seller's orders with the Login with Amazon access tokens ``tokens`` gives (and
    closes them with itself). ``timeout_seconds`` bounds each call. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        tokens: AccessTokens,
        *,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._tokens = tokens

    def fetch(self, wanted: ThinResource) -> dict[str, Any]:
        """``{"order": <getOrder's Order>, "items": [<every OrderItem, page after page>]}``.

        Raises:
            ChannelApiRejected: the order does not exist, the token is refused (renewed, when
                ``tokens`` can, and refused again), an answer has no order or items, or
                ``wanted`` is not an Amazon order.
            ChannelApiDeferred: SP-API asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of SP-API's own.
            ChannelApiError: no access token could be had (see :class:`~tasks.lwa.LwaTokens`).
        """
        if not isinstance(wanted, AmazonResource):
            raise ChannelApiRejected(f"an Amazon channel cannot fetch another provider's {wanted.kind} {wanted.id}")
        path = f"orders/v0/orders/{wanted.id}"
        order = self._payload(path)
        return {"order": order, "items": self.order_items(wanted.id)}

    def order_items(self, order_id: str) -> list[Any]:
        """Every OrderItem of order ``order_id``, page after page. Raises as :meth:`fetch` does."""
        return self._items(f"orders/v0/orders/{order_id}/orderItems")

    def close(self) -> None:
        """Close the connection pool and the token source."""
        self._http.close()
        self._tokens.close()

    def _items(self, path: str) -> list[Any]:
        items: list[Any] = []
        params: dict[str, str] = {}
        for _ in range(_MAX_PAGES):
            page = self._payload(path, params)
            found = page.get("OrderItems")
            if not isinstance(found, list):
                raise ChannelApiRejected(f"SP-API answered GET {path} without OrderItems")
            items.extend(found)
            token = page.get("NextToken")
            if not token:
                return items
            params = {"NextToken": str(token)}
        raise ChannelApiRejected(f"SP-API gave a NextToken after {_MAX_PAGES} pages of GET {path}")

    def _payload(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        answer = self._get(path, params)
        payload = answer.get("payload") if isinstance(answer, dict) else None
        if not isinstance(payload, dict):
            raise ChannelApiRejected(f"SP-API answered GET {path} without a payload")
        return payload

    def _get(self, path: str, params: dict[str, str] | None) -> Any:
        response = authorized(self._tokens, lambda token: self._send(path, params, token))
        return _classified(path, response)

    def _send(self, path: str, params: dict[str, str] | None, token: str) -> httpx.Response:
        try:
            return self._http.get(path, params=params, headers={"x-amz-access-token": token})
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"SP-API GET {path} failed before an answer: {exc!r}") from exc


def _classified(path: str, response: httpx.Response) -> Any:
    """``response``'s JSON, or the error it means."""
    what = f"SP-API answered HTTP {response.status_code} to GET {path}: {response.text[:200]}"
    missing = "Amazon has no such order (it may belong to another seller or region)."
    return json_or_error(response, what, delay_ms=rate_delay_ms, missing=missing)


def rate_delay_ms(headers: httpx.Headers) -> int | None:
    """How long to wait after a 429, in milliseconds: ``Retry-After`` if SP-API sent one, else one
    interval of the operation's rate (``x-amzn-RateLimit-Limit``, requests per second), else unsaid."""
    if (said := retry_after_ms(headers)) is not None:
        return said
    try:
        rate = float(headers.get("x-amzn-RateLimit-Limit", ""))
    except ValueError:
        return None
    return math.ceil(1000 / rate) if rate > 0 and math.isfinite(rate) else None
