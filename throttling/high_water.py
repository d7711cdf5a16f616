"""A high-water mark per key, shared by every process on one Redis: the highest value seen.

A writer that must never go back in time (apply an older version of a record after a newer one)
reads the mark before it writes and raises it after. The mark only rises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from throttling.background import BackgroundWrites
from throttling.errors import GateUnavailable
from throttling.lean_redis import LeanRedis, LuaScript
from throttling.scripts import lua

__all__ = ["HighWaterMark"]


class HighWaterMark:
    """Integer marks under ``prefix``, each kept ``ttl_ms`` milliseconds after its last raise.
    With ``background`` writes, :meth:`raise_later` raises a mark without waiting.

    >>> marks = HighWaterMark(LeanRedis(url, timeout=2), prefix="weir:mark:", ttl_ms=30 * 86_400_000)
    >>> marks.read("shop-us:order:1001")
    None
    >>> marks.raise_to("shop-us:order:1001", 1_795_425_300_000)
    True
    """

    def __init__(
        self, client: LeanRedis, *, prefix: str, ttl_ms: int, background: BackgroundWrites | None = None
    ) -> None:
        if ttl_ms <= 0:
            raise ValueError("ttl_ms must be positive")
        self._client = client
        self._background = background
        self._prefix = prefix
        self._ttl_ms = ttl_ms
        self._raise = LuaScript(lua("raise_mark"))

    def key(self, name: str) -> str:
        """The Redis key that holds the mark of ``name``."""
        return self._prefix + name

    def read(self, key: str) -> int | None:
        """The mark of ``key``, or ``None`` when none was set (or it expired).

        Raises:
            GateUnavailable: Redis did not answer.
        """
        reply = self._checked(lambda: self._client.execute("GET", self._prefix + key), key)
        return None if reply is None else int(reply)

    def raise_to(self, key: str, value: int) -> bool:
        """Raise the mark of ``key`` to ``value``; ``False`` when it already stood as high.

        Raises:
            GateUnavailable: Redis did not answer.
        """
        reply = self._checked(lambda: self._client.run(self._raise, [self._prefix + key], [value, self._ttl_ms]), key)
        return bool(reply)

    def raise_later(self, key: str, value: int) -> None:
        """:meth:`raise_to` without waiting, through the background writes if there are some.
        Writes queued after it (a lock given back) reach Redis after it.

        Raises:
            GateUnavailable: Redis did not answer (only without background writes).
        """
        if self._background is None:
            self.raise_to(key, value)
            return
        self._background.submit(self._raise, [self._prefix + key], [value, self._ttl_ms])

    def _checked(self, command: Callable[[], Any], key: str) -> Any:
        try:
            reply = command()
        except RedisError as exc:
            raise GateUnavailable(f"the mark of {key!r} did not answer: {exc}") from exc
        if isinstance(reply, Exception):
            raise GateUnavailable(f"the mark of {key!r} failed: {reply}")
        return reply
