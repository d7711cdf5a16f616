"""The outbound process's state in Redis: its cursors, its lease and the stock versions.

Keys, under ``<namespace>:outbound:``: ``cursor:stock`` and ``cursor:shipments`` (ISO 8601
instants in the ERP's clock, UTC), ``lease`` (the token of the process reading, ``SET NX PX``),
``version`` (a counter: each stock read takes the next number, so a level read later always
carries a greater version than one read before, whichever process read it), and
``published:<channel>:<shipment id>`` (a shipment published already, so overlapping reads do
not publish it twice).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Literal, TypeVar

import redis

from queues.errors import QueueError

__all__ = ["Cursor", "OutboundState"]

T = TypeVar("T")

Cursor = Literal["stock", "shipments"]

# KEYS[1] the lease; ARGV[1] the holder's token; ARGV[2] its length in ms (0: release).
_RENEW = """
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) == 0 then return redis.call("DEL", KEYS[1]) end
return redis.call("PEXPIRE", KEYS[1], ARGV[2])
"""


class OutboundState:
    """The outbound process's cursors, lease and versions in ``namespace``. Every method raises
    :class:`~queues.errors.QueueError` when Redis does not answer."""

    def __init__(self, client: redis.Redis, namespace: str, *, published_ttl_seconds: int = 7 * 86_400) -> None:
        self._client = client
        self._prefix = f"{namespace}:outbound:"
        self._published_ttl = published_ttl_seconds

    def cursor(self, which: Cursor) -> datetime | None:
        """Where the ``which`` cursor stands, or ``None`` before the first read."""
        stored = self._call(lambda: self._client.get(f"{self._prefix}cursor:{which}"))
        return None if stored is None else datetime.fromisoformat(_text(stored))

    def move(self, which: Cursor, to: datetime) -> None:
        """Set the ``which`` cursor to ``to``."""
        self._call(lambda: self._client.set(f"{self._prefix}cursor:{which}", to.isoformat()))

    def next_version(self) -> int:
        """A stock version greater than any taken before."""
        return int(self._call(lambda: self._client.incr(f"{self._prefix}version")))

    def claim_shipment(self, channel: str, shipment_id: str) -> bool:
        """Whether ``shipment_id`` is ``channel``'s to publish (not published before)."""
        key = f"{self._prefix}published:{channel}:{shipment_id}"
        return bool(self._call(lambda: self._client.set(key, "1", nx=True, ex=self._published_ttl)))

    def unclaim_shipment(self, channel: str, shipment_id: str) -> None:
        """Forget a claim whose message RabbitMQ did not take, so the next read publishes it."""
        self._call(lambda: self._client.delete(f"{self._prefix}published:{channel}:{shipment_id}"))

    def take_lease(self, lease_ms: int) -> str | None:
        """A token holding the reading lease for ``lease_ms``, or ``None`` while another holds it."""
        token = secrets.token_hex(8)
        taken = self._call(lambda: self._client.set(f"{self._prefix}lease", token, nx=True, px=lease_ms))
        return token if taken else None

    def renew_lease(self, token: str, lease_ms: int) -> bool:
        """Hold the lease ``lease_ms`` more; ``False`` when it was lost."""
        return bool(self._call(lambda: self._client.eval(_RENEW, 1, f"{self._prefix}lease", token, lease_ms)))

    def release_lease(self, token: str) -> None:
        """Give the lease back, if it is still ``token``'s."""
        self._call(lambda: self._client.eval(_RENEW, 1, f"{self._prefix}lease", token, 0))

    @staticmethod
    def _call(command: Callable[[], T]) -> T:
        try:
            return command()
        except redis.RedisError as exc:
            raise QueueError(f"Redis did not answer for the outbound process's state: {exc}") from exc


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
