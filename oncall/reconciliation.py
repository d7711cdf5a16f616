"""What reconciliation keeps in Redis, per channel, for itself and for on-call.

Keys, under ``<namespace>:reconcile:``:

* ``cursor:<channel>``: the upper bound of the last window listed completely (ISO 8601); the
  next run starts a few minutes before it.
* ``run:<channel>``: the last run's :class:`RunReport` (JSON).
* ``drift:<channel>``: a hash of the orders whose sale differs from the channel, by order id,
  each a :class:`DriftFinding` (JSON). A run rewrites the findings of the orders it listed.
* ``missing``: a hash counting, per channel, the orders reconciliation enqueued since ever.
* ``channels``: the set of channels that ran (so readers need no scan of the keyspace).

Nothing expires: a cursor and its findings stay until the next run replaces them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Literal, TypeVar

import redis
from pydantic import BaseModel, ConfigDict

from queues.errors import QueueError

__all__ = ["ChannelReconciliation", "DriftFinding", "ReconcileRecord", "RunReport"]

T = TypeVar("T")

#: Drift findings per channel that the status carries (``weir reconcile --drift`` lists all).
SHOWN_FINDINGS = 20


class DriftFinding(BaseModel):
    """An order whose sale in the ERP differs from the channel: ``field`` is ``total`` (in the
    order's currency) or ``status`` (``cancelled`` or ``open``), with both values as text."""

    model_config = ConfigDict(frozen=True)

    channel: str
    order_id: str
    reference: str
    field: Literal["total", "status"]
    channel_value: str
    erp_value: str
    found_at: datetime


class RunReport(BaseModel):
    """One run over one channel's window ``[since, until)``: orders ``listed`` over ``pages``,
    ``missing`` ones enqueued (or, ``dry_run``, that would have been), ``updates`` enqueued for
    sales behind the channel, ``drift`` findings, the 429s ``throttled`` and failures
    ``retried``; ``error`` says why the run stopped early (the cursor then stayed).
    ``moves_cursor`` is false for a run by hand that started after the cursor (``--since``
    a recent time), which leaves the orders between them for the scheduled runs."""

    model_config = ConfigDict(frozen=True)

    channel: str
    started_at: datetime
    finished_at: datetime
    since: datetime
    until: datetime
    pages: int = 0
    listed: int = 0
    missing: int = 0
    updates: int = 0
    drift: int = 0
    throttled: int = 0
    retried: int = 0
    dry_run: bool = False
    error: str | None = None
    moves_cursor: bool = True


class ChannelReconciliation(BaseModel):
    """One channel's reconciliation at a glance: its last run (when it finished, and why it
    stopped early if it did), its cursor, the missing orders its last run enqueued and all its
    runs did (``missing_total``), and the drift findings open now (``drift``; the oldest
    :data:`SHOWN_FINDINGS` of them in ``findings``)."""

    model_config = ConfigDict(frozen=True)

    channel: str
    last_run_at: datetime
    cursor: datetime | None
    listed: int
    missing: int
    missing_total: int
    drift: int
    dry_run: bool
    error: str | None
    findings: tuple[DriftFinding, ...] = ()


class ReconcileRecord:
    """Reads and writes one namespace's reconciliation keys.

    Every method raises :class:`~queues.errors.QueueError` when Redis does not answer.
    """

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self._client = client
        self._prefix = f"{namespace}:reconcile:"

    def cursor(self, channel: str) -> datetime | None:
        """Where the last complete run of ``channel`` ended, or ``None`` before the first."""
        raw = self._call(lambda: self._client.get(f"{self._prefix}cursor:{channel}"))
        return None if raw is None else datetime.fromisoformat(_text(raw))

    def finish(self, report: RunReport, findings: dict[str, DriftFinding | None]) -> None:
        """Keep ``report`` as ``channel``'s last run and rewrite the findings of the orders listed
        (``None``: the order agrees now); move the cursor to ``report.until`` unless the run failed,
        was a dry run or started after the cursor, and count the missing orders it enqueued."""
        channel = report.channel
        drifting = {_text(order) for order in self._call(partial(self._client.hkeys, f"{self._prefix}drift:{channel}"))}
        with self._client.pipeline(transaction=True) as pipe:
            pipe.set(f"{self._prefix}run:{channel}", report.model_dump_json())
            pipe.sadd(f"{self._prefix}channels", channel)
            found = {order: finding.model_dump_json() for order, finding in findings.items() if finding is not None}
            agreed = [order for order, finding in findings.items() if finding is None and order in drifting]
            if found:
                pipe.hset(f"{self._prefix}drift:{channel}", mapping=found)  # type: ignore[arg-type]
            if agreed:
                pipe.hdel(f"{self._prefix}drift:{channel}", *agreed)
            if report.error is None and not report.dry_run and report.moves_cursor:
                pipe.set(f"{self._prefix}cursor:{channel}", report.until.isoformat())
            if not report.dry_run:
                pipe.hincrby(f"{self._prefix}missing", channel, report.missing)
            self._call(pipe.execute)

    def last_runs(self, channels: Iterable[str] | None = None) -> list[RunReport]:
        """The last run of each channel (every channel that ran, when ``channels`` is ``None``),
        by channel name."""
        names = sorted(channels) if channels is not None else self._channels()
        raws = self._call(lambda: self._client.mget([f"{self._prefix}run:{name}" for name in names])) if names else []
        return [RunReport.model_validate_json(raw) for raw in raws if raw is not None]

    def drift(self, channel: str | None = None) -> list[DriftFinding]:
        """The drift findings of ``channel`` (of every channel when ``None``), oldest first."""
        names = [channel] if channel is not None else self._channels()
        found: list[DriftFinding] = []
        for name in names:
            rows = self._call(partial(self._client.hvals, f"{self._prefix}drift:{name}"))
            found.extend(DriftFinding.model_validate_json(row) for row in rows)
        return sorted(found, key=lambda finding: finding.found_at)

    def overview(self) -> tuple[ChannelReconciliation, ...]:
        """Every channel that ran, by name."""
        totals = self.missing_totals()
        rows = []
        for run in self.last_runs():
            findings = self.drift(run.channel)
            rows.append(
                ChannelReconciliation(
                    channel=run.channel,
                    last_run_at=run.finished_at,
                    cursor=self.cursor(run.channel),
                    listed=run.listed,
                    missing=run.missing,
                    missing_total=totals.get(run.channel, 0),
                    drift=len(findings),
                    dry_run=run.dry_run,
                    error=run.error,
                    findings=tuple(findings[:SHOWN_FINDINGS]),
                )
            )
        return tuple(rows)

    def missing_totals(self) -> dict[str, int]:
        """Orders reconciliation enqueued, per channel, since it first ran."""
        raw = self._call(lambda: self._client.hgetall(f"{self._prefix}missing"))
        return {_text(name): int(count) for name, count in raw.items()}

    def _channels(self) -> list[str]:
        names = self._call(partial(self._client.smembers, f"{self._prefix}channels"))
        return sorted(_text(name) for name in names)

    @staticmethod
    def _call(command: Callable[[], T]) -> T:
        try:
            return command()
        except redis.RedisError as exc:
            raise QueueError(f"Redis did not answer for reconciliation's record: {exc}") from exc


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
