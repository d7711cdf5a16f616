"""The outbound actors: a stock level or a shipment told to one channel.

``set_channel_stock(channel, notice)`` tells the channel a :class:`~events.outbound.StockNotice`
unless a newer level was published or told (superseded) or the channel holds that level already
(unchanged; a level the channel answered *not listed* counts as told);
``fulfill_channel_order(channel, notice)`` tells it a :class:`~events.outbound.ShipmentNotice`
unless it was told already. Both are acknowledged without a call in those cases, and counted.
Failures are the writers' (:mod:`tasks.errors`): the retry policy defers 429s and closed gates,
retries the channel's own failures and dead-letters refusals with their reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import dramatiq
from dramatiq import Actor, Broker
from pydantic import BaseModel, ValidationError

from events.errors import PayloadError, validation_summary
from events.outbound import ShipmentNotice, StockNotice
from tasks.actors import RETRY_POLICY, TIME_LIMIT_MS
from tasks.errors import ChannelApiDeferred, ChannelApiNotListed
from tasks.outbound.channels import ChannelWriters
from tasks.outbound.levels import ShippedMarks, StockLevels

__all__ = ["BUSY_DELAY_MS", "Outcome", "declare_outbound_actors"]

N = TypeVar("N", bound=BaseModel)

#: What became of a notice: told (``sent``), or spared a call, and why.
Outcome = Literal["sent", "superseded", "unchanged", "not_listed", "told"]

logger = logging.getLogger(__name__)

#: How long a stock notice waits while another worker tells its channel of the same SKU, in ms.
BUSY_DELAY_MS = 500


def declare_outbound_actors(
    broker: Broker,
    writers: ChannelWriters,
    levels: StockLevels,
    shipped: ShippedMarks,
    count: Callable[[str, Outcome], None],
    *,
    stock_actor: str,
    shipment_actor: str,
    queue_name: str,
) -> tuple[Actor[Any, None], Actor[Any, None]]:
    """Declare the stock and shipment actors on ``broker``, telling channels through ``writers``,
    and ``count(channel, outcome)`` what became of each notice."""

    def set_channel_stock(channel: str, body: dict[str, Any]) -> None:
        notice = _notice(StockNotice, body)
        token = levels.hold(channel, notice.sku)
        if token is None:
            raise ChannelApiDeferred(
                f"{notice.sku} of {channel} is being told by another worker", delay_ms=BUSY_DELAY_MS
            )
        try:
            verdict = levels.judge(channel, notice)
            if verdict != "send":
                count(channel, verdict)
                logger.info("Stock of %s v%d for %s %s.", notice.sku, notice.version, channel, verdict)
                return
            try:
                writers.tell(channel, lambda writer: writer.set_stock(notice))
            except ChannelApiNotListed as exc:
                # The channel's answer to this level: the overlapping reads' copies of it are
                # then unchanged and cost no lookup; a new level asks again (it may be listed since).
                levels.record_sent(channel, notice)
                count(channel, "not_listed")
                logger.info("Channel %s sells no %s: %s", channel, notice.sku, exc)
                return
            levels.record_sent(channel, notice)
            count(channel, "sent")
            logger.info("Told %s: %s available of %s (v%d).", channel, notice.available, notice.sku, notice.version)
        finally:
            levels.release(channel, notice.sku, token)

    def fulfill_channel_order(channel: str, body: dict[str, Any]) -> None:
        notice = _notice(ShipmentNotice, body)
        if shipped.told(channel, notice.shipment_id):
            count(channel, "told")
            return
        writers.tell(channel, lambda writer: writer.fulfill(notice))
        shipped.mark(channel, notice.shipment_id)
        count(channel, "sent")
        logger.info(
            "Told %s of shipment %s of order %s (tracking %s).",
            channel,
            notice.shipment_id,
            notice.order_id,
            notice.tracking_number,
        )

    options: dict[str, Any] = {"queue_name": queue_name, "broker": broker, "time_limit": TIME_LIMIT_MS, **RETRY_POLICY}
    stock = dramatiq.actor(actor_name=stock_actor, **options)(set_channel_stock)
    shipment = dramatiq.actor(actor_name=shipment_actor, **options)(fulfill_channel_order)
    return stock, shipment


def _notice(model: type[N], body: Any) -> N:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise PayloadError(f"the message does not carry a {model.__name__}: {validation_summary(exc)}") from exc
