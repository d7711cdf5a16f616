"""Mutual exclusion per key, across every process and host that shares one Redis."""

from __future__ import annotations

import secrets

import redis
from redis.commands.core import Script

from throttling.errors import GateUnavailable
from throttling.scripts import lua

__all__ = ["KeyedLock"]


class KeyedLock:
    """At most one holder per key, for a lease of ``lease_ms`` milliseconds at a time.

    The lease bounds how long a holder that died keeps others out; a live holder that needs
    longer calls :meth:`extend` before the lease runs out.

    >>> lock = KeyedLock(client, prefix="weir:lock:", lease_ms=150_000)
    >>> token = lock.acquire("shop-us:order:1001")
    >>> if token is not None:
    ...     lock.release("shop-us:order:1001", token)
    """

    def __init__(self, client: redis.Redis, *, prefix: str, lease_ms: int) -> None:
        if lease_ms <= 0:
            raise ValueError("lease_ms must be positive")
        self._client = client
        self._prefix = prefix
        self._lease_ms = lease_ms
        self._release: Script = client.register_script(lua("release_lock"))
        self._extend: Script = client.register_script(lua("extend_lock"))

    @property
    def lease_ms(self) -> int:
        return self._lease_ms

    def acquire(self, key: str) -> str | None:
        """Take the lock on ``key``; return the token that releases it, or ``None`` if it is held.

        Raises:
            GateUnavailable: Redis did not answer.
        """
        token = secrets.token_hex(16)
        try:
            taken = self._client.set(self._prefix + key, token, nx=True, px=self._lease_ms)
        except redis.RedisError as exc:
            raise GateUnavailable(f"cannot take lock {key!r}: {exc}") from exc
        return token if taken else None

    def extend(self, key: str, token: str) -> bool:
        """Renew the lease of a lock still held; ``False`` when it was lost in the meantime.

        Raises:
            GateUnavailable: Redis did not answer.
        """
        try:
            return bool(self._extend(keys=[self._prefix + key], args=[token, self._lease_ms]))
        except redis.RedisError as exc:
            raise GateUnavailable(f"cannot extend lock {key!r}: {exc}") from exc

    def release(self, key: str, token: str) -> bool:
        """Give the lock back; ``False`` when it had already expired or changed hands.

        Raises:
            GateUnavailable: Redis did not answer (the lease then ends the lock).
        """
        try:
            return bool(self._release(keys=[self._prefix + key], args=[token]))
        except redis.RedisError as exc:
            raise GateUnavailable(f"cannot release lock {key!r}: {exc}") from exc
