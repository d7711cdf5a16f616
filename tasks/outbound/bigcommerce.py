"""A BigCommerce store told of the ERP's stock and shipments, through its V3 catalog and
inventory APIs and its V2 orders API.

    >>> writer = writer_for(options, environ=os.environ)
    >>> writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=7))

Stock: ``GET v3/catalog/variants?sku=`` finds the variant the first time a SKU is written (every
product has at least its base variant); then ``PUT v3/inventory/adjustments/absolute`` sets its
level at the channel's ``location_id``.

Shipments: ``GET v2/orders/<id>/shipments`` first: a shipment with the notice's tracking
number, or whose comments carry the shipment's id, means the store holds it already. Otherwise
the order's first shipping address (``.../shipping_addresses``) and its lines by SKU
(``.../products``, quantities not yet shipped) make ``POST v2/orders/<id>/shipments``.

A 429 says how long until the store's rate window resets, in ``X-Rate-Limit-Time-Reset-Ms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from channels.bigcommerce import BigCommerceOptions
from events.outbound import ShipmentNotice, ShippedLine, StockNotice
from tasks.answers import raise_for_refusal
from tasks.bigcommerce import window_reset_ms
from tasks.errors import ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client, sent
from tasks.outbound.skus import SkuIds
from tasks.outbound.writer import shipment_marker

__all__ = ["BigCommerceWriter", "writer_for"]

#: Carriers BigCommerce knows by these codes (``tracking_carrier``); another is named in the comments.
_CARRIERS = {"usps": "usps", "ups": "ups", "fedex": "fedex", "dhl": "dhl", "royal mail": "royal-mail"}


class BigCommerceWriter:
    """Writes one store's stock (at ``location_id``) and shipments with its access token
    (implements :class:`~tasks.outbound.writer.ChannelWriter`). ``timeout_seconds`` bounds each
    call. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        location_id: int = 1,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-Auth-Token": token, "Accept": "application/json"}
        self._store = base_url
        self._location_id = location_id
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._variants = SkuIds(self._variant_id)

    def set_stock(self, notice: StockNotice) -> None:
        def adjust(variant_id: int) -> None:
            item = {"location_id": self._location_id, "variant_id": variant_id, "quantity": notice.available}
            body = {"reason": f"ERP stock, version {notice.version}", "items": [item]}
            self._call("PUT", "v3/inventory/adjustments/absolute", json=body)

        self._variants.write(notice.sku, adjust)

    def fulfill(self, notice: ShipmentNotice) -> None:
        order = f"v2/orders/{notice.order_id}"
        missing = f"BigCommerce store {self._store} has no order {notice.order_id}:"
        shipments = self._call("GET", f"{order}/shipments", missing=missing)
        if any(_records(shipment, notice) for shipment in shipments if isinstance(shipment, dict)):
            return
        addresses = self._call("GET", f"{order}/shipping_addresses", missing=missing)
        if not addresses or not isinstance(addresses[0], dict):
            raise ChannelApiRejected(f"BigCommerce order {notice.order_id} has no shipping address to ship to")
        products = self._call("GET", f"{order}/products", missing=missing)
        body: dict[str, Any] = {
            "order_address_id": addresses[0]["id"],
            "items": _items(notice, products),
            "comments": _comments(notice),
        }
        if notice.tracking_number:
            body["tracking_number"] = notice.tracking_number
        if carrier := _CARRIERS.get((notice.carrier or "").lower()):
            body["tracking_carrier"] = carrier
        self._call("POST", f"{order}/shipments", json=body)

    def close(self) -> None:
        self._http.close()

    def _variant_id(self, sku: str) -> int:
        found = self._call("GET", "v3/catalog/variants", params={"sku": sku})
        for variant in found.get("data", []) if isinstance(found, dict) else []:
            if isinstance(variant, dict) and variant.get("sku") == sku and isinstance(variant.get("id"), int):
                return int(variant["id"])
        raise ChannelApiNotListed(
            f"BigCommerce store {self._store} has no variant with SKU {sku}: "
            "give the product or variant that SKU in the store, or stop stocking it for this channel"
        )

    def _call(self, method: str, path: str, *, missing: str | None = None, **request: Any) -> Any:
        """The answer's JSON (``[]`` for V2's empty 204), or the error it means."""
        response = sent(self._http, method, path, api="BigCommerce", **request)
        what = f"BigCommerce answered HTTP {response.status_code} to {method} {path}: {response.text[:200]}"
        raise_for_refusal(response, what, delay_ms=window_reset_ms, missing=missing)
        if response.status_code == 204:
            return []
        try:
            return response.json()
        except ValueError as exc:
            raise ChannelApiTransient(f"{what}; that is not JSON") from exc


def writer_for(
    options: BigCommerceOptions,
    *,
    environ: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 10.0,
) -> BigCommerceWriter | None:
    """None when the channel's options give no API credentials (the channel is then not written to)."""
    token = options.token_from(environ)
    if options.api_base_url is None or token is None:
        return None
    return BigCommerceWriter(
        options.api_base_url,
        token,
        location_id=options.location_id,
        timeout_seconds=timeout_seconds,
        transport=transport,
    )


def _records(shipment: dict[str, Any], notice: ShipmentNotice) -> bool:
    tracked = bool(notice.tracking_number) and shipment.get("tracking_number") == notice.tracking_number
    return tracked or shipment_marker(notice) in str(shipment.get("comments") or "")


def _comments(notice: ShipmentNotice) -> str:
    carrier = notice.carrier and notice.carrier.lower() not in _CARRIERS
    return f"Shipped with {notice.carrier}. {shipment_marker(notice)}" if carrier else shipment_marker(notice)


def _items(notice: ShipmentNotice, products: Any) -> list[dict[str, int]]:
    """The shipment's items: each line's quantity spread over the order's products of its SKU
    that still have units to ship."""
    lines = [product for product in products if isinstance(product, dict)] if isinstance(products, list) else []
    unshipped = {int(p["id"]): int(p.get("quantity", 0)) - int(p.get("quantity_shipped", 0)) for p in lines}
    items: list[dict[str, int]] = []
    for line in notice.lines:
        items.extend(_allotted(notice.order_id, line, [p for p in lines if p.get("sku") == line.sku], unshipped))
    return items


def _allotted(
    order_id: str, line: ShippedLine, matching: list[dict[str, Any]], unshipped: dict[int, int]
) -> list[dict[str, int]]:
    if not matching:
        raise ChannelApiRejected(f"BigCommerce order {order_id} has no line with SKU {line.sku} to ship")
    items, wanted = [], line.quantity
    for product in matching:
        taken = min(wanted, unshipped[int(product["id"])])
        if taken > 0:
            items.append({"order_product_id": int(product["id"]), "quantity": taken})
            unshipped[int(product["id"])] -= taken
            wanted -= taken
    if wanted:
        raise ChannelApiRejected(
            f"BigCommerce order {order_id} has {line.quantity - wanted} unshipped unit(s) of SKU {line.sku}, "
            f"not the {line.quantity} the ERP shipped"
        )
    return items
