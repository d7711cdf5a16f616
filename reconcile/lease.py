"""One run per channel at a time, fleet-wide: a lease in Redis.

Two ``reconcile`` processes (or a run by hand beside the scheduled one) would list a channel
twice: harmless, since each order version is enqueued once, but twice the channel's calls and
the ERP's reads. A run takes ``<namespace>:reconcile:lease:<channel>`` (``SET NX PX``) and
extends it after each page; a process that dies holding it loses it after ``lease_ms``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

import redis

from queues.errors import QueueError

__all__ = ["RunLease"]

T = TypeVar("T")

# KEYS[1] the lease; ARGV[1] the holder's token; ARGV[2] the lease's length in ms (0: release).
# Extends or releases the lease only if the caller still holds it.
_RENEW = """
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) == 0 then return redis.call("DEL", KEYS[1]) end
return redis.call("PEXPIRE", KEYS[1], ARGV[2])
"""


class RunLease:
    """Leases of ``lease_ms`` milliseconds on each channel's runs, in ``namespace``."""

    def __init__(self, client: redis.Redis, namespace: str, *, lease_ms: int = 15 * 60_000) -> None:
        if lease_ms <= 0:
            raise ValueError("lease_ms must be positive")
        self._client = client
        self._prefix = f"{namespace}:reconcile:lease:"
        self._lease_ms = lease_ms

    def take(self, channel: str) -> str | None:
        """A token holding ``channel``'s lease, or ``None`` while another run holds it.

        Raises:
            QueueError: Redis did not answer.
        """
        token = secrets.token_hex(8)
        taken = self._call(lambda: self._client.set(self._prefix + channel, token, nx=True, px=self._lease_ms))
        return token if taken else None

    def extend(self, channel: str, token: str) -> None:
        """Hold the lease ``lease_ms`` more (a run's pages each extend it)."""
        self._call(lambda: self._client.eval(_RENEW, 1, self._prefix + channel, token, self._lease_ms))

    def release(self, channel: str, token: str) -> None:
        """Give the lease back, if it is still ``token``'s."""
        self._call(lambda: self._client.eval(_RENEW, 1, self._prefix + channel, token, 0))

    @staticmethod
    def _call(command: Callable[[], T]) -> T:
        try:
            return command()
        except redis.RedisError as exc:
            raise QueueError(f"Redis did not answer for a reconciliation lease: {exc}") from exc
