"""Confirmed, persistent publishing into the lanes, for asyncio processes (the receivers)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

import aiormq
import aiormq.abc
from aiormq.exceptions import AMQPError
from pamqp import commands as spec

from queues.errors import PublishFailed
from queues.topology import DEAD_LETTER_ARGUMENTS, LaneQueues, ready_arguments

__all__ = ["ConfirmedPublisher"]

logger = logging.getLogger(__name__)

_FAILURES = (AMQPError, OSError, asyncio.TimeoutError, RuntimeError)
_PERSISTENT = 2


class ConfirmedPublisher:
    """Publishes persistent messages and returns only once RabbitMQ has confirmed each one.

    One connection and one confirm-mode channel serve every request of the process; confirms are
    pipelined, so concurrent publishes do not wait on each other. A lost connection is re-opened
    by the next publish, which declares the lanes' queues again (within ``connect_timeout``
    seconds). While RabbitMQ stays unreachable, publishes fail at once for ``retry_interval``
    seconds instead of each waiting on a connect. A publish itself has no deadline of its own:
    callers bound it (RabbitMQ can hold confirms back for as long as a resource alarm lasts).

    >>> publisher = ConfirmedPublisher(url, lanes, connect_timeout=3.0)
    >>> await publisher.publish("weir.critical", body, message_id="...")
    """

    def __init__(
        self,
        url: str,
        lanes: Sequence[LaneQueues],
        *,
        connect_timeout: float,
        retry_interval: float = 1.0,
    ) -> None:
        if connect_timeout <= 0 or retry_interval < 0:
            raise ValueError("connect_timeout must be positive and retry_interval not negative")
        self._url = url
        self._lanes = tuple(lanes)
        self._connect_timeout = connect_timeout
        self._retry_interval = retry_interval
        self._connection: aiormq.abc.AbstractConnection | None = None
        self._channel: aiormq.abc.AbstractChannel | None = None
        self._lock = asyncio.Lock()
        self._retry_at = 0.0

    async def publish(self, routing_key: str, body: bytes, *, message_id: str) -> None:
        """Publish ``body`` to the queue ``routing_key`` and wait for RabbitMQ's confirm.

        Raises:
            PublishFailed: RabbitMQ is unreachable, refused the message, could not route it, or
                lost the connection before confirming. The message may still have arrived.
        """
        channel = await self._open_channel()
        properties = spec.Basic.Properties(
            delivery_mode=_PERSISTENT, message_id=message_id, content_type="application/json"
        )
        try:
            confirmation = await channel.basic_publish(
                body, routing_key=routing_key, properties=properties, mandatory=True
            )
        except _FAILURES as exc:
            raise PublishFailed(f"RabbitMQ did not confirm the message: {exc!r}") from exc
        if not isinstance(confirmation, spec.Basic.Ack):
            raise PublishFailed(f"RabbitMQ refused the message: {confirmation!r}")

    async def check(self) -> bool:
        """Whether RabbitMQ is reachable now (a connection is open or can be opened)."""
        try:
            await self._open_channel()
        except PublishFailed:
            return False
        return True

    async def close(self) -> None:
        """Close the connection; a later publish opens a new one."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            await self._quietly_close(connection)

    async def _open_channel(self) -> aiormq.abc.AbstractChannel:
        channel = self._channel
        if channel is not None and not channel.is_closed:
            return channel
        async with self._lock:
            if self._channel is not None and not self._channel.is_closed:
                return self._channel
            if time.monotonic() < self._retry_at:
                raise PublishFailed("RabbitMQ was unreachable moments ago; not retrying yet")
            return await self._connect()

    async def _connect(self) -> aiormq.abc.AbstractChannel:
        await self.close()
        connection: aiormq.abc.AbstractConnection | None = None
        try:
            async with asyncio.timeout(self._connect_timeout):
                connection = await aiormq.connect(self._url)
                channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                await self._declare(channel)
        except _FAILURES as exc:
            self._retry_at = time.monotonic() + self._retry_interval
            if connection is not None:
                await self._quietly_close(connection)
            logger.warning("Cannot open a confirmed channel to RabbitMQ: %r", exc)
            raise PublishFailed(f"RabbitMQ is unreachable: {exc!r}") from exc
        self._connection, self._channel = connection, channel
        logger.info("Opened a confirmed channel to RabbitMQ and declared %d lanes.", len(self._lanes))
        return channel

    async def _declare(self, channel: aiormq.abc.AbstractChannel) -> None:
        for lane in self._lanes:
            arguments = ready_arguments(lane.ready)
            await channel.queue_declare(lane.ready, durable=True, arguments=arguments)
            await channel.queue_declare(lane.delayed, durable=True, arguments=arguments)
            await channel.queue_declare(lane.dead, durable=True, arguments=DEAD_LETTER_ARGUMENTS)

    @staticmethod
    async def _quietly_close(connection: aiormq.abc.AbstractConnection) -> None:
        try:
            await connection.close()
        except _FAILURES:
            logger.debug("Closing a broken RabbitMQ connection failed, as broken ones do.", exc_info=True)
