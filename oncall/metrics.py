"""The fleet as Prometheus metrics, for any process that serves ``/metrics`` (the receiver, the
console): per lane depth, age, throughput, the workers consuming it and those it could use; the ERP's rate against
the budget, its latency and breaker; what happened to messages; the alerts of ``weir status``.

Every figure comes from RabbitMQ and Redis, where each worker process records what it does, so
one scrape of any one process covers the whole fleet, workers included. Durations are seconds
and rates per second, as Prometheus has them (Weir's gate keeps milliseconds).

>>> registry = fleet_registry(oncall)   # then serve it: weir.exposition.metrics_endpoint(registry)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from oncall.fleet import OnCall
from oncall.reading import CauseCount, FleetReader, FleetReading
from oncall.status import ErpStatus, FleetStatus, LaneStatus
from throttling.gate import CallCounters

__all__ = ["FleetCollector", "fleet_registry"]

_BREAKER_STATES = ("closed", "open", "half")


class FleetCollector(Collector):
    """Collects the fleet's metrics from a :class:`FleetReader` (read at most every few seconds)."""

    def __init__(self, reader: FleetReader) -> None:
        self._reader = reader

    def describe(self) -> list[GaugeMetricFamily]:
        # Registering must not read the fleet: RabbitMQ may be down when a process starts.
        return []

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        reading = self._reader.read()
        yield from _health(reading)
        if reading.status is not None:
            yield from _lanes(reading.status.lanes)
            yield from _erp(reading.status.erp)
            yield from _fleet(reading.status)
            yield from _reconciliation(reading.status)
            yield _outbound(reading.status)
            yield _alerts(reading.status)
        if reading.calls is not None:
            yield from _calls(reading.calls)
        if reading.tally is not None:
            yield from _tallies(reading.tally)
            yield _causes(reading.causes)

    def close(self) -> None:
        self._reader.close()


def fleet_registry(oncall: OnCall, *, max_age_seconds: float = 3.0) -> CollectorRegistry:
    """A registry holding only the fleet's metrics, read at most every ``max_age_seconds``."""
    registry = CollectorRegistry()
    registry.register(FleetCollector(FleetReader(oncall, max_age_seconds=max_age_seconds)))
    return registry


def _gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


def _health(reading: FleetReading) -> Iterator[GaugeMetricFamily]:
    up = _gauge("weir_up", "Whether the dependency answered the last fleet reading (1) or not (0).", ["dependency"])
    for dependency, answered in reading.up.items():
        up.add_metric([dependency], float(answered))
    read = _gauge("weir_fleet_read_seconds", "How long the last reading of the fleet took.")
    read.add_metric([], reading.read_seconds)
    yield from (up, read)


def _lanes(lanes: tuple[LaneStatus, ...]) -> Iterator[GaugeMetricFamily]:
    messages = _gauge(
        "weir_lane_messages", "Messages in a lane, by state (ready, delayed, in_flight, dead).", ["lane", "state"]
    )
    age = _gauge("weir_lane_oldest_age_seconds", "Age of the oldest waiting event of a lane (0: none).", ["lane"])
    throughput = _gauge(
        "weir_lane_throughput_per_second", "Events a lane finished per second, over the last minute.", ["lane"]
    )
    eta = _gauge("weir_lane_drain_eta_seconds", "When a lane's backlog drains (+Inf: never, at its rate).", ["lane"])
    slo = _gauge("weir_lane_slo_seconds", "How long an event of a lane may wait for the ERP.", ["lane"])
    desired = _gauge("weir_desired_workers", "Worker processes a lane could use now.", ["lane"])
    consumers = _gauge(
        "weir_lane_consumers", "Worker processes consuming a lane now (RabbitMQ's consumers of its queue).", ["lane"]
    )
    parked = _gauge(
        "weir_lane_parked",
        "A lane's dead letters that are no failures: events waiting behind an earlier dead letter of their "
        'entity (counted in weir_lane_messages{state="dead"} too).',
        ["lane"],
    )
    for lane in lanes:
        for state in ("ready", "delayed", "in_flight", "dead"):
            messages.add_metric([lane.lane, state], float(getattr(lane, state)))
        age.add_metric([lane.lane], lane.oldest_age_seconds or 0.0)
        throughput.add_metric([lane.lane], lane.throughput_per_second)
        eta.add_metric([lane.lane], float("inf") if lane.drain_eta_seconds is None else lane.drain_eta_seconds)
        slo.add_metric([lane.lane], lane.slo_seconds)
        desired.add_metric([lane.lane], float(lane.desired_workers))
        consumers.add_metric([lane.lane], float(lane.consumers))
        parked.add_metric([lane.lane], float(lane.parked))
    yield from (messages, age, throughput, eta, slo, desired, consumers, parked)


def _erp(erp: ErpStatus) -> Iterator[GaugeMetricFamily]:
    for name, documentation, value in (
        ("weir_erp_calls_per_second", "ERP calls per second, over the last minute.", erp.calls_per_second),
        ("weir_erp_budget_per_second", "The ERP budget in calls per second (0: unlimited).", erp.budget_per_second),
        ("weir_erp_allowed_per_second", "The ERP calls per second the gate allows now.", erp.allowed_per_second),
        ("weir_erp_blocked_seconds", "How long the gate admits no call (open or paused).", erp.blocked_for_seconds),
    ):
        gauge = _gauge(name, documentation)
        gauge.add_metric([], value)
        yield gauge
    breaker = _gauge("weir_erp_breaker_state", "The ERP breaker's state: 1 for the current one.", ["state"])
    for state in _BREAKER_STATES:
        breaker.add_metric([state], float(erp.breaker == state))
    yield breaker


