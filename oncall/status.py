"""The fleet at a glance: per lane, what waits, what runs, how fast it drains; the ERP's health.

Everything is read from RabbitMQ (queue depths and consumers) and Redis (what workers and the
ERP's gate record), so one snapshot covers every process and host. Ages and rates are
approximations made explicit in :class:`LaneStatus`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from pydantic import BaseModel, ConfigDict

from oncall.queue_counts import QueueCount
from oncall.reconciliation import ChannelReconciliation, ReconcileRecord
from queues.activity import activity_keys
from queues.dead import DeadLetterReason, DeadLetterStore
from queues.errors import QueueError
from queues.lanes import Lane
from queues.outbound_tally import OutboundCounts
from queues.tally import tally_key
from queues.topology import lane_queues, quarantine_queue
from throttling import FleetGate

__all__ = ["ErpStatus", "FleetStatus", "LaneStatus", "StatusReader", "Targets", "desired_workers"]

#: How far back throughput and ERP rates are averaged, in seconds.
WINDOW_SECONDS = 60

#: Dead letters in this window raise the "dead letters growing" alert.
DEAD_LETTER_WINDOW = timedelta(minutes=15)

# erp.errors.TotalMismatch, by the name dead letters keep: on-call reads them, not the ERP.
_TOTAL_MISMATCH = "TotalMismatch"


class LaneStatus(BaseModel):
    """One lane. ``consumers`` is the worker processes taking from it (RabbitMQ's consumers of the
    lane's queue, one per process). ``ready`` is what RabbitMQ holds ready in the lane's queue;
    ``delayed`` what its delay queue holds (retries and deferrals waiting to be due, held by
    workers or not); ``in_flight`` what workers are processing. Each message is counted once, in
    one of them; the backlog is ``ready`` and ``delayed`` together. A worker's few prefetched
    messages, not started yet, are in none (at most two per thread). ``oldest_age_seconds`` is
    the enqueue age of the last message to start (the head of the lane, which is consumed in
    order), ``None`` when nothing waits or nothing has started. ``throughput_per_second`` is
    events finished per second over the last minute; the drain ETA divides the backlog by it.
    ``desired_workers`` is the worker processes this lane could use: enough to drain it within
    its SLO, no more than its share of the ERP budget can feed, and one while the breaker is
    open. ``parked`` counts the lane's dead letters that are no failures: events waiting behind
    an earlier dead letter of their entity (``dead`` includes them, as RabbitMQ keeps both in
    the lane's XQ)."""

    model_config = ConfigDict(frozen=True)

    lane: str
    consumers: int
    ready: int
    delayed: int
    in_flight: int
    dead: int
    parked: int
    oldest_age_seconds: float | None
    throughput_per_second: float
    drain_eta_seconds: float | None
    slo_seconds: float
    desired_workers: int
    alerts: tuple[str, ...]


class ErpStatus(BaseModel):
    """The ERP as the fleet sees it: calls per second (last minute) against the budget, and the
    breaker. ``allowed_per_second`` is what the gate lets through now (0 while open or paused)."""

    model_config = ConfigDict(frozen=True)

    breaker: str
    blocked_for_seconds: float
    calls_per_second: float
    budget_per_second: float
    allowed_per_second: float
    average_latency_ms: float | None


class FleetStatus(BaseModel):
    """A snapshot of the fleet at ``at``. ``dead_letters_recent`` counts the failures dead-lettered
    in the last 15 minutes, not the events parked behind them. ``critical_alerts`` are those of
    ``alerts`` that need someone now: a backlog no worker consumes, which nothing will drain.
    ``total_mismatches`` counts the orders the dead letters hold because the sale would not
    total what the channel says the customer pays; ``last_total_mismatch`` is the newest's
    reason, naming the order and both figures. ``reconciliation`` is each reconciled channel's last
    run and open drift findings. ``outbound`` counts the stock levels and shipments the outbound
    workers told each channel (``sent``) or spared it, by outcome (see :mod:`queues.outbound_tally`)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    lanes: tuple[LaneStatus, ...]
    erp: ErpStatus
    quarantined: int
    dead_letters_recent: int
    alerts: tuple[str, ...]
    critical_alerts: tuple[str, ...]
    reconciliation: tuple[ChannelReconciliation, ...] = ()
    total_mismatches: int = 0
    last_total_mismatch: str | None = None
    outbound: dict[str, dict[str, int]] = {}


@dataclass(frozen=True)
class Targets:
    """What the fleet aims for: each lane's SLO (seconds an event may wait), the budget, the
    lanes' minimum shares of it, and the threads each of a lane's worker processes runs."""

    slo_seconds: Mapping[Lane, float]
    budget_per_second: float
    shares: Mapping[Lane, float]
    threads_per_process: Mapping[Lane, int]


@dataclass(frozen=True)
class _Fleet:
    erp: ErpStatus
    calls_per_event: float
    busy: frozenset[Lane]


def desired_workers(
    *,
    backlog: float,
    throughput: float,
    slo_seconds: float,
    breaker_closed: bool,
    budget_per_second: float,
    calls_per_event: float,
    latency_ms: float | None,
    threads_per_process: int,
) -> int:
    """Worker processes a lane could use: enough threads to apply events as fast as draining
    ``backlog`` within ``slo_seconds`` while keeping up with ``throughput`` (events/s) needs, but
    no faster than ``budget_per_second`` (ERP calls/s, 0 = unlimited) allows; each event costs
    ``calls_per_event`` calls of ``latency_ms`` (50 ms if unknown). None without a backlog, one
    while the breaker is open (more would only wait)."""
    if not backlog:
        return 0
    if not breaker_closed:
        return 1
    events_per_second = backlog / slo_seconds + throughput
    if budget_per_second:
        events_per_second = min(events_per_second, budget_per_second / calls_per_event)
    busy_threads = events_per_second * calls_per_event * (latency_ms or 50) / 1000
    return max(1, math.ceil(busy_threads / threads_per_process))


class StatusReader:
    """Reads :class:`FleetStatus` for a namespace; ``count(queue)`` is what RabbitMQ says of a queue."""

    def __init__(
        self,
        namespace: str,
        *,
        client: redis.Redis,
        gate: FleetGate,
        dead: DeadLetterStore,
        count: Callable[[str], QueueCount],
        targets: Targets,
    ) -> None:
        self._namespace = namespace
        self._client = client
        self._gate = gate
        self._dead = dead
        self._count = count
        self._targets = targets

    def read(self) -> FleetStatus:
        now = time.time()
        erp = self._erp(now)
        raw = {lane: self._lane_counts(lane, now) for lane in Lane}
        total_throughput = sum(counts["throughput"] for counts in raw.values())
        calls_per_event = erp.calls_per_second / total_throughput if total_throughput and erp.calls_per_second else 1.0
        # A lane competes for the budget only with lanes that have work; alone, it may use all of it.
        busy = {lane for lane, counts in raw.items() if counts["ready"] + counts["in_flight"]}
        fleet = _Fleet(erp, calls_per_event, frozenset(busy))
        lanes = tuple(self._lane(lane, counts, fleet) for lane, counts in raw.items())
        # Parked events are no failures: one dead order with fifty events behind it is one.
        since = datetime.now(UTC) - DEAD_LETTER_WINDOW
        recent = self._dead.count_since(since) - self._dead.parked_since(since, [lane.value for lane in Lane])
        alerts = tuple(alert for lane in lanes for alert in lane.alerts)
        if recent:
            alerts += (f"dead letters growing: {recent} in the last {DEAD_LETTER_WINDOW.seconds // 60} minutes",)
        if erp.breaker != "closed":
            alerts += (f"the ERP's breaker is {erp.breaker}",)
        reconciliation = ReconcileRecord(self._client, self._namespace).overview()
        alerts += tuple(alert for channel in reconciliation for alert in _reconcile_alerts(channel))
        mismatches, last_mismatch = self._total_mismatches()
        return FleetStatus(
            at=datetime.fromtimestamp(now, UTC),
            lanes=lanes,
            erp=erp,
            quarantined=self._count(quarantine_queue(self._namespace)).ready,
            dead_letters_recent=recent,
            alerts=alerts,
            reconciliation=reconciliation,
            outbound=self._outbound(),
            critical_alerts=tuple(
                _unconsumed(lane.lane, waiting)
                for lane in lanes
                if not lane.consumers and (waiting := lane.ready + lane.delayed)
            ),
            total_mismatches=mismatches,
            last_total_mismatch=None if last_mismatch is None else _mismatch(last_mismatch),
        )

    def _total_mismatches(self) -> tuple[int, DeadLetterReason | None]:
        """How many dead letters are orders whose total does not reconcile, and the newest.

        Each pair of figures is a cause of its own, so the causes the workers tallied are read
        with the newest dead letter of each, as the metrics read them (two round trips)."""
        try:
            names = [_text(name) for name in self._client.hkeys(tally_key(self._namespace))]
        except redis.RedisError as exc:
            raise QueueError(f"cannot read the tallies from Redis: {exc}") from exc
        fingerprints = [name.removeprefix("dead_cause:") for name in names if name.startswith("dead_cause:")]
        held = [
            (count, reason)
            for count, reason in self._dead.cause_counts(fingerprints)
            if reason.error_class == _TOTAL_MISMATCH
        ]
        if not held:
            return 0, None
        newest = max((reason for _, reason in held), key=lambda reason: reason.dead_lettered_at)
        return sum(count for count, _ in held), newest

    def _outbound(self) -> dict[str, dict[str, int]]:
        """The outbound counts by channel and outcome."""
        try:
            counts = OutboundCounts(self._client, self._namespace).read()
        except redis.RedisError as exc:
            raise QueueError(f"cannot read the outbound counts from Redis: {exc}") from exc
        by_channel: dict[str, dict[str, int]] = {}
        for (channel, outcome), count in counts.items():
            by_channel.setdefault(channel, {})[outcome] = count
        return by_channel

    def _lane_counts(self, lane: Lane, now: float) -> dict[str, float]:
        queues = lane_queues(self._namespace, lane)
        keys = activity_keys(self._namespace, lane.value)
        # RabbitMQ first, then Redis with the moment after: a deferral RabbitMQ already counted
        # ready was due before it, so Redis no longer counts it as delayed.
        ready, delayed, dead = (self._count(name) for name in (queues.ready, queues.delayed, queues.dead))
        read_ms = time.time() * 1000
        pipeline = self._client.pipeline(transaction=False)
        pipeline.zcount(keys.inflight, now * 1000, "+inf")
        pipeline.hget(keys.heads, lane.value)
        pipeline.hgetall(keys.done)
        pipeline.zcount(keys.delayed, f"({read_ms}", "+inf")
        try:
            in_flight, head, done, due_later = pipeline.execute()
        except redis.RedisError as exc:
            raise QueueError(f"cannot read the lanes' activity from Redis: {exc}") from exc
        # Full seconds only: the current one is still filling.
        since, until = int(now) - WINDOW_SECONDS, int(now)
        finished = sum(int(count) for second, count in done.items() if since <= int(second) < until)
        return {
            "consumers": ready.consumers,
            "ready": ready.ready,
            "delayed": _delayed(delayed.ready, int(due_later)),
            "dead": dead.ready,
            "parked": self._dead.parked_count(lane.value),
            "in_flight": int(in_flight),
            "head": float(head) / 1000 if head else 0.0,
            "throughput": finished / WINDOW_SECONDS,
            "now": now,
        }

    def _lane(self, lane: Lane, counts: dict[str, float], fleet: _Fleet) -> LaneStatus:
        waiting = counts["ready"] + counts["delayed"]
        age = counts["now"] - counts["head"] if waiting and counts["head"] else None
        throughput = counts["throughput"]
        eta = waiting / throughput if waiting and throughput else (0.0 if not waiting else None)
        slo = self._targets.slo_seconds.get(lane, 3600.0)
        share = 1.0 if lane is Lane.CRITICAL or lane not in fleet.busy else self._targets.shares.get(lane, 0.0)
        desired = desired_workers(
            backlog=waiting + counts["in_flight"],
            throughput=throughput,
            slo_seconds=slo,
            breaker_closed=fleet.erp.breaker == "closed",
            budget_per_second=self._targets.budget_per_second * share,
            calls_per_event=fleet.calls_per_event,
            latency_ms=fleet.erp.average_latency_ms,
            threads_per_process=self._targets.threads_per_process.get(lane, 1),
        )
        alerts = []
        if not counts["consumers"]:
            alerts.append(_unconsumed(lane.value, waiting))
        if age is not None and age > slo:
            alerts.append(f"{lane.value}: events wait {age:.0f} s, beyond the {slo:.0f} s SLO")
        if waiting and (eta is None or eta > slo):
            shown = "never, at the current rate" if eta is None else f"in {eta:.0f} s"
            alerts.append(f"{lane.value}: the backlog of {waiting:.0f} drains {shown}, beyond the {slo:.0f} s SLO")
        return LaneStatus(
            lane=lane.value,
            consumers=int(counts["consumers"]),
            ready=int(counts["ready"]),
            delayed=int(counts["delayed"]),
            in_flight=int(counts["in_flight"]),
            dead=int(counts["dead"]),
            parked=int(counts["parked"]),
            oldest_age_seconds=age,
            throughput_per_second=throughput,
            drain_eta_seconds=eta,
            slo_seconds=slo,
            desired_workers=desired,
            alerts=tuple(alerts),
        )

    def _erp(self, now: float) -> ErpStatus:
        state = self._gate.state()
        calls, latency = self._gate.recent_calls(WINDOW_SECONDS)
        policy = self._gate.policy
        blocked = state.blocked_for_ms / 1000
        return ErpStatus(
            breaker=state.breaker,
            blocked_for_seconds=blocked,
            calls_per_second=calls / WINDOW_SECONDS,
            budget_per_second=policy.rate_per_second,
            allowed_per_second=0.0 if blocked else policy.rate_per_second * self._gate.factor(),
            average_latency_ms=latency,
        )


def _mismatch(reason: DeadLetterReason) -> str:
    return f"{reason.channel or 'unknown channel'}: {reason.error_message}"


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _unconsumed(lane: str, waiting: float) -> str:
    """The alert for a lane no worker consumes (critical when events wait in it)."""
    if waiting:
        return f"{lane}: {waiting:.0f} events wait and no worker consumes the lane"
    return f"{lane}: no worker consumes the lane"


def _delayed(ready_in_delay_queue: int, due_later: int) -> int:
    """Messages in a lane's delay queue, each once.

    A worker takes delayed messages from the delay queue as they come and holds them,
    unacknowledged, until they are due; then it publishes each to the lane's ready queue, where
    it waits to start like any other. RabbitMQ counts the delayed messages no worker holds
    (``ready_in_delay_queue``). Workers record each delayed message with when it is due and
    forget it once it starts: those due later (``due_later``) are all still in the delay queue,
    held or not; those due already are back in the ready queue and counted there, unless no
    worker took them (then they are ready in the delay queue). So the larger of the two is the
    delay queue's size when no worker holds any (the first) or none ready in it is due already
    (the second), and never counts a message twice.
    """
    return max(ready_in_delay_queue, due_later)


def _reconcile_alerts(channel: ChannelReconciliation) -> tuple[str, ...]:
    """Drift findings open on ``channel``, and a last run that stopped early."""
    alerts: tuple[str, ...] = ()
    if channel.drift:
        alerts += (f"{channel.drift} order(s) of {channel.channel} drift from their sale (weir reconcile --drift)",)
    if channel.error is not None:
        alerts += (f"reconciliation of {channel.channel} stopped early; its cursor waits: {channel.error}",)
    return alerts
