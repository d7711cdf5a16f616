"""A reconciliation run: list a channel's orders in a window, compare, enqueue, record, audit.

The window of a channel's run is ``[cursor - overlap, now)``: the cursor is where its last
complete run ended (``--since`` overrides it; a channel's first run looks back
``first_lookback``). A window spans ``max_span`` at most, so a channel far behind catches up
run by run instead of listing more pages than a run may. The overlap covers orders a channel
indexes late. The cursor moves to the window's end only when every page of it was listed and
every missing order enqueued: a channel that is down, or an ERP or RabbitMQ that is, ends the
run with the cursor where it was, so the next run lists the same orders again and nothing is
lost.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from erp.adapter import ErpAdapter, sale_reference
from erp.errors import ErpError
from oncall.reconciliation import DriftFinding, ReconcileRecord, RunReport
from queues.dead.audit import AuditLog
from queues.errors import QueueError
from reconcile.calls import GatedCalls
from reconcile.comparison import judge
from reconcile.errors import ChannelUnreachable, ReconcileError, RunInProgress
from reconcile.events import ReconciledEvents
from reconcile.lease import RunLease
from reconcile.listing import ListedOrder, OrderLister

__all__ = ["ChannelReader", "Reconciler", "Window"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelReader:
    """One channel's order listing and the gated calls it is made through."""

    lister: OrderLister
    calls: GatedCalls


@dataclass(frozen=True)
class Window:
    """How far a run looks: ``overlap`` before the cursor, ``first_lookback`` before now on a
    channel's first run, at most ``max_span`` from where it starts (a channel far behind, after
    an outage, catches up over several runs), at most ``max_pages`` pages."""

    overlap: timedelta = timedelta(minutes=5)
    first_lookback: timedelta = timedelta(days=1)
    max_span: timedelta = timedelta(days=1)
    max_pages: int = 400


