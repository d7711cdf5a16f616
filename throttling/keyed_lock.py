"""Mutual exclusion per key, across every process and host that shares one Redis."""

from __future__ import annotations

from redis.exceptions import RedisError

from throttling.background import BackgroundWrites
from throttling.errors import GateUnavailable
from throttling.lean_redis import LeanRedis, LuaScript
from throttling.scripts import lua
from throttling.tokens import new_token

__all__ = ["KeyedLock"]


class KeyedLock:
    """At most one holder per key, for a lease of ``lease_ms`` milliseconds at a time.

    The lease bounds how long a holder that died keeps others out; a live holder that needs
    longer calls :meth:`extend` before the lease runs out. With ``background`` writes,
    :meth:`release_later` gives a lock back without waiting.

    >>> lock = KeyedLock(LeanRedis(url, timeout=2), prefix="weir:lock:", lease_ms=15_000)
    >>> token = lock.acquire("shop-us:order:1001")
    >>> if token is not None:
    ...     lock.release("shop-us:order:1001", token)
    """

    def __init__(
        self, client: LeanRedis, *, prefix: str, lease_ms: int, background: BackgroundWrites | None = None
    ) -> None:
        if lease_ms <= 0:
            raise ValueError("lease_ms must be positive")
        self._client = client
        self._background = background
        self._prefix = prefix
        self._lease_ms = lease_ms
        self._release = LuaScript(lua("release_lock"))
        self._extend = LuaScript(lua("extend_lock"))

    @property
    def lease_ms(self) -> int:
        return self._lease_ms

    def key(self, name: str) -> str:
        """The Redis key that holds the lock on ``name``."""
        return self._prefix + name

    def acquire(self, key: str) -> str | None:
        """Take the lock on ``key``; return the token that releases it, or ``None`` if it is held.

        Raises:
            GateUnavailable: Redis did not answer.
        """
        token = new_token()
        taken = self._call("SET", self._prefix + key, token, "NX", "PX", self._lease_ms)
        return token if taken else None

    def extend(self, key: str, token: str) -> bool:
        """Renew the lease of a lock still held; ``False`` when it was lost in the meantime.

        Raises:
            GateUnavailable: Redis did not answer.
        """
        return bool(self._script(self._extend, key, token, self._lease_ms))

    def release(self, key: str, token: str) -> bool:
        """Give the lock back; ``False`` when it had already expired or changed hands.

        Raises:
            GateUnavailable: Redis did not answer (the lease then ends the lock).
        """
        return bool(self._script(self._release, key, token))

    def release_later(self, key: str, token: str) -> None:
        """:meth:`release` without waiting, through the background writes if there are some."""
        if self._background is None:
            self.release(key, token)
            return
        self._background.submit(self._release, [self._prefix + key], [token])

    def _script(self, script: LuaScript, key: str, *args: str | int) -> object:
        try:
            reply = self._client.run(script, [self._prefix + key], args)
        except RedisError as exc:
            raise GateUnavailable(f"the lock on {key!r} did not answer: {exc}") from exc
        if isinstance(reply, Exception):
            raise GateUnavailable(f"the lock on {key!r} failed: {reply}")
        return reply

    def _call(self, *command: str | int) -> object:
        try:
            reply = self._client.execute(*command)
        except RedisError as exc:
            raise GateUnavailable(f"the lock did not answer: {exc}") from exc
        if isinstance(reply, Exception):
            raise GateUnavailable(f"the lock failed: {reply}")
        return reply
