"""A Square seller told of the ERP's stock and shipments, through its Catalog, Inventory and
Orders APIs.

    >>> writer = writer_for(options, environ=os.environ)
    >>> writer.set_stock(StockNotice(sku="SKU-0001", available=5, version=7))

Stock: ``POST v2/catalog/search`` (an ``exact_query`` on ``sku`` over ``ITEM_VARIATION``s) finds
the variation the first time a SKU is written; then ``POST v2/inventory/changes/batch-create``
with one ``PHYSICAL_COUNT`` (``IN_STOCK`` at the location). Its idempotency key is derived from
the SKU, the version, the variation and the location, so a notice sent again is counted once. The
location is the channel's ``location_id``, or the seller's one active location
(``GET v2/locations``, asked once).

Shipments: ``GET v2/orders/<id>``, then ``PUT v2/orders/<id>`` at the order's ``version`` with
its open ``SHIPMENT`` fulfillment ``COMPLETED`` and the tracking in ``shipment_details`` (its
``shipping_note`` carries the shipment's id); the idempotency key is the shipment's id. An order
whose shipment fulfillment is already completed holds the shipment.

Square answers a key used again with another body ``IDEMPOTENCY_KEY_REUSED``: the first request
with it was done, so that is success. An order changed meanwhile is ``VERSION_MISMATCH``: tried
again, the order is read anew.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from channels.square import SquareOptions
from events.outbound import ShipmentNotice, StockNotice
from tasks.answers import json_or_error
from tasks.errors import ChannelApiNotListed, ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client, sent
from tasks.outbound.skus import SkuIds
from tasks.outbound.writer import shipment_marker
from tasks.square import SQUARE_VERSION

__all__ = ["SquareWriter", "writer_for"]

logger = logging.getLogger(__name__)

#: Fulfillment states a shipment can still be completed from.
_OPEN = frozenset({"PROPOSED", "RESERVED", "PREPARED"})


class SquareWriter:
    """Writes one seller's stock (at ``location_id``, or its one active location) and shipments
    with its access token (implements :class:`~tasks.outbound.writer.ChannelWriter`).
    ``timeout_seconds`` bounds each call. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        location_id: str | None = None,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}", "Square-Version": SQUARE_VERSION, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)
        self._location_id = location_id
        self._variations = SkuIds(self._variation_id)

    def set_stock(self, notice: StockNotice) -> None:
        location = self._location()

        def count(variation_id: str) -> None:
            key = hashlib.sha256(f"{notice.sku}\n{notice.version}\n{variation_id}\n{location}".encode()).hexdigest()
            change = {
                "catalog_object_id": variation_id,
                "state": "IN_STOCK",
                "location_id": location,
                "quantity": str(notice.available),
                "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            }
            body = {
                "idempotency_key": f"stock-{key[:40]}",
                "changes": [{"type": "PHYSICAL_COUNT", "physical_count": change}],
            }
            self._call("POST", "v2/inventory/changes/batch-create", json=body)

        self._variations.write(notice.sku, count)

    def fulfill(self, notice: ShipmentNotice) -> None:
        path = f"v2/orders/{notice.order_id}"
        missing = f"Square has no order {notice.order_id} (it may belong to another seller):"
        answer = self._call("GET", path, missing=missing)
        order = answer.get("order") if isinstance(answer, dict) else None
        if not isinstance(order, dict):
            raise ChannelApiRejected(f"Square answered GET {path} without an order")
        shipments = [f for f in order.get("fulfillments") or [] if isinstance(f, dict) and f.get("type") == "SHIPMENT"]
        if any(_records(fulfillment, notice) for fulfillment in shipments):
            return
        open_ = [fulfillment for fulfillment in shipments if fulfillment.get("state") in _OPEN]
        if not open_:
            if any(fulfillment.get("state") == "COMPLETED" for fulfillment in shipments):
                logger.warning(
                    "Square order %s's shipment was completed by someone else; shipment %s's tracking is not added.",
                    notice.order_id,
                    notice.shipment_id,
                )
                return
            raise ChannelApiRejected(f"Square order {notice.order_id} has no open SHIPMENT fulfillment to complete")
        update = {
            "location_id": order.get("location_id"),
            "version": order.get("version"),
            "fulfillments": [{"uid": open_[0]["uid"], "state": "COMPLETED", "shipment_details": _details(notice)}],
        }
        self._call("PUT", path, json={"idempotency_key": f"ship-{notice.shipment_id}"[:192], "order": update})

    def close(self) -> None:
        self._http.close()

    def _location(self) -> str:
        """The channel's location, or the seller's one active location (asked once)."""
        if self._location_id is None:
            answer = self._call("GET", "v2/locations")
            found = answer.get("locations") or [] if isinstance(answer, dict) else []
            active = [
                str(place["id"]) for place in found if isinstance(place, dict) and place.get("status") == "ACTIVE"
            ]
            if len(active) != 1:
                raise ChannelApiRejected(
                    f"the Square seller has {len(active)} active locations: give the channel the "
                    "location_id its stock levels are written to"
                )
            self._location_id = active[0]
        return self._location_id

    def _variation_id(self, sku: str) -> str:
        query = {"exact_query": {"attribute_name": "sku", "attribute_value": sku}}
        found = self._call("POST", "v2/catalog/search", json={"object_types": ["ITEM_VARIATION"], "query": query})
        for entry in found.get("objects") or [] if isinstance(found, dict) else []:
            data = entry.get("item_variation_data") if isinstance(entry, dict) else None
            if isinstance(data, dict) and data.get("sku") == sku and not entry.get("is_deleted"):
                return str(entry["id"])
        raise ChannelApiNotListed(
            f"the Square seller's catalog has no item variation with SKU {sku}: "
            "give the variation that SKU in Square, or stop stocking it for this channel"
        )

    def _call(self, method: str, path: str, *, missing: str | None = None, **request: Any) -> Any:
        response = sent(self._http, method, path, api="Square", **request)
        codes = _error_codes(response)
        if "IDEMPOTENCY_KEY_REUSED" in codes:
            return {}
        what = f"Square answered HTTP {response.status_code} to {method} {path}: {response.text[:200]}"
        if "VERSION_MISMATCH" in codes:
            raise ChannelApiTransient(f"{what} (the order changed meanwhile; it is read again)")
        return json_or_error(response, what, missing=missing)


def writer_for(
    options: SquareOptions,
    *,
    environ: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
    timeout_seconds: float = 10.0,
) -> SquareWriter | None:
    """None when the channel's options give no API credentials (the channel is then not written to)."""
    token = options.token_from(environ)
    if options.api_base_url is None or token is None:
        return None
    return SquareWriter(
        options.api_base_url,
        token,
        location_id=options.location_id,
        timeout_seconds=timeout_seconds,
        transport=transport,
    )


def _records(fulfillment: dict[str, Any], notice: ShipmentNotice) -> bool:
    details = fulfillment.get("shipment_details") or {}
    if fulfillment.get("state") != "COMPLETED" or not isinstance(details, dict):
        return False
    tracked = bool(notice.tracking_number) and details.get("tracking_number") == notice.tracking_number
    return tracked or shipment_marker(notice) in str(details.get("shipping_note") or "")


def _details(notice: ShipmentNotice) -> dict[str, str]:
    details = {
        "carrier": notice.carrier,
        "tracking_number": notice.tracking_number,
        "tracking_url": notice.tracking_url,
        "shipped_at": notice.shipped_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "shipping_note": shipment_marker(notice),
    }
    return {name: value for name, value in details.items() if value}


def _error_codes(response: httpx.Response) -> set[str]:
    """The ``code`` of each of Square's ``errors`` in a refusal."""
    if response.is_success:
        return set()
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return set()
    return {str(error.get("code")) for error in errors or [] if isinstance(error, dict)}
