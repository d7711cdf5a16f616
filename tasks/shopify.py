"""One Shopify shop's Admin API (REST), read by the worker: the SKUs a payload names only by id.

    >>> api = ShopifyApi("https://weir-demo.myshopify.com", token, version="2025-01")
    >>> api.fetch(ShopifyResource("inventory_item", "808950810"))
    {"inventory_item": {"id": 808950810, "sku": "IPOD2008PINK", "tracked": True}}
    >>> api.fetch(ShopifyResource("order", "450789469"))
    {"order": {"id": 450789469, "line_items": [{"id": 466157049, "sku": "IPOD2008GREEN"}]}}

An inventory item is ``GET admin/api/<version>/inventory_items/<id>.json``, an order
``GET admin/api/<version>/orders/<id>.json``, each with ``X-Shopify-Access-Token``. Answers are
trimmed to what :mod:`events.mapping.shopify` reads, so they are small to cache. Every failure
is classified here, into :mod:`tasks.errors`. Shopify's REST limit is a leaky bucket per app
and shop (40 calls, leaking 2 a second); beyond it Shopify answers 429 with ``Retry-After`` in
seconds, which may be fractional (``2.0``).
"""

from __future__ import annotations

import math
from typing import Any

import httpx

from events.mapping import ShopifyResource, ThinResource
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client

__all__ = ["ShopifyApi", "retry_after_ms"]

#: What a 404 means: the id is unknown, or the app may not read it (orders older than 60 days
#: need the read_all_orders scope).
_MISSING = "Shopify has no such {kind}, or the app's token may not read it."


class ShopifyApi:
    """Reads one shop's inventory items and orders with its Admin API access token, at API
    ``version`` (Shopify's ``YYYY-MM``: the channel's ``api_version`` option). ``timeout_seconds``
    bounds each call. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-Shopify-Access-Token": token, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._root = f"admin/api/{version}"

    def fetch(self, wanted: ThinResource) -> dict[str, Any]:
        """``{"inventory_item": {"id", "sku", "tracked"}}`` or ``{"order": {"id", "line_items":
        [{"id", "sku"}, ...]}}``: what ``wanted`` names.

        Raises:
            ChannelApiRejected: the item or order does not exist, the token is refused, the
                inventory item has no SKU (nothing in the ERP can be counted for it), or
                ``wanted`` is not a Shopify resource.
            ChannelApiDeferred: Shopify asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of Shopify's own.
        """
        if not isinstance(wanted, ShopifyResource):
            raise ChannelApiRejected(f"a Shopify channel cannot fetch another provider's {wanted.kind} {wanted.id}")
        if wanted.kind == "inventory_item":
            return {"inventory_item": self._inventory_item(wanted.id)}
        return {"order": self._order(wanted.id)}

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _inventory_item(self, item_id: str) -> dict[str, Any]:
        item = self._object(f"inventory_items/{item_id}.json", "inventory_item")
        sku = item.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            # Answered, but of no use to the ERP: refused here, so no cache keeps it past a fix.
            raise ChannelApiRejected(
                f"Shopify inventory item {item_id} has no SKU: give its variant the SKU the ERP knows, then replay"
            )
        return {"id": item.get("id"), "sku": sku, "tracked": item.get("tracked")}

    def _order(self, order_id: str) -> dict[str, Any]:
        order = self._object(f"orders/{order_id}.json", "order", params={"fields": "id,line_items"})
        lines = order.get("line_items")
        if not isinstance(lines, list):
            raise ChannelApiRejected(f"Shopify answered order {order_id} without its line_items")
        trimmed = [{"id": line.get("id"), "sku": line.get("sku")} for line in lines if isinstance(line, dict)]
        return {"id": order.get("id"), "line_items": trimmed}

    def _object(self, path: str, key: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        answer = self._get(path, key, params)
        found = answer.get(key) if isinstance(answer, dict) else None
        if not isinstance(found, dict):
            raise ChannelApiRejected(f"Shopify answered GET {self._root}/{path} without an {key}")
        return found

    def _get(self, path: str, kind: str, params: dict[str, str] | None) -> Any:
        url = f"{self._root}/{path}"
        try:
            response = self._http.get(url, params=params)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"Shopify GET {url} failed before an answer: {exc!r}") from exc
        what = f"Shopify answered HTTP {response.status_code} to GET {url}: {response.text[:200]}"
        missing = _MISSING.format(kind=kind.replace("_", " "))
        return json_or_error(response, what, delay_ms=retry_after_ms, missing=missing)


def retry_after_ms(headers: httpx.Headers) -> int | None:
    """Shopify's ``Retry-After`` (seconds, possibly fractional: ``2.0``) in milliseconds."""
    try:
        seconds = float(headers.get("Retry-After", ""))
    except ValueError:
        return None
    return math.ceil(seconds * 1000) if seconds >= 0 and math.isfinite(seconds) else None