class Reconciler:
    """Runs reconciliation over ``channels`` (by name). ``applied`` gives the version of an
    entity (``<channel>:order:<id>``) Weir applied last, in Unix ms (``None``: unknown)."""

    def __init__(
        self,
        channels: Mapping[str, ChannelReader],
        erp: ErpAdapter,
        applied: Callable[[str], int | None],
        events: ReconciledEvents,
        record: ReconcileRecord,
        *,
        audit: AuditLog,
        lease: RunLease | None = None,
        window: Window = Window(),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._channels = dict(channels)
        self._erp = erp
        self._applied = applied
        self._events = events
        self._record = record
        self._audit = audit
        self._lease = lease
        self._window = window
        self._clock = clock

    @property
    def channels(self) -> list[str]:
        """The channels with an order listing, by name."""
        return sorted(self._channels)

    def run(
        self,
        channel: str,
        *,
        who: str,
        why: str = "",
        since: datetime | None = None,
        dry_run: bool = False,
        audit_always: bool = False,
    ) -> RunReport:
        """One run over ``channel``; ``since`` overrides the cursor, ``dry_run`` lists and compares
        without enqueueing or moving the cursor. ``who`` and ``why`` go to the audit trail, which
        records every run that found something (every run with ``audit_always``).

        Raises:
            ValueError: ``channel`` has no order listing.
            RunInProgress: another run of ``channel`` holds its lease.
            QueueError: Redis did not answer for the lease, the cursor or the record.
        """
        reader = self._channels.get(channel)
        if reader is None:
            raise ValueError(f"channel {channel} has no API to list its orders")
        lease = self._lease
        token = None if lease is None else lease.take(channel)
        if lease is not None and token is None:
            raise RunInProgress(f"another reconciliation of {channel} is running")
        held = None if lease is None or token is None else partial(lease.extend, channel, token)
        try:
            report = self._run(channel, reader, since=since, dry_run=dry_run, held=held)
        finally:
            if lease is not None and token is not None:
                lease.release(channel, token)
        if audit_always or report.missing or report.updates or report.drift:
            self._audited(report, who, why)
        return report

    def _run(
        self,
        channel: str,
        reader: ChannelReader,
        *,
        since: datetime | None,
        dry_run: bool,
        held: Callable[[], None] | None,
    ) -> RunReport:
        started = self._clock()
        latest = started - reader.lister.lag
        scheduled = self._start(channel, latest)
        start = since or scheduled
        until = min(latest, start + self._window.max_span) if since is None else latest
        tally = _Tally(channel, run_id=f"reconcile-{secrets.token_hex(8)}", dry_run=dry_run)
        error = None
        throttled, retried = reader.calls.throttled, reader.calls.retried
        try:
            self._list(reader, start, until, tally, held)
        except (ReconcileError, ErpError, QueueError) as exc:
            error = str(exc)
            logger.warning("Reconciliation of %s stopped; its cursor stays: %s", channel, exc)
        report = tally.report(
            started=started,
            finished=self._clock(),
            since=start,
            until=until,
            throttled=reader.calls.throttled - throttled,
            retried=reader.calls.retried - retried,
            error=error,
            # A window starting after the cursor leaves orders before it unlisted: the cursor stays.
            moves_cursor=start <= scheduled,
        )
        self._record.finish(report, tally.findings)
        return report

    def _start(self, channel: str, now: datetime) -> datetime:
        cursor = self._record.cursor(channel)
        return now - self._window.first_lookback if cursor is None else cursor - self._window.overlap

    def _list(
        self, reader: ChannelReader, since: datetime, until: datetime, tally: _Tally, held: Callable[[], None] | None
    ) -> None:
        after: str | None = None
        for number in range(1, self._window.max_pages + 1):
            page = reader.calls.call(f"page {number} of its orders", partial(reader.lister.page, since, until, after))
            tally.pages += 1
            for order in page.orders:
                self._compare(tally.channel, reader.lister, order, tally)
            if held is not None:
                held()
            if page.next is None:
                return
            after = page.next
        raise ChannelUnreachable(f"{tally.channel} gave more than {self._window.max_pages} pages of orders")

    def _compare(self, channel: str, lister: OrderLister, order: ListedOrder, tally: _Tally) -> None:
        tally.listed += 1
        sale = self._erp.find_sale(sale_reference(channel, order.order_id))
        verdict = judge(channel, order, sale, self._applied(f"{channel}:order:{order.order_id}"))
        tally.findings[order.order_id] = verdict.finding
        if verdict.change is None:
            return
        if not tally.dry_run:
            webhook = lister.webhook(order, verdict.change)
            event = self._events.enqueue(
                channel, lister.provider, order, change=verdict.change, webhook=webhook, run_id=tally.run_id
            )
            if event is None:
                return  # this version is already on its way
        if verdict.missing:
            tally.missing += 1
        else:
            tally.updates += 1

    def _audited(self, report: RunReport, who: str, why: str) -> None:
        selection: dict[str, Any] = {
            "channel": report.channel,
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "listed": report.listed,
            "missing": report.missing,
            "updates": report.updates,
            "drift": report.drift,
            "dry_run": report.dry_run,
        }
        if report.error is not None:
            selection["error"] = report.error
        self._audit.append(
            who=who, action="reconcile", count=report.missing + report.updates, selection=selection, why=why
        )


@dataclass
class _Tally:
    """What a run counted so far."""

    channel: str
    run_id: str
    dry_run: bool
    pages: int = 0
    listed: int = 0
    missing: int = 0
    updates: int = 0

    def __post_init__(self) -> None:
        self.findings: dict[str, DriftFinding | None] = {}

    def report(
        self,
        *,
        started: datetime,
        finished: datetime,
        since: datetime,
        until: datetime,
        throttled: int,
        retried: int,
        error: str | None,
        moves_cursor: bool,
    ) -> RunReport:
        return RunReport(
            channel=self.channel,
            started_at=started,
            finished_at=finished,
            since=since,
            until=until,
            pages=self.pages,
            listed=self.listed,
            missing=self.missing,
            updates=self.updates,
            drift=sum(finding is not None for finding in self.findings.values()),
            throttled=throttled,
            retried=retried,
            dry_run=self.dry_run,
            error=error,
            moves_cursor=moves_cursor,
        )
