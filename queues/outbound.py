"""How an outbound notice travels: a Dramatiq message for the outbound actors, carrying the channel
and the notice.

The ``outbound`` process writes these bytes itself (it never imports the actors) and the outbound
worker's Dramatiq decodes them, as :mod:`queues.message` is for events.
"""

from __future__ import annotations

import time
from typing import Any

from dramatiq import Message
from dramatiq.broker import MessageProxy

from events.outbound import ShipmentNotice, StockNotice

__all__ = ["SHIPMENT_ACTOR", "STOCK_ACTOR", "notice_message", "outbound_facts"]

#: The actor a stock notice is addressed to.
STOCK_ACTOR = "set_channel_stock"
#: The actor a shipment notice is addressed to.
SHIPMENT_ACTOR = "fulfill_channel_order"


def notice_message(channel: str, notice: StockNotice | ShipmentNotice, queue_name: str) -> Message[None]:
    """The message telling ``channel`` of ``notice``, on ``queue_name``. Its id names what it
    tells (``stock:<channel>:<sku>:<version>``, ``shipment:<channel>:<shipment id>``), so the dead
    letters say it at a glance."""
    if isinstance(notice, StockNotice):
        actor, message_id = STOCK_ACTOR, f"stock:{channel}:{notice.sku}:{notice.version}"
    else:
        actor, message_id = SHIPMENT_ACTOR, f"shipment:{channel}:{notice.shipment_id}"
    return Message(
        queue_name=queue_name,
        actor_name=actor,
        args=(channel, notice.model_dump(mode="json")),
        kwargs={},
        options={},
        message_id=message_id,
        message_timestamp=int(time.time() * 1000),
    )


def outbound_facts(message: Message[Any] | MessageProxy, lane: str) -> dict[str, str | None]:
    """What a dead letter's reason says of an outbound message: its channel, ``stock`` or
    ``shipment`` as the topic, and the SKU or shipment id as the entity."""
    try:
        channel, notice = message.args[0], message.args[1]
    except (IndexError, TypeError):
        return {}
    stock = message.actor_name == STOCK_ACTOR
    entity = notice.get("sku") if stock else notice.get("shipment_id")
    return {
        "lane": lane,
        "channel": str(channel),
        "topic": "stock" if stock else "shipment",
        "entity_id": None if entity is None else str(entity),
        "entity_key": None,
        "event_id": message.message_id,
        "correlation_id": None,
    }
