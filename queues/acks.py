"""A consumer's acknowledgements, gathered and sent together.

Dramatiq's RabbitMQ consumer sends one ``basic.ack`` per message, each its own pass through
pika's I/O loop on the consumer's thread (a frame written, the socket polled until it left). With
8 worker threads that was a fifth of a worker process's time at the interpreter lock.
:class:`ChannelAcks` gathers what the worker threads settle and sends it in one pass of the
consumer's thread:

1. the nacks, one by one (they are rare);
2. one ``basic.ack`` with ``multiple`` set, for the run of settled deliveries at the head of the
   channel (from the oldest delivery not yet acknowledged);
3. a single ``basic.ack`` for each settled delivery behind one still in progress (or waiting
   for its eta), so that no acknowledgement waits for another message.

All but the last of these frames are written without waiting for them to leave (pika's blocking
channel waits for each); the last one's wait sends them all, in order.

A multiple ack covers only deliveries that are every one settled: nothing is acknowledged before
its worker is done with it, as before.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Literal, Protocol

__all__ = ["AckChannel", "ChannelAcks"]

_Frame = tuple[Literal["nack", "ack", "ack-up-to"], int]


class AckChannel(Protocol):
    """The part of pika's ``BlockingChannel`` that settles deliveries."""

    def basic_ack(self, delivery_tag: int = 0, multiple: bool = False) -> None: ...

    def basic_nack(self, delivery_tag: int = 0, multiple: bool = False, requeue: bool = True) -> None: ...


class ChannelAcks:
    """The settlements of one channel's deliveries.

    ``schedule(callback)`` must run ``callback`` later, in the order scheduled, on the thread that
    owns ``channel`` (pika's ``BlockingConnection.add_callback_threadsafe``); it may raise if
    the connection is closed. :meth:`delivered` is called on that thread too, for each delivery
    in the order the channel delivered them. :meth:`ack` and :meth:`nack` may be called from
    any thread.

    ``unflushed``, if given, writes the same frames as ``channel`` without waiting for them to
    leave (pika's ``Channel`` under the ``BlockingChannel``).
    """

    def __init__(
        self,
        channel: AckChannel,
        schedule: Callable[[Callable[[], None]], None],
        *,
        unflushed: AckChannel | None = None,
    ) -> None:
        self._channel = channel
        self._unflushed = unflushed or channel
        self._schedule = schedule
        self._lock = threading.Lock()
        self._open: dict[int, object] = {}
        self._acks: list[int] = []
        self._nacks: list[int] = []
        self._scheduled = False
        # The owner thread's alone: deliveries not yet covered by a multiple ack, in order, and
        # those of them already settled by a frame of their own.
        self._order: deque[int] = deque()
        self._sent: set[int] = set()
        self._last = 0

    def delivered(self, tag: int, message: object) -> None:
        """``message`` arrived as delivery ``tag``; it is open until acked or nacked."""
        skipped = range(self._last + 1, tag)
        if skipped:
            # Deliveries the consumer settled itself (Dramatiq nacks a body it cannot decode):
            # they are counted as sent once a callback scheduled after their nack has run.
            self._order.extend(skipped)
            self._schedule(lambda: self._sent.update(skipped))
        self._last = tag
        with self._lock:
            self._open[tag] = message
        self._order.append(tag)

    def ack(self, tag: int, message: object) -> bool:
        """Acknowledge delivery ``tag`` soon; False if it is not ``message`` or not open
        (it came through an earlier channel, or was settled already)."""
        return self._settle(tag, message, self._acks)

    def nack(self, tag: int, message: object) -> bool:
        """Reject delivery ``tag`` (to its dead-letter queue) soon; False as for :meth:`ack`."""
        return self._settle(tag, message, self._nacks)

    def _settle(self, tag: int, message: object, into: list[int]) -> bool:
        with self._lock:
            if self._open.get(tag) is not message:
                return False
            del self._open[tag]
            into.append(tag)
            if self._scheduled:
                return True
            self._scheduled = True
        try:
            self._schedule(self._send)
        except BaseException:
            with self._lock:
                self._scheduled = False
            raise
        return True

    def _send(self) -> None:
        with self._lock:
            acks, self._acks = set(self._acks), []
            nacks, self._nacks = self._nacks, []
            self._scheduled = False
        frames: list[_Frame] = [("nack", tag) for tag in nacks]
        self._sent.update(nacks)
        head = self._head_run(acks)
        if head:
            frames.append(("ack-up-to", head))
        # Those behind a delivery still open go one by one; the head run takes them later.
        frames.extend(("ack", tag) for tag in sorted(acks))
        self._sent.update(acks)
        self._write(frames)

    def _head_run(self, acks: set[int]) -> int:
        """Take the settled deliveries at the head of the order; return the last of them that
        is in ``acks`` (removing those from it), or 0."""
        head = 0
        while self._order and (self._order[0] in acks or self._order[0] in self._sent):
            tag = self._order.popleft()
            if tag in acks:
                acks.discard(tag)
                head = tag
            else:
                self._sent.discard(tag)
        return head

    def _write(self, frames: list[_Frame]) -> None:
        for number, (kind, tag) in enumerate(frames, start=1):
            channel = self._channel if number == len(frames) else self._unflushed
            if kind == "nack":
                channel.basic_nack(tag, requeue=False)
            else:
                channel.basic_ack(tag, multiple=kind == "ack-up-to")
