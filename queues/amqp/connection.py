"""One AMQP connection with one confirm-mode channel, used only to publish."""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from pamqp import commands as spec
from pamqp.base import Frame
from pamqp.header import ContentHeader

from queues.amqp import wire
from queues.errors import PublishFailed

__all__ = ["AmqpConnection", "ConnectionSettings"]

logger = logging.getLogger(__name__)

_CHANNEL = 1


@dataclass(frozen=True)
class ConnectionSettings:
    """Where and as whom to connect; ``heartbeat_seconds`` is what we ask the broker for."""

    host: str
    port: int
    user: str
    password: str
    vhost: str
    heartbeat_seconds: int = 30

    @classmethod
    def from_url(cls, url: str) -> ConnectionSettings:
        """Settings from ``amqp://user:password@host:port/vhost[?heartbeat=seconds]`` (the
        vhost percent-encoded; ``heartbeat`` as pika reads it, 0 for none)."""
        parts = urlsplit(url)
        if parts.scheme != "amqp":
            raise ValueError(f"only amqp:// URLs are supported, not {parts.scheme}://")
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        heartbeat = parse_qs(parts.query).get("heartbeat")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5672,
            user=unquote(parts.username or "guest"),
            password=unquote(parts.password or "guest"),
            vhost=unquote(path) if path else "/",
            heartbeat_seconds=int(heartbeat[-1]) if heartbeat else cls.heartbeat_seconds,
        )


