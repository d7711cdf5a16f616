"""A blocking Redis connection per thread, for the few commands on a worker's hot path.

redis-py spends about 55 us of CPU per command (pooling, retries, argument filtering); writing
the command on a socket of the thread's own and parsing the reply with hiredis costs about 35 us,
most of it the kernel's. Worker threads take an entity lock per message and a background thread
sends batches of writes; both go through here. Errors are redis-py's exceptions, so callers
handle one family.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import unquote, urlsplit

import hiredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["LeanRedis", "LuaScript", "pack"]


def pack(*command: Any) -> bytes:
    """``command`` in the Redis protocol (RESP): each argument (str, bytes, int or float; not
    bool, which Redis has no word for) as a bulk string, packed by hiredis in C."""
    packed: bytes = hiredis.pack_command(command)
    return packed


@dataclass(frozen=True)
class LuaScript:
    """A Lua script and its SHA1, as ``EVALSHA`` names it."""

    text: str

    @cached_property
    def sha(self) -> str:
        return hashlib.sha1(self.text.encode()).hexdigest()

    def call(self, keys: Sequence[str], args: Sequence[Any]) -> tuple[Any, ...]:
        """The ``EVALSHA`` command that runs this script."""
        return ("EVALSHA", self.sha, len(keys), *keys, *args)


class LeanRedis:
    """Commands to the Redis at ``url`` (``redis://[:password@]host[:port][/db]``), each thread
    on its own connection; ``timeout`` (seconds) bounds connecting and each reply.

    ``locate``, when given, names the master's (host, port) each time a connection opens, in
    place of the URL's, so a client follows a Sentinel failover (:func:`weir.stores.master_locator`).
    """

    def __init__(self, url: str, *, timeout: float, locate: Callable[[], tuple[str, int]] | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError(f"only redis:// URLs are supported, not {parts.scheme}://")
        self._address = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self._locate = locate
        self._setup = _setup_commands(parts.password, parts.path.strip("/"))
        self._timeout = timeout
        self._local = threading.local()
        self._opened: set[socket.socket] = set()
        self._opened_lock = threading.Lock()

    def execute(self, *command: Any) -> Any:
        """One command's reply. Raises redis-py's ``ResponseError``, ``ConnectionError`` or
        ``TimeoutError``."""
        return self.execute_many([command])[0]

    def run(self, script: LuaScript, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """Run ``script``, loading it into Redis first if Redis does not know it yet.

        Raises:
            redis.exceptions.ResponseError: the script failed.
        """
        return self.run_many([(script, keys, args)])[0]

    def run_many(self, calls: Sequence[tuple[LuaScript, Sequence[str], Sequence[Any]]]) -> list[Any]:
        """Run several scripts in one round trip (two when Redis must load some first); each
        reply or ``ResponseError`` in its place."""
        replies = self.execute_many([script.call(keys, args) for script, keys, args in calls])
        missing = {index for index, reply in enumerate(replies) if _unknown_script(reply)}
        if missing:
            scripts = {calls[index][0].text for index in missing}
            self.execute_many([("SCRIPT", "LOAD", text) for text in scripts])
            again = self.execute_many([calls[index][0].call(calls[index][1], calls[index][2]) for index in missing])
            for index, reply in zip(sorted(missing), again, strict=True):
                replies[index] = reply
        return replies

    def execute_many(self, commands: Sequence[Sequence[Any]]) -> list[Any]:
        """Send ``commands`` in one write and return their replies in order; an error reply is
        returned as a ``ResponseError`` in its place, a broken connection raises."""
        connection = self._connection()
        try:
            connection.sendall(b"".join(pack(*command) for command in commands))
            return [self._reply() for _ in commands]
        except TimeoutError:
            self._drop()
            raise RedisTimeoutError(f"Redis did not answer within {self._timeout} s") from None
        except OSError as exc:
            self._drop()
            raise RedisConnectionError(f"the connection to Redis failed: {exc}") from exc

    def _reply(self) -> Any:
        reader: hiredis.Reader = self._local.reader
        while (reply := reader.gets()) is False:
            data = self._local.socket.recv(65536)
            if not data:
                raise OSError("Redis closed the connection")
            reader.feed(data)
        return ResponseError(str(reply)) if isinstance(reply, hiredis.ReplyError) else reply

    def _connection(self) -> socket.socket:
        connection: socket.socket | None = getattr(self._local, "socket", None)
        if connection is not None:
            return connection
        address = self._address if self._locate is None else self._locate()
        try:
            connection = socket.create_connection(address, timeout=self._timeout)
        except OSError as exc:
            raise RedisConnectionError(f"cannot connect to Redis at {address}: {exc}") from exc
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._local.socket, self._local.reader = connection, hiredis.Reader()
        with self._opened_lock:
            self._opened.add(connection)
        for command in self._setup:
            if isinstance(error := self.execute(*command), ResponseError):
                self._drop()
                raise error
        return connection

    def close(self) -> None:
        """Close every thread's connection; a later command opens a new one for its thread."""
        with self._opened_lock:
            opened, self._opened = self._opened, set()
        for connection in opened:
            connection.close()

    def _drop(self) -> None:
        connection = getattr(self._local, "socket", None)
        self._local.socket = None
        if connection is not None:
            with self._opened_lock:
                self._opened.discard(connection)
            connection.close()


def _unknown_script(reply: Any) -> bool:
    return isinstance(reply, ResponseError) and str(reply).startswith("NOSCRIPT")


def _setup_commands(password: str | None, database: str) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = []
    if password:
        commands.append(("AUTH", unquote(password)))
    if database and database != "0":
        commands.append(("SELECT", int(database)))
    return commands
