"""Amazon Selling Partner API notifications, which arrive on an SQS queue, not over HTTP.

Nothing is signed: IAM protects the queue (only Amazon's principal may send to it), so
verification is a no-op and the channel has no secrets. The SQS receiver
(:mod:`receivers.sqs`) hands each message body to the intake like a webhook body. It is the
notification envelope ``{"NotificationType", "EventTime", "Payload", "NotificationMetadata":
{"NotificationId", "PublishTime", ...}}``, PascalCase for the types read here (some newer types
are camelCase, also read), or an EventBridge event carrying it as ``detail``. Deliveries are
deduplicated on ``NotificationMetadata.NotificationId``: SQS delivers at least once.

An ``ORDER_CHANGE`` carries no prices: the worker fetches the order from SP-API's Orders API
(the channel's ``api_base_url``, with an access token or Login with Amazon credentials, see
:class:`~channels.amazon.AmazonOptions`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from events import topics
from events.timestamps import parse_instant
from receivers.errors import MalformedRequest
from receivers.providers.base import Delivery, Provider, parse_json_object, require_id

__all__ = ["AmazonProvider"]

ORDER_CHANGE = "ORDER_CHANGE"
#: Notification types that report a SKU's stock, by where they name the SKU in their payload.
INVENTORY_SKU_FIELDS: Mapping[str, str] = MappingProxyType(
    {"FBA_INVENTORY_AVAILABILITY_CHANGES": "SKU", "LISTINGS_ITEM_MFN_QUANTITY_CHANGE": "Sku"}
)


class AmazonProvider(Provider):
    """Reads SP-API notifications taken from SQS."""

    name: ClassVar[str] = "amazon"
    transport: ClassVar[Literal["http", "sqs"]] = "sqs"

    def signing_key(self, secret: str) -> bytes:
        raise ValueError("Amazon channels take no secrets: IAM protects their SQS queue")

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        # Nothing to check: only principals the queue's policy allows could have sent it.
        return None

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        notification = _unwrap(parse_json_object(body))
        metadata = _object(notification, "NotificationMetadata")
        delivery_id = require_id(_field(metadata, "NotificationId"), "NotificationMetadata.NotificationId")
        kind = _field(notification, "NotificationType")
        if not isinstance(kind, str) or not kind:
            raise MalformedRequest("the notification has no NotificationType")
        topic, entity_id = _classify(kind, _object(notification, "Payload"))
        occurred_at = parse_instant(_field(notification, "EventTime")) or parse_instant(_field(metadata, "PublishTime"))
        return Delivery(
            delivery_id=delivery_id,
            source_topic=kind,
            topic=topic,
            entity_id=entity_id or delivery_id,
            occurred_at=occurred_at or received_at,
        )


def _classify(kind: str, payload: dict[str, Any]) -> tuple[str, str | None]:
    if kind == ORDER_CHANGE:
        return _order_change(_object(payload, "OrderChangeNotification"))
    if kind in INVENTORY_SKU_FIELDS:
        field = INVENTORY_SKU_FIELDS[kind]
        return topics.INVENTORY_UPDATED, require_id(payload.get(field), f"Payload.{field}")
    return kind, None


def _order_change(change: dict[str, Any]) -> tuple[str, str]:
    order_id = require_id(change.get("AmazonOrderId"), "AmazonOrderId")
    summary = change.get("Summary")
    status = summary.get("OrderStatus") if isinstance(summary, dict) else None
    # A buyer's cancel *request* leaves the order Unshipped: only the status says it is cancelled.
    return (topics.ORDER_CANCELLED if status == "Canceled" else topics.ORDER_UPDATED), order_id


def _unwrap(body: dict[str, Any]) -> dict[str, Any]:
    # Types delivered through EventBridge (and routed on to SQS) carry the notification as detail.
    detail = body.get("detail")
    return detail if "detail-type" in body and isinstance(detail, dict) else body


def _field(container: dict[str, Any], name: str) -> Any:
    if name in container:
        return container[name]
    return container.get(name[0].lower() + name[1:])


def _object(container: dict[str, Any], name: str) -> dict[str, Any]:
    value = _field(container, name)
    if not isinstance(value, dict):
        raise MalformedRequest(f"the notification's {name} must be a JSON object")
    return value
