"""The audit log of what on-call did to dead letters: who, when, what, to which, and why.

A Redis stream per namespace, capped at about ``max_entries`` (older entries are trimmed).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import redis
from pydantic import BaseModel, ConfigDict

from queues.dead.store import ReasonStoreUnavailable

__all__ = ["AuditEntry", "AuditLog", "audit_log"]


class AuditEntry(BaseModel):
    """One action: ``replay``, ``purge`` or ``quarantine``, on ``count`` dead letters; or
    ``reconcile``, a reconciliation run that enqueued ``count`` orders (its window and findings in
    ``selection``)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    who: str
    action: str
    count: int
    selection: dict[str, Any]
    why: str


class AuditLog:
    """Appends and reads :class:`AuditEntry` records in the stream ``key``."""

    def __init__(self, client: redis.Redis, key: str, *, max_entries: int = 10_000) -> None:
        self._client = client
        self._key = key
        self._max_entries = max_entries

    def append(self, *, who: str, action: str, count: int, selection: dict[str, Any], why: str) -> AuditEntry:
        """Record an action taken now.

        Raises:
            ReasonStoreUnavailable: Redis did not answer.
        """
        entry = AuditEntry(at=datetime.now(UTC), who=who, action=action, count=count, selection=selection, why=why)
        fields = {"entry": entry.model_dump_json()}
        try:
            self._client.xadd(self._key, fields, maxlen=self._max_entries, approximate=True)  # type: ignore[arg-type]
        except redis.RedisError as exc:
            raise ReasonStoreUnavailable(f"cannot write the audit log: {exc}") from exc
        return entry

    def read(self, limit: int = 100) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first."""
        try:
            rows = self._client.xrevrange(self._key, count=limit)
        except redis.RedisError as exc:
            raise ReasonStoreUnavailable(f"cannot read the audit log: {exc}") from exc
        return [AuditEntry.model_validate(json.loads(_field(fields or {}, "entry"))) for _, fields in rows or []]


def _field(fields: dict[Any, Any], name: str) -> str:
    value = fields.get(name.encode(), fields.get(name, b"{}"))
    return value.decode() if isinstance(value, bytes) else str(value)


def audit_log(client: redis.Redis, namespace: str) -> AuditLog:
    """The audit log of ``namespace`` (the stream ``<namespace>:audit``)."""
    return AuditLog(client, f"{namespace}:audit")
