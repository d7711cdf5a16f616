"""An Amazon seller told of the ERP's stock and shipments, through SP-API's Listings Items API
(2021-08-01) and Orders API (v0).

    >>> writer = writer_for(options, environ=os.environ, channel="amazon-us")
    >>> writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=7))

Stock: ``GET listings/2021-08-01/items/<seller>/<sku>`` once per SKU, because SP-API accepts a
patch of a SKU the seller does not list (it would make an offer of nothing); then
``PATCH`` of the same path, ``op: merge`` on ``/attributes/fulfillment_availability`` with
``fulfillment_channel_code: DEFAULT`` and the ``quantity`` (a merge keeps the listing's handling
time and restock date). A patch answered ``INVALID`` is refused with Amazon's issues.

Shipments: ``GET orders/v0/orders/<id>/orderItems`` (every page) finds the items by
``SellerSKU`` and what of them is still unshipped: an order with nothing left to ship of the
notice's lines holds the shipment already. Otherwise ``POST orders/v0/orders/<id>/shipmentConfirmation``
with one package (its reference a number derived from the shipment's id, the carrier's code or
``Other`` and its name, the tracking number, the ship date and the items), answered 204.

Each call carries a Login with Amazon access token (``x-amz-access-token``), renewed once when
refused. A 429 waits ``Retry-After``, else one interval of the operation's own rate
(``x-amzn-RateLimit-Limit``: limits are per operation), else an unsaid delay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC
from typing import Any
from urllib.parse import quote

import httpx

from channels.amazon import AmazonOptions
from events.outbound import ShipmentNotice, StockNotice
from tasks.amazon import AmazonApi, rate_delay_ms
from tasks.answers import json_or_error, raise_for_refusal
from tasks.errors import ChannelApiNotListed, ChannelApiRejected
from tasks.http import api_client, sent
from tasks.lwa import AccessTokens, authorized, tokens_for
from tasks.outbound.skus import SkuIds

__all__ = ["AmazonWriter", "writer_for"]

#: Carrier names as Amazon's ``carrierCode`` spells them; another is ``Other`` with its name.
_CARRIERS = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL",
    "royal mail": "Royal Mail",
    "canada post": "Canada Post",
    "amazon shipping": "Amazon Shipping",
}


class AmazonWriter:
    """Writes one seller's listing quantities and shipment confirmations in ``marketplace_id``
    with the access tokens ``tokens`` gives (and closes them with itself); implements
    :class:`~tasks.outbound.writer.ChannelWriter`. ``timeout_seconds`` bounds each call. Safe
    to share between threads."""

    def __init__(
        self,
        base_url: str,
        tokens: AccessTokens,
        *,
        seller_id: str,
        marketplace_id: str,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._orders = AmazonApi(base_url, tokens, timeout_seconds=timeout_seconds, transport=transport)
        self._tokens = tokens
        self._seller_id = seller_id
        self._marketplace_id = marketplace_id
        self._listed = SkuIds(self._listing_path)

    def set_stock(self, notice: StockNotice) -> None:
        availability = {"fulfillment_channel_code": "DEFAULT", "quantity": notice.available}
        patch = {"op": "merge", "path": "/attributes/fulfillment_availability", "value": [availability]}
        body = {"productType": "PRODUCT", "patches": [patch]}

        def patched(path: str) -> None:
            answer = self._call("PATCH", path, params={"marketplaceIds": self._marketplace_id}, json=body)
            if not isinstance(answer, dict) or answer.get("status") != "ACCEPTED":
                issues = answer.get("issues") if isinstance(answer, dict) else None
                raise ChannelApiRejected(f"SP-API refused the quantity of SKU {notice.sku}: {_issues(issues)}")

        self._listed.write(notice.sku, patched)

    def fulfill(self, notice: ShipmentNotice) -> None:
        items = [item for item in self._orders.order_items(notice.order_id) if isinstance(item, dict)]
        shipped = _package_items(notice, items)
        if not shipped:
            return
        if not notice.tracking_number:
            raise ChannelApiRejected(
                f"Amazon needs a tracking number to confirm shipment {notice.shipment_id} of order {notice.order_id}"
            )
        carrier = notice.carrier or "Other"
        package = {
            "packageReferenceId": _package_reference(notice.shipment_id),
            "carrierCode": _CARRIERS.get(carrier.lower(), "Other"),
            "trackingNumber": notice.tracking_number,
            "shipDate": notice.shipped_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "orderItems": shipped,
        }
        if package["carrierCode"] == "Other":
            package["carrierName"] = carrier
        body = {"marketplaceId": self._marketplace_id, "packageDetail": package}
        self._call("POST", f"orders/v0/orders/{notice.order_id}/shipmentConfirmation", json=body, empty=True)

    def close(self) -> None:
        """Close the connection pools and the token source."""
        self._http.close()
        self._orders.close()

    def _listing_path(self, sku: str) -> str:
        """The path of ``sku``'s listing, once SP-API has said it exists."""
        path = f"listings/2021-08-01/items/{quote(self._seller_id, safe='')}/{quote(sku, safe='')}"
        missing = f"Amazon seller {self._seller_id} has no listing of SKU {sku} in marketplace {self._marketplace_id}:"
        params = {"marketplaceIds": self._marketplace_id, "includedData": "summaries"}
        try:
            self._call("GET", path, params=params, missing=missing)
        except ChannelApiRejected as exc:
            # A 404 says so first: the seller does not sell the SKU here, which is no failure.
            if str(exc).startswith(missing):
                raise ChannelApiNotListed(str(exc)) from exc
            raise
        return path

    def _call(self, method: str, path: str, *, missing: str | None = None, empty: bool = False, **request: Any) -> Any:
        """The answer's JSON (``None`` when ``empty``, for a 204), or the error it means."""

        def send(token: str) -> httpx.Response:
            headers = {"x-amz-access-token": token}
            return sent(self._http, method, path, api="SP-API", headers=headers, **request)

        response = authorized(self._tokens, send)
        what = f"SP-API answered HTTP {response.status_code} to {method} {path}: {response.text[:200]}"
        if empty:
            raise_for_refusal(response, what, delay_ms=rate_delay_ms, missing=missing)
            return None
        return json_or_error(response, what, delay_ms=rate_delay_ms, missing=missing)


