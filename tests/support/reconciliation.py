"""A reconciliation run recorded in Redis as the reconcile process records one, for tests of
what on-call reads (``weir status``, the console, the metrics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from oncall.reconciliation import DriftFinding, ReconcileRecord, RunReport

__all__ = ["record_run"]


def record_run(
    client: redis.Redis, namespace: str, channel: str, *, missing: int = 0, drifting: int = 0, error: str | None = None
) -> RunReport:
    """Record a run of ``channel`` that enqueued ``missing`` orders and found ``drifting`` sales
    whose total differs (order ``<n>``: the channel says ``1<n>.00``, the ERP ``<n>.00``)."""
    now = datetime.now(UTC)
    findings: dict[str, DriftFinding | None] = {
        str(n): DriftFinding(
            channel=channel,
            order_id=str(n),
            reference=f"{channel}:{n}",
            field="total",
            channel_value=f"1{n}.00",
            erp_value=f"{n}.00",
            found_at=now,
        )
        for n in range(1, drifting + 1)
    }
    report = RunReport(
        channel=channel,
        started_at=now,
        finished_at=now,
        since=now - timedelta(minutes=5),
        until=now,
        pages=1,
        listed=missing + drifting,
        missing=missing,
        drift=drifting,
        error=error,
    )
    ReconcileRecord(client, namespace).finish(report, findings)
    return report
