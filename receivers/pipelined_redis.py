"""A Redis connection on which every command leaves at once and replies come back in order.

The receiver sends two small commands per webhook, from dozens of requests in flight. redis-py
spends about 55 us of CPU per command on pooling, retries and parsing in Python; writing the
commands of one event-loop turn onto one shared connection in a single write and parsing the
replies with hiredis costs about 6 us. This client does only that: commands in, replies out,
errors as redis-py's exceptions, and a fresh connection after a lost or stalled one.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import hiredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["PipelinedRedis", "pack"]


def pack(*command: Any) -> bytes:
    """``command`` in the Redis protocol (RESP): each argument as a bulk string."""
    parts = [b"*%d\r\n" % len(command)]
    for argument in command:
        data = argument if isinstance(argument, bytes) else str(argument).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class _Connection(asyncio.Protocol):
    """One connection: writes each loop turn's commands at once, hands each reply to the oldest
    waiting command, and aborts itself when the oldest one waits longer than ``timeout`` seconds
    (a stalled Redis or a silent network), failing every command in flight."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._loop = asyncio.get_running_loop()
        self._reader = hiredis.Reader()
        self._outgoing: list[bytes] = []
        self._waiting: collections.deque[tuple[float, asyncio.Future[Any]]] = collections.deque()
        self._transport: asyncio.Transport | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        self._stalled = False
        self.lost = self._loop.create_future()

    def send(self, data: bytes) -> asyncio.Future[Any]:
        """Queue ``data`` for this turn's write; the future gets its reply."""
        if self.lost.done():
            raise RedisConnectionError("the connection to Redis was lost")
        if not self._outgoing:
            self._loop.call_soon(self._flush)
        self._outgoing.append(data)
        waiter: asyncio.Future[Any] = self._loop.create_future()
        self._waiting.append((self._loop.time() + self._timeout, waiter))
        return waiter

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)
        self._watchdog = self._loop.call_later(self._timeout / 4, self._watch)

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        while (reply := self._reader.gets()) is not False:
            _, waiter = self._waiting.popleft()
            if waiter.done():
                continue  # its caller went away; the reply still had to be read
            if isinstance(reply, hiredis.ReplyError):
                waiter.set_exception(ResponseError(str(reply)))
            else:
                waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        error: Exception = (
            RedisTimeoutError(f"Redis did not answer within {self._timeout} s")
            if self._stalled
            else RedisConnectionError(f"the connection to Redis was lost: {exc or 'closed'}")
        )
        while self._waiting:
            _, waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(error)
        if not self.lost.done():
            self.lost.set_result(None)

    def _flush(self) -> None:
        data, self._outgoing = b"".join(self._outgoing), []
        if self._transport is not None and not self.lost.done():
            self._transport.write(data)

    def _watch(self) -> None:
        if self._waiting and self._waiting[0][0] < self._loop.time() and self._transport is not None:
            self._stalled = True
            self._transport.abort()
            return
        self._watchdog = self._loop.call_later(self._timeout / 4, self._watch)


class PipelinedRedis:
    """Sends commands to the Redis at ``url`` (``redis://[:password@]host[:port][/db]``).

    ``timeout`` (seconds) bounds connecting and, give or take a quarter, each command. A lost
    or stalled connection fails every command in flight; the next command reconnects, to the
    (host, port) that ``locate`` names when given (a Sentinel's master, :mod:`weir.stores`).
    """

    def __init__(
        self, url: str, *, timeout: float, locate: Callable[[], Awaitable[tuple[str, int]]] | None = None
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError(f"only redis:// URLs are supported, not {parts.scheme}://")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 6379
        self._setup = _setup_commands(parts.password, parts.path.strip("/"))
        self._timeout = timeout
        self._locate = locate
        self._connection: _Connection | None = None
        self._connecting: asyncio.Lock | None = None

    async def execute(self, *command: Any) -> Any:
        """Run one command and return its reply (bytes, int, list or None).

        Raises:
            redis.exceptions.ResponseError: Redis answered with an error.
            redis.exceptions.ConnectionError: Redis could not be reached or the connection dropped.
            redis.exceptions.TimeoutError: Redis stopped answering.
        """
        return await self.execute_soon(*command)

    def execute_soon(self, *command: Any) -> asyncio.Future[Any]:
        """:meth:`execute` without waiting: the command joins this turn's write at once (or
        goes once a new connection is up), and the future gets its reply or its error."""
        data = pack(*command)
        connection = self._connection
        if connection is None or connection.lost.done():
            return asyncio.ensure_future(self._send_reconnected(data))
        return connection.send(data)

    async def _send_reconnected(self, data: bytes) -> Any:
        connection = await self._reconnect()
        return await connection.send(data)

    async def close(self) -> None:
        """Close the connection; commands in flight fail."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
            await connection.lost

    async def _reconnect(self) -> _Connection:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._connection is None or self._connection.lost.done():
                self._connection = await self._connect()
            return self._connection

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        host, port = self._host, self._port
        try:
            async with asyncio.timeout(self._timeout):
                if self._locate is not None:
                    host, port = await self._locate()
                _, connection = await loop.create_connection(lambda: _Connection(self._timeout), host, port)
        except (OSError, TimeoutError) as exc:
            raise RedisConnectionError(f"cannot connect to Redis at {host}:{port}: {exc!r}") from exc
        try:
            for command in self._setup:
                await connection.send(command)
        except Exception:
            connection.close()
            raise
        return connection


def _setup_commands(password: str | None, database: str) -> list[bytes]:
    commands = []
    if password:
        commands.append(pack("AUTH", unquote(password)))
    if database and database != "0":
        commands.append(pack("SELECT", int(database)))
    return commands
