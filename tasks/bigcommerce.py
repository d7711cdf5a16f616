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
from tasks.errors import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient

__all__ = ["BigCommerceApi"]

#: Answers after which the same call may succeed later.
_TRANSIENT = frozenset({408, 425, 500, 502, 503, 504})


class BigCommerceApi:
    """Reads one store's resources with its access token. ``timeout_seconds`` bounds each call.
    Safe to share between threads."""

    def __init__(
        self, base_url: str, token: str, *, timeout_seconds: float = 10.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        headers = {"X-Auth-Token": token, "Accept": "application/json"}
        root = base_url if base_url.endswith("/") else f"{base_url}/"
        self._http = httpx.Client(base_url=root, headers=headers, timeout=timeout_seconds, transport=transport)

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
        status = response.status_code
        what = f"BigCommerce answered HTTP {status} to GET {path}: {response.text[:200]}"
        if status == 429:
            # BigCommerce says when the window resets, in milliseconds.
            reset = response.headers.get("X-Rate-Limit-Time-Reset-Ms", "")
            raise ChannelApiDeferred(what, delay_ms=int(reset) if reset.isdigit() else None)
        if status in _TRANSIENT:
            raise ChannelApiTransient(what)
        if status == 204 or not response.is_success:
            raise ChannelApiRejected(what)
        try:
            return response.json()
        except ValueError as exc:
            raise ChannelApiTransient(f"BigCommerce answered GET {path} with something that is not JSON") from exc
