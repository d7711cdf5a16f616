"""One read of the ERP, published: each SKU whose stock moved, to each channel; each done shipment,
to its order's channel.

A read covers what changed since its cursor, and then moves the cursor to ``overlap`` before the
read began (never back): a change the ERP committed late under an earlier timestamp is read by
the next reads still, as long as the ERP's clock and this process's agree within ``overlap``.
The cursor moves only once RabbitMQ confirmed every message the read published, so a crash
between the two publishes again rather than losing anything; what is published twice is dropped
downstream (a stock level the channel holds already, a shipment told already) or here (a
shipment claimed already).

Stock levels of one read share one version, taken from Redis's counter before publishing and
announced as the SKU's latest on each channel, so a worker holding an older level drops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from erp.outbound import DoneShipment, OutboundReader
from events.outbound import ShipmentNotice, StockNotice
from outbound.cursors import Cursor, OutboundState
from queues.outbound import notice_message
from tasks.outbound.levels import StockLevels

__all__ = ["OutboundPoller", "PollReport", "Publisher"]

logger = logging.getLogger(__name__)


class Publisher(Protocol):
    """Publishes to RabbitMQ and returns once it confirmed (:class:`~queues.process_publisher.ProcessPublisher`)."""

    def publish(self, routing_key: str, body: bytes, *, message_id: str) -> None: ...


@dataclass(frozen=True)
class PollReport:
    """What one read published: stock messages (one per channel and SKU) and shipment messages."""

    stock: int
    shipments: int


class OutboundPoller:
    """Reads ``reader`` and publishes to ``queue`` for ``channels`` (those with a writer).

    ``clock`` gives the ERP's now (naive UTC, as Tryton stamps rows), for the first read.
    """

    def __init__(
        self,
        reader: OutboundReader,
        state: OutboundState,
        levels: StockLevels,
        publisher: Publisher,
        *,
        channels: Sequence[str],
        queue: str,
        overlap: timedelta,
        first_lookback: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC).replace(tzinfo=None),
    ) -> None:
        self._reader = reader
        self._state = state
        self._levels = levels
        self._publisher = publisher
        self._channels = tuple(channels)
        self._queue = queue
        self._overlap = overlap
        self._first_lookback = first_lookback
        self._clock = clock

    @property
    def channels(self) -> tuple[str, ...]:
        return self._channels

    def poll(self) -> PollReport:
        """Read and publish stock, then shipments.

        Raises:
            ErpError: the ERP did not answer (nothing moved).
            QueueError: Redis or RabbitMQ did not (the cursor stays).
        """
        return PollReport(stock=self._stock(), shipments=self._shipments())

    def _window(self, which: Cursor) -> tuple[datetime, datetime]:
        """Where a read starts, and where the cursor moves once it is published."""
        now = self._clock()
        cursor = self._state.cursor(which)
        since = cursor if cursor is not None else now - self._first_lookback
        return since, max(since, now - self._overlap)

    def _stock(self) -> int:
        since, after = self._window("stock")
        read = self._reader.stock_since(since)
        published = 0
        if read.levels and self._channels:
            version = self._state.next_version()
            for sku, available in sorted(read.levels.items()):
                notice = StockNotice(sku=sku, available=available, version=version)
                for channel in self._channels:
                    self._levels.announce(channel, sku, version)
                    self._publish(channel, notice)
                    published += 1
        self._state.move("stock", after)
        return published

    def _shipments(self) -> int:
        since, after = self._window("shipments")
        read = self._reader.shipments_since(since)
        published = sum(self._shipment(shipment) for shipment in read.shipments)
        self._state.move("shipments", after)
        return published

    def _shipment(self, shipment: DoneShipment) -> int:
        channel, _, order_id = shipment.sale_reference.partition(":")
        if channel not in self._channels or not order_id:
            return 0
        if not self._state.claim_shipment(channel, shipment.shipment_id):
            return 0
        notice = ShipmentNotice(
            order_id=order_id,
            shipment_id=shipment.shipment_id,
            lines=shipment.lines,
            tracking_number=shipment.tracking_number,
            shipped_at=shipment.shipped_at,
        )
        try:
            self._publish(channel, notice)
        except Exception:
            self._state.unclaim_shipment(channel, shipment.shipment_id)
            raise
        logger.info("Published shipment %s of %s to %s.", shipment.shipment_id, shipment.sale_reference, channel)
        return 1

    def _publish(self, channel: str, notice: StockNotice | ShipmentNotice) -> None:
        message = notice_message(channel, notice, self._queue)
        self._publisher.publish(self._queue, message.encode(), message_id=message.message_id)
