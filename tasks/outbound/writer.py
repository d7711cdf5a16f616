"""What a channel writer does: one channel's API told one stock level or one shipment.

A writer classifies every failure into :mod:`tasks.errors`: a 429 is
:class:`~tasks.errors.ChannelApiDeferred` with the channel's ``Retry-After`` in milliseconds; no
answer or a 5xx is :class:`~tasks.errors.ChannelApiTransient`; anything the same call would fail
again (unknown SKU on the channel, refused token, a 4xx) is
:class:`~tasks.errors.ChannelApiRejected`, with a reason on-call can act on. A writer does not
wait, retry or count its calls against a budget: the worker's middleware does, per channel.
"""

from __future__ import annotations

from typing import Protocol

from events.outbound import ShipmentNotice, StockNotice

__all__ = ["ChannelWriter", "shipment_marker"]


class ChannelWriter(Protocol):
    """Tells one channel (one store, one seller account) what the ERP holds."""

    def set_stock(self, notice: StockNotice) -> None:
        """Set the channel's available quantity of ``notice.sku`` to ``notice.available``
        (absolute, never a delta, so sending it twice is harmless)."""
        ...

    def fulfill(self, notice: ShipmentNotice) -> None:
        """Record the shipment on the channel's order, with its tracking, once: a shipment the
        channel already holds (found by ``notice.shipment_id`` or its tracking number) is success."""
        ...

    def close(self) -> None:
        """Release the writer's connections."""
        ...


def shipment_marker(notice: ShipmentNotice) -> str:
    """The text a writer leaves on the channel with a shipment (a note, a comment) and looks for
    before telling it again: one spelling for every channel, so a shipment told is found again."""
    return f"(Weir shipment {notice.shipment_id})"