def writer_for(
    options: AmazonOptions,
    *,
    environ: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 10.0,
    channel: str = "amazon",
) -> AmazonWriter | None:
    """None when the channel's options give no API credentials (the channel is then not written
    to), or no ``seller_id`` and ``marketplace_id``. ``channel`` names it in Login with Amazon's
    refusals."""
    if options.seller_id is None or options.marketplace_id is None:
        return None
    tokens = tokens_for(options, environ, channel=channel, timeout_seconds=timeout_seconds, transport=transport)
    if tokens is None:
        return None
    return AmazonWriter(
        options.api_base_url,
        tokens,
        seller_id=options.seller_id,
        marketplace_id=options.marketplace_id,
        timeout_seconds=timeout_seconds,
        transport=transport,
    )


def _package_items(notice: ShipmentNotice, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The package's ``orderItems``: each line's quantity taken from the order's unshipped items of
    its SKU; empty when nothing of the lines is left to ship (the shipment was confirmed)."""
    unshipped = {
        str(item.get("OrderItemId")): int(item.get("QuantityOrdered", 0)) - int(item.get("QuantityShipped", 0))
        for item in items
    }
    package: list[dict[str, Any]] = []
    for line in notice.lines:
        matching = [str(item.get("OrderItemId")) for item in items if item.get("SellerSKU") == line.sku]
        if not matching:
            raise ChannelApiRejected(f"Amazon order {notice.order_id} has no item with SKU {line.sku} to ship")
        wanted = line.quantity
        for item_id in matching:
            taken = min(wanted, unshipped[item_id])
            if taken > 0:
                package.append({"orderItemId": item_id, "quantity": taken})
                unshipped[item_id] -= taken
                wanted -= taken
    return package


def _package_reference(shipment_id: str) -> str:
    """A positive number for ``shipment_id``, as SP-API's ``packageReferenceId`` must be."""
    if shipment_id.isdigit() and int(shipment_id) > 0:
        return shipment_id
    return str(int(hashlib.sha256(shipment_id.encode()).hexdigest()[:15], 16) or 1)


def _issues(issues: Any) -> str:
    """SP-API's issues, one ``code: message`` after another."""
    found = [issue for issue in issues or [] if isinstance(issue, dict)]
    if not found:
        return "no issue given"
    return "; ".join(f"{issue.get('code')}: {issue.get('message')}" for issue in found)[:400]
