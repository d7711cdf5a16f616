"""One confirmed publishing connection per process, for synchronous callers on any thread.

Dramatiq's RabbitMQ broker gives every thread a blocking pika connection of its own, and such a
connection answers RabbitMQ's heartbeats only while its thread uses it. A worker thread that
publishes nothing for a minute (no deferral, no retry) has its connection closed by RabbitMQ
("missed heartbeats from client") and meets the reset on its next publish. Here one
:class:`~queues.publisher.ConfirmedPublisher` runs on an event loop of its own, in a thread
that answers heartbeats whatever the callers are doing, and pipelines the confirms of every
thread's publishes on one channel.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable

from queues.publisher import ConfirmedPublisher

__all__ = ["ProcessPublisher"]

logger = logging.getLogger(__name__)

#: How long closing waits for the connection to say goodbye, in seconds.
_CLOSE_TIMEOUT = 5.0


class ProcessPublisher:
    """Publishes through a publisher made by ``make`` on a thread the first publish starts.

    :meth:`publish` blocks its caller, on any thread but the publisher's own, until RabbitMQ
    confirmed the message. It has no deadline: as with a blocking pika channel, RabbitMQ may
    hold confirms back while a resource alarm lasts; a lost or silent connection fails it. A
    process forked after the thread started starts a thread of its own on its first publish.
    """

    def __init__(self, make: Callable[[], ConfirmedPublisher]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._running: tuple[asyncio.AbstractEventLoop, ConfirmedPublisher, threading.Thread] | None = None
        self._pid = 0

    def publish(self, routing_key: str, body: bytes, *, message_id: str) -> None:
        """Publish ``body`` to the queue ``routing_key`` and wait for RabbitMQ's confirm.

        Raises:
            PublishFailed: as :meth:`ConfirmedPublisher.publish <queues.publisher.ConfirmedPublisher.publish>`.
            RuntimeError: called on the publisher's own thread.
        """
        loop, publisher, thread = self._started()
        if threading.current_thread() is thread:
            raise RuntimeError("publish() would wait on its own event loop")
        sent = asyncio.run_coroutine_threadsafe(publisher.publish(routing_key, body, message_id=message_id), loop)
        sent.result()

    def close(self) -> None:
        """Close the connection (publishes in flight fail) and stop the thread; a later
        publish starts them again."""
        with self._lock:
            running, self._running = self._running, None
        if running is None or self._pid != os.getpid():
            return
        loop, publisher, thread = running
        try:
            asyncio.run_coroutine_threadsafe(publisher.close(), loop).result(_CLOSE_TIMEOUT)
        except Exception as exc:  # a connection that cannot say goodbye is dropped all the same
            logger.warning("The publishing connection did not close cleanly: %r", exc)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_CLOSE_TIMEOUT)

    def _started(self) -> tuple[asyncio.AbstractEventLoop, ConfirmedPublisher, threading.Thread]:
        running = self._running
        if running is not None and self._pid == os.getpid():
            return running
        with self._lock:
            if self._running is None or self._pid != os.getpid():
                self._running = self._start()
                self._pid = os.getpid()
            return self._running

    def _start(self) -> tuple[asyncio.AbstractEventLoop, ConfirmedPublisher, threading.Thread]:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=_serve, args=(loop,), name="weir-publisher", daemon=True)
        thread.start()
        return loop, self._make(), thread


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()
