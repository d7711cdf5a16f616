"""A WooCommerce store told of the ERP's stock and shipments, through its REST API (``wc/v3``).

    >>> writer = writer_for(options, environ=os.environ)
    >>> writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=7))

Stock: ``GET products?sku=`` finds the product, or the variation (``type: variation``, under its
``parent_id``), the first time a SKU is written; then ``PUT products/<id>`` (or
``products/<parent>/variations/<id>``) with ``manage_stock: true`` and ``stock_quantity``.

Shipments: Woo's core has no fulfilment object. A shipment is the order set ``completed``
(``PUT orders/<id>``) and a note to the customer with the tracking (``POST orders/<id>/notes``,
``customer_note: true``) that carries the shipment's id: an order with a note carrying the id or
the tracking number already holds the shipment (``GET orders/<id>/notes``). The status goes
first, so a shipment stopped between the two calls is completed again (a no-op) and noted.

The REST API key is sent as HTTP Basic credentials (over HTTPS, as Woo requires). Woo sets no
rate limit of its own; hosts in front of it answer 429 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from channels.woocommerce import WooCommerceOptions
from events.outbound import ShipmentNotice, StockNotice
from tasks.answers import json_or_error
from tasks.errors import ChannelApiNotListed
from tasks.http import api_client, sent
from tasks.outbound.skus import SkuIds
from tasks.outbound.writer import shipment_marker

__all__ = ["WooCommerceWriter", "writer_for"]

_API = "wp-json/wc/v3"


class WooCommerceWriter:
    """Writes one store's stock and shipments with its REST API key (implements
    :class:`~tasks.outbound.writer.ChannelWriter`). ``timeout_seconds`` bounds each call.
    Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        self._store = base_url
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._auth = httpx.BasicAuth(consumer_key, consumer_secret)
        self._paths = SkuIds(self._stock_path)

    def set_stock(self, notice: StockNotice) -> None:
        body = {"manage_stock": True, "stock_quantity": notice.available}
        self._paths.write(notice.sku, lambda path: self._call("PUT", path, json=body))

    def fulfill(self, notice: ShipmentNotice) -> None:
        order = f"{_API}/orders/{notice.order_id}"
        missing = f"WooCommerce store {self._store} has no order {notice.order_id}:"
        notes = self._call("GET", f"{order}/notes", missing=missing)
        if any(_records(note, notice) for note in notes if isinstance(note, dict)):
            return
        self._call("PUT", order, json={"status": "completed"}, missing=missing)
        self._call("POST", f"{order}/notes", json={"note": _note(notice), "customer_note": True})

    def close(self) -> None:
        self._http.close()

    def _stock_path(self, sku: str) -> str:
        """The path of ``sku``'s product or variation."""
        found = self._call("GET", f"{_API}/products", params={"sku": sku})
        for product in found if isinstance(found, list) else []:
            if isinstance(product, dict) and product.get("sku") == sku and "id" in product:
                if product.get("type") == "variation":
                    return f"{_API}/products/{product['parent_id']}/variations/{product['id']}"
                return f"{_API}/products/{product['id']}"
        raise ChannelApiNotListed(
            f"WooCommerce store {self._store} has no product or variation with SKU {sku}: "
            "give the product that SKU in the store, or stop stocking it for this channel"
        )

    def _call(self, method: str, path: str, *, missing: str | None = None, **request: Any) -> Any:
        response = sent(self._http, method, path, api="WooCommerce", auth=self._auth, **request)
        what = f"WooCommerce answered HTTP {response.status_code} to {method} {path}: {response.text[:200]}"
        return json_or_error(response, what, missing=missing)


def writer_for(
    options: WooCommerceOptions,
    *,
    environ: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 10.0,
) -> WooCommerceWriter | None:
    """None when the channel's options give no API credentials (the channel is then not written to)."""
    credentials = options.token_from(environ)
    if options.api_base_url is None or credentials is None:
        return None
    key, _, secret = credentials.partition(":")
    return WooCommerceWriter(options.api_base_url, key, secret, timeout_seconds=timeout_seconds, transport=transport)


def _marker(notice: ShipmentNotice) -> str:
    """What a note carries to say it records ``notice``'s shipment."""
    return f"(Weir shipment {notice.shipment_id})"


def _records(note: dict[str, Any], notice: ShipmentNotice) -> bool:
    text = str(note.get("note", ""))
    return shipment_marker(notice) in text or bool(notice.tracking_number and notice.tracking_number in text)


def _note(notice: ShipmentNotice) -> str:
    """The note to the customer: what shipped, how to track it, and the shipment's marker."""
    lines = ", ".join(f"{line.quantity} x {line.sku}" for line in notice.lines)
    parts = [f"Shipped {lines} on {notice.shipped_at.date().isoformat()}"]
    if notice.carrier:
        parts.append(f"with {notice.carrier}")
    if notice.tracking_number:
        parts.append(f"tracking number {notice.tracking_number}")
    text = ", ".join(parts) + "."
    if notice.tracking_url:
        text += f" Track it at {notice.tracking_url}"
    return f"{text} {shipment_marker(notice)}"