def _fleet(status: FleetStatus) -> Iterator[GaugeMetricFamily]:
    quarantined = _gauge("weir_quarantined_messages", "Dead letters replayed too often, set aside.")
    quarantined.add_metric([], float(status.quarantined))
    recent = _gauge(
        "weir_dead_letters_recent", "Failures dead-lettered in the last 15 minutes (parked events left out)."
    )
    recent.add_metric([], float(status.dead_letters_recent))
    mismatches = _gauge(
        "weir_order_total_mismatches",
        "Orders held in the dead letters because their sale would not total what the channel says "
        "the customer pays (TotalMismatch).",
    )
    mismatches.add_metric([], float(status.total_mismatches))
    yield from (quarantined, recent, mismatches)


def _reconciliation(status: FleetStatus) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
    drift = _gauge(
        "weir_reconcile_drift", "Orders whose sale differs from the channel (total or status), by channel.", ["channel"]
    )
    missing = CounterMetricFamily(
        "weir_reconcile_missing", "Orders reconciliation found missing and enqueued, by channel.", labels=["channel"]
    )
    failed = _gauge(
        "weir_reconcile_failed", "Whether a channel's last reconciliation stopped early (1) or not (0).", ["channel"]
    )
    last = _gauge(
        "weir_reconcile_last_run_timestamp_seconds", "When a channel's last reconciliation ended.", ["channel"]
    )
    for channel in status.reconciliation:
        drift.add_metric([channel.channel], float(channel.drift))
        missing.add_metric([channel.channel], float(channel.missing_total))
        failed.add_metric([channel.channel], float(channel.error is not None))
        last.add_metric([channel.channel], channel.last_run_at.timestamp())
    yield from (drift, missing, failed, last)


def _outbound(status: FleetStatus) -> CounterMetricFamily:
    notices = CounterMetricFamily(
        "weir_outbound_notices",
        "Stock levels and shipments of the outbound lane, by channel and outcome: sent (the channel was "
        "called), superseded (a newer level came), unchanged (the channel held it), not_listed (it sells "
        "no such SKU), told (a shipment it held already).",
        labels=["channel", "outcome"],
    )
    for channel, outcomes in sorted(status.outbound.items()):
        for outcome, count in sorted(outcomes.items()):
            notices.add_metric([channel, outcome], float(count))
    return notices


def _alerts(status: FleetStatus) -> GaugeMetricFamily:
    """The conditions of ``weir status``'s alerts (see :class:`~oncall.status.StatusReader`),
    1 when raised, so that alert rules need no thresholds of their own."""
    alert = _gauge("weir_alert", "A business alert of weir status: 1 raised, 0 clear.", ["kind", "lane"])
    for lane in status.lanes:
        age, eta, slo = lane.oldest_age_seconds, lane.drain_eta_seconds, lane.slo_seconds
        waiting = lane.ready + lane.delayed > 0
        alert.add_metric(["waiting_beyond_slo", lane.lane], float(age is not None and age > slo))
        alert.add_metric(["drain_beyond_slo", lane.lane], float(waiting and (eta is None or eta > slo)))
        # The first is critical: nothing will drain that backlog.
        alert.add_metric(["backlog_without_consumers", lane.lane], float(waiting and not lane.consumers))
        alert.add_metric(["no_consumers", lane.lane], float(not lane.consumers))
    alert.add_metric(["dead_letters_growing", ""], float(status.dead_letters_recent > 0))
    alert.add_metric(["erp_breaker_not_closed", ""], float(status.erp.breaker != "closed"))
    return alert


def _calls(calls: CallCounters) -> Iterator[CounterMetricFamily | HistogramMetricFamily]:
    outcomes = CounterMetricFamily("weir_erp_calls", "ERP calls, by outcome.", labels=["outcome"])
    for outcome, count in sorted(calls.outcomes.items()):
        outcomes.add_metric([outcome], float(count))
    buckets = [
        ("+Inf" if bound == float("inf") else str(bound / 1000), float(count)) for bound, count in calls.buckets.items()
    ]
    latency = HistogramMetricFamily(
        "weir_erp_call_duration_seconds",
        "How long ERP calls took, from the fleet's gate.",
        buckets=buckets,
        sum_value=calls.latency_sum_ms / 1000,
    )
    yield from (outcomes, latency)


def _tallies(tally: Mapping[str, int]) -> Iterator[CounterMetricFamily]:
    retries = CounterMetricFamily("weir_retries", "Real failures retried with backoff.")
    retries.add_metric([], float(tally.get("retries", 0)))
    yield retries
    for name, documentation, prefix, label in (
        ("weir_deferrals", "Messages deferred without spending a retry, by cause.", "deferrals:", "cause"),
        ("weir_dead_lettered", "Messages dead-lettered, by classification.", "dead:", "classification"),
        ("weir_dedupe_hits", "Deliveries recognised as duplicates, by channel.", "dedupe_hits:", "channel"),
    ):
        family = CounterMetricFamily(name, documentation, labels=[label])
        for field, count in sorted(tally.items()):
            if field.startswith(prefix):
                family.add_metric([field.removeprefix(prefix)], float(count))
        yield family


def _causes(causes: tuple[CauseCount, ...]) -> GaugeMetricFamily:
    held = _gauge(
        "weir_dead_letters", "Dead letters held now, by cause (the largest causes; 'other' sums the rest).",
        ["fingerprint", "cause"],
    )  # fmt: skip
    for cause in causes:
        held.add_metric([cause.fingerprint, cause.cause], float(cause.count))
    return held
