"""``weir reconcile``: list the channels' orders, enqueue those no webhook brought, report drift.

A run by hand does what the ``reconcile`` process does every few minutes, for one channel or all:
``--since`` lists from that time instead of the cursor (a backfill; the cursor moves to now when
it completes and started at or before the cursor), ``--dry-run`` lists and compares but enqueues
nothing and leaves the cursor. Every run by hand is written to the audit log with ``--why``.
``--drift`` lists the open drift findings, both values of each, instead of running.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.common import console, emit_json, fail, operator, parse_since, settings
from oncall.reconciliation import DriftFinding, ReconcileRecord, RunReport
from reconcile.app import load_config, reconciler
from weir.errors import ConfigError, WeirError
from weir.settings import RedisSettings, ServiceSettings
from weir.stores import sync_redis

__all__ = ["reconcile"]


def reconcile(
    *,
    channel: Annotated[str | None, typer.Option("--channel", help="one channel (default: every one)")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="list from 15m, 2h, 3d ago or an ISO 8601 time, not the cursor")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="enqueue nothing, leave the cursor")] = False,
    drift: Annotated[bool, typer.Option("--drift", help="list the open drift findings instead of running")] = False,
    why: Annotated[str | None, typer.Option("--why", help="why, for the audit log")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """List channels' orders; enqueue on the reconcile lane those missing from the ERP; report drift."""
    if drift:
        findings = _findings(channel)
        emit_json(findings) if as_json else console().print(_findings_table(findings))
        return
    start = parse_since(since)
    try:
        config = load_config()
        with reconciler(config) as running:
            names = running.channels if channel is None else [channel]
            if channel is not None and channel not in running.channels:
                fail(f"channel {channel} has no API base URL and token to list its orders")
            reports = [
                running.run(name, who=operator(), why=why or "", since=start, dry_run=dry_run, audit_always=True)
                for name in names
            ]
    except (ConfigError, WeirError) as exc:
        fail(str(exc))
    emit_json(reports) if as_json else console().print(_runs_table(reports))
    if any(report.error for report in reports):
        raise typer.Exit(1)


def _findings(channel: str | None) -> list[DriftFinding]:
    client = sync_redis(settings(RedisSettings))
    try:
        return ReconcileRecord(client, settings(ServiceSettings).namespace).drift(channel)
    except WeirError as exc:
        fail(str(exc))
    finally:
        client.close()


def _runs_table(reports: list[RunReport]) -> Table:
    shown = Table(title="Reconciliation", title_justify="left")
    for column in ("channel", "window", "pages", "listed", "missing", "updates", "drift", "429s", "retries", "result"):
        shown.add_column(column, overflow="fold")
    for report in reports:
        result = report.error or ("dry run: nothing enqueued" if report.dry_run else "complete; cursor moved")
        window = f"{report.since:%Y-%m-%d %H:%M} .. {report.until:%H:%M} UTC"
        counts = (report.pages, report.listed, report.missing, report.updates, report.drift)
        shown.add_row(report.channel, window, *map(str, counts), str(report.throttled), str(report.retried), result)
    return shown


def _findings_table(findings: list[DriftFinding]) -> Table:
    shown = Table(title=f"{len(findings)} drift finding(s), oldest first", title_justify="left")
    for column in ("channel", "order", "reference", "field", "channel says", "ERP says", "found"):
        shown.add_column(column, overflow="fold")
    for finding in findings:
        shown.add_row(
            finding.channel,
            finding.order_id,
            finding.reference,
            finding.field,
            finding.channel_value,
            finding.erp_value,
            f"{finding.found_at:%Y-%m-%d %H:%M:%S}",
        )
    return shown