class AmqpConnection(asyncio.Protocol):
    """Publishes with confirms on channel 1; every failure becomes :class:`PublishFailed`.

    Create it with ``loop.create_connection``, then :meth:`open` it. Publishes written in one
    turn of the event loop leave in one write. Once :attr:`lost` is done the connection is
    finished: every publish in flight failed with the reason, and a new connection is needed.
    """

    def __init__(self, settings: ConnectionSettings) -> None:
        self._settings = settings
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._frames = wire.FrameBuffer()
        self._replies: asyncio.Queue[Frame] = asyncio.Queue()
        self._outgoing: list[bytes] = []
        self._frame_max = 4096
        self._next_tag = 0
        self._unconfirmed: collections.OrderedDict[int, tuple[asyncio.Future[None], bytes]] = collections.OrderedDict()
        self._tags_by_id: dict[bytes, int] = {}
        self._returned: set[int] = set()
        self._returning: bool = False
        self._heartbeat = 0.0
        self._last_received = time.monotonic()
        self._wrote_since_beat = False
        self._beat: asyncio.TimerHandle | None = None
        self.lost: asyncio.Future[None] = self._loop.create_future()
        self.failure: PublishFailed | None = None

    async def open(self) -> None:
        """Handshake, open the channel and turn publisher confirms on.

        Raises:
            PublishFailed: the broker refused (credentials, vhost) or the connection dropped.
        """
        self._write(wire.PROTOCOL_HEADER)
        await self._reply(spec.Connection.Start)
        self._send(spec.Connection.StartOk(
            client_properties={"product": "weir", "capabilities": {"connection.blocked": True}},
            mechanism="PLAIN",
            response=f"\0{self._settings.user}\0{self._settings.password}",
            locale="en_US",
        ), channel=0)  # fmt: skip
        tune = cast(spec.Connection.Tune, await self._reply(spec.Connection.Tune))
        self._frame_max = tune.frame_max or 131072
        self._heartbeat = _negotiate(tune.heartbeat, self._settings.heartbeat_seconds)
        self._send(spec.Connection.TuneOk(channel_max=1, frame_max=self._frame_max, heartbeat=int(self._heartbeat)), 0)
        self._send(spec.Connection.Open(virtual_host=self._settings.vhost), channel=0)
        await self._reply(spec.Connection.OpenOk)
        self._send(spec.Channel.Open(), channel=_CHANNEL)
        await self._reply(spec.Channel.OpenOk)
        self._send(spec.Confirm.Select(), channel=_CHANNEL)
        await self._reply(spec.Confirm.SelectOk)
        if self._heartbeat:
            self._beat = self._loop.call_later(self._heartbeat / 2, self._keep_alive)

    async def declare(self, queue: str, arguments: dict[str, Any]) -> None:
        """Declare a durable queue with ``arguments`` (the broker closes the connection when an
        existing queue has other arguments).

        Raises:
            PublishFailed: the broker refused the declaration or the connection dropped.
        """
        self._send(spec.Queue.Declare(queue=queue, durable=True, arguments=arguments), channel=_CHANNEL)
        await self._reply(spec.Queue.DeclareOk)

    def publish(self, routing_key: str, body: bytes, message_id: str) -> asyncio.Future[None]:
        """Publish a persistent, mandatory JSON message; the future completes on the confirm.

        The future fails with :class:`PublishFailed` when the broker nacks or returns the
        message (no queue for ``routing_key``) or the connection is lost first.
        """
        if self.lost.done():
            raise self.failure or PublishFailed("the connection to RabbitMQ is closed")
        identity = message_id.encode()
        frames = wire.publish(_CHANNEL, routing_key.encode(), body, identity, self._frame_max)
        if not self._outgoing:
            self._loop.call_soon(self._flush)
        self._outgoing.extend(frames)
        self._next_tag += 1
        confirmed: asyncio.Future[None] = self._loop.create_future()
        self._unconfirmed[self._next_tag] = (confirmed, identity)
        self._tags_by_id[identity] = self._next_tag
        return confirmed

    def close(self) -> None:
        """Close politely; publishes in flight fail."""
        if self._transport is not None and not self.lost.done():
            self._send(spec.Connection.Close(reply_code=200, reply_text="bye", class_id=0, method_id=0), channel=0)
            self._flush()
            self._transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._last_received = time.monotonic()
        try:
            frames = self._frames.feed(data)
        except ValueError as exc:
            self._abort(PublishFailed(f"RabbitMQ sent something that is not AMQP: {exc}"), hard=True)
            return
        for frame_type, _channel, payload, whole in frames:
            if frame_type == wire.METHOD and payload[:4] == wire.ACK:
                self._confirm(*wire.ack_of(payload), ok=True)
            elif frame_type == wire.METHOD:
                self._on_method(cast(Frame, wire.unmarshal(whole)))
            elif frame_type == wire.HEADER and self._returning:
                self._on_returned_header(cast(ContentHeader, wire.unmarshal(whole)))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._beat is not None:
            self._beat.cancel()
        self._fail_all(self.failure or PublishFailed(f"the connection to RabbitMQ was lost: {exc or 'closed'}"))
        if not self.lost.done():
            self.lost.set_result(None)

    # incoming

    def _on_method(self, method: Frame) -> None:
        if isinstance(method, spec.Basic.Nack):
            self._confirm(method.delivery_tag, method.multiple, ok=False)
        elif isinstance(method, spec.Basic.Return):
            self._returning = True
        elif isinstance(method, spec.Channel.Close):
            # Without its one channel the connection is useless: say goodbye and reconnect.
            self._send(spec.Channel.CloseOk(), channel=_CHANNEL)
            self._abort(PublishFailed(f"RabbitMQ closed the channel: {method.reply_code} {method.reply_text}"))
        elif isinstance(method, spec.Connection.Close):
            self._send(spec.Connection.CloseOk(), channel=0)
            self._abort(PublishFailed(f"RabbitMQ closed the connection: {method.reply_code} {method.reply_text}"))
        elif isinstance(method, spec.Connection.Blocked):
            logger.warning("RabbitMQ blocks publishing: %s", method.reason)
        elif isinstance(method, spec.Connection.Unblocked):
            logger.info("RabbitMQ accepts publishing again.")
        else:
            self._replies.put_nowait(method)

    def _on_returned_header(self, header: ContentHeader) -> None:
        # A returned message's header names it; its ack (which follows) must then fail.
        self._returning = False
        tag = self._tags_by_id.get((header.properties.message_id or "").encode())
        if tag is not None:
            self._returned.add(tag)

    def _confirm(self, tag: int, multiple: bool, *, ok: bool) -> None:
        while self._unconfirmed:
            first = next(iter(self._unconfirmed))
            if first > tag or (not multiple and first != tag):
                break
            self._settle(first, ok)
        if not multiple and tag in self._unconfirmed:
            self._settle(tag, ok)

    def _settle(self, tag: int, ok: bool) -> None:
        confirmed, identity = self._unconfirmed.pop(tag)
        self._tags_by_id.pop(identity, None)
        returned = tag in self._returned
        self._returned.discard(tag)
        if confirmed.done():
            return
        if returned:
            confirmed.set_exception(PublishFailed("RabbitMQ could not route the message to a queue"))
        elif not ok:
            confirmed.set_exception(PublishFailed("RabbitMQ refused the message (nack)"))
        else:
            confirmed.set_result(None)

    # outgoing

    async def _reply(self, expected: type[Frame]) -> Frame:
        reply = asyncio.ensure_future(self._replies.get())
        waiting: set[asyncio.Future[Any]] = {reply, self.lost}
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if reply not in done:
            reply.cancel()
            raise self.failure or PublishFailed("the connection to RabbitMQ was lost")
        frame = reply.result()
        if not isinstance(frame, expected):
            raise PublishFailed(f"RabbitMQ answered {frame.name} instead of {expected.name}")
        return frame

    def _send(self, value: Frame, channel: int) -> None:
        self._write(wire.method(channel, value))

    def _write(self, data: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)
            self._wrote_since_beat = True

    def _flush(self) -> None:
        data, self._outgoing = b"".join(self._outgoing), []
        self._write(data)

    def _keep_alive(self) -> None:
        if time.monotonic() - self._last_received > 2 * self._heartbeat:
            self._abort(PublishFailed(f"RabbitMQ sent nothing for {2 * self._heartbeat:.0f} s"), hard=True)
            return
        if not self._wrote_since_beat:
            self._write(wire.HEARTBEAT_FRAME)
        self._wrote_since_beat = False
        self._beat = self._loop.call_later(self._heartbeat / 2, self._keep_alive)

    def _abort(self, failure: PublishFailed, *, hard: bool = False) -> None:
        # A silent peer would never take the buffered bytes that close() waits to send.
        self.failure = self.failure or failure
        self._fail_all(self.failure)
        if self._transport is not None:
            (self._transport.abort if hard else self._transport.close)()

    def _fail_all(self, failure: PublishFailed) -> None:
        unconfirmed, self._unconfirmed = self._unconfirmed, collections.OrderedDict()
        self._tags_by_id.clear()
        for confirmed, _ in unconfirmed.values():
            if not confirmed.done():
                confirmed.set_exception(failure)


def _negotiate(offered: int, wanted: int) -> float:
    # Zero means "no heartbeats" on either side; otherwise the smaller interval wins.
    if not offered or not wanted:
        return float(offered or wanted)
    return float(min(offered, wanted))
