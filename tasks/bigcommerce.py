"""One BigCommerce store's API, read by the worker: the full resource a thin webhook names.

    >>> api = BigCommerceApi("https://api.bigcommerce.com/stores/abc123/", token)
    >>> api.fetch(BigCommerceResource("order", "101"))
    {"order": {...}, "products": [...], "shipping_addresses": [...]}

What :meth:`BigCommerceApi.fetch` returns is what :mod:`events.mapping.bigcommerce` maps (its
table lists the shapes). Every failure is classified here, into :mod:`tasks.errors`.
"""

from __future__ import annotations

from typing import Any

import httpx

from events.mapping import BigCommerceResource, ThinResource
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client

__all__ = ["BigCommerceApi", "window_reset_ms"]


class BigCommerceApi:
    """Reads one store's resources with its access token. ``timeout_seconds`` bounds each call.
    Safe to share between threads."""

    def __init__(
        self, base_url: str, token: str, *, timeout_seconds: float = 10.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"X-Auth-Token": token, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)

    def fetch(self, wanted: ThinResource) -> dict[str, Any]:
        """The resource ``wanted`` names, in the shape the BigCommerce mapping reads.

        Raises:
            ChannelApiRejected: the resource does not exist, the token is refused, or ``wanted``
                is not a BigCommerce resource.
            ChannelApiDeferred: the store asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of the store's own.
        """
        if not isinstance(wanted, BigCommerceResource):
            raise ChannelApiRejected(f"a BigCommerce channel cannot fetch another provider's {wanted.kind} {wanted.id}")
        if wanted.kind == "customer":
            found = self._get("v3/customers", params={"id:in": wanted.id, "include": "addresses"})["data"]
            if not found:
                raise ChannelApiRejected(f"BigCommerce has no customer {wanted.id}")
            return {"customer": found[0]}
        if wanted.kind == "product":
            return {"product": self._get(f"v3/catalog/products/{wanted.id}")["data"]}
        if wanted.kind == "variant":
            return {"variant": self._get(f"v3/catalog/products/{wanted.product_id}/variants/{wanted.id}")["data"]}
        if wanted.kind == "order":
            return self._order(wanted.id)
        order = self._order(wanted.order_id or "")
        if wanted.kind == "shipment":
            return {**order, "shipment": self._get(f"v2/orders/{wanted.order_id}/shipments/{wanted.id}")}
        return {**order, "refund": self._refund(wanted)}

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _order(self, order_id: str) -> dict[str, Any]:
        return {
            "order": self._get(f"v2/orders/{order_id}"),
            "products": self._get(f"v2/orders/{order_id}/products"),
            "shipping_addresses": self._get(f"v2/orders/{order_id}/shipping_addresses"),
        }

    def _refund(self, wanted: BigCommerceResource) -> dict[str, Any]:
        refunds = self._get(f"v3/orders/{wanted.order_id}/payment_actions/refunds")["data"]
        for refund in refunds:
            if str(refund.get("id")) == wanted.id:
                return dict(refund)
        raise ChannelApiRejected(f"BigCommerce order {wanted.order_id} has no refund {wanted.id}")

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        try:
            response = self._http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"BigCommerce GET {path} failed before an answer: {exc!r}") from exc
        what = f"BigCommerce answered HTTP {response.status_code} to GET {path}: {response.text[:200]}"
        return json_or_error(response, what, delay_ms=window_reset_ms)


def window_reset_ms(headers: httpx.Headers) -> int | None:
    """BigCommerce says when its rate window resets, in milliseconds."""
    reset = headers.get("X-Rate-Limit-Time-Reset-Ms", "")
    return int(reset) if reset.isdigit() else None
