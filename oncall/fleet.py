"""What on-call's tools (the ``weir`` CLI, the console, the metrics) work with, for one namespace.

:func:`load_config` reads the settings once at the entry point; :class:`OnCall` holds the Redis
client and builds the readers and the replayer from them. RabbitMQ is reached through short
blocking connections (:meth:`OnCall.rabbit`), one per action, so a console serving requests from
several threads never shares one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from oncall.queue_counts import QueueCounter
from oncall.settings import OnCallSettings
from oncall.status import FleetStatus, StatusReader, Targets
from queues.dead import (
    AuditLog,
    DeadLetterQueue,
    DeadLetterSettings,
    DeadLetterStore,
    Replayer,
    audit_log,
    dead_letter_store,
)
from queues.dead.holds import entity_holds
from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.topology import DEAD_LETTER_ARGUMENTS, declarations, lane_queues, quarantine_queue
from queues.upgrade import upgrade_lanes, upgrade_queues
from throttling import FleetGate
from throttling.budget import BreakerSettings, BudgetSettings, gate_policy
from weir.settings import RedisSettings, ServiceSettings, load
from weir.stores import sync_redis

__all__ = ["OnCall", "OnCallConfig", "calls_per_event", "load_config"]


@dataclass(frozen=True)
class OnCallConfig:
    """Every setting on-call's tools read."""

    service: ServiceSettings
    redis: RedisSettings
    broker: BrokerSettings
    budget: BudgetSettings
    breaker: BreakerSettings
    dead: DeadLetterSettings
    oncall: OnCallSettings


def load_config() -> OnCallConfig:
    """Read on-call's settings from the environment.

    Raises:
        ConfigError: naming the bad setting.
    """
    return OnCallConfig(
        service=load(ServiceSettings),
        redis=load(RedisSettings),
        broker=load(BrokerSettings),
        budget=load(BudgetSettings),
        breaker=load(BreakerSettings),
        dead=load(DeadLetterSettings),
        oncall=load(OnCallSettings),
    )


class OnCall:
    """The fleet of one namespace, as on-call sees and handles it."""

    def __init__(self, config: OnCallConfig) -> None:
        self.config = config
        self.namespace = config.service.namespace
        self._client = sync_redis(config.redis)
        policy = gate_policy(config.budget, config.breaker, lease_ms=60_000)
        self.gate = FleetGate(self._client, prefix=f"{self.namespace}:erp:", policy=policy)
        self.store: DeadLetterStore = dead_letter_store(self._client, self.namespace, config.dead.max_entries)
        self.audit: AuditLog = audit_log(self._client, self.namespace)

    @contextmanager
    def rabbit(self) -> Iterator[DeadLetterQueue]:
        """A blocking connection to RabbitMQ for one action, closed after it.

        Raises:
            QueueError: RabbitMQ cannot be reached.
            LaneUpgradeNeeded: the quarantine is still an earlier Weir's classic queue holding messages.
        """
        quarantine = quarantine_queue(self.namespace)
        # An earlier Weir's empty classic quarantine becomes a quorum queue; a busy one stops here.
        upgrade_queues(self.config.broker.url, [(quarantine, DEAD_LETTER_ARGUMENTS)])
        queues = DeadLetterQueue(self.config.broker.url)
        try:
            # Declared up front (idempotent), so reading its depth never trips on a missing queue.
            queues.declare(quarantine, DEAD_LETTER_ARGUMENTS)
            yield queues
        finally:
            queues.close()

    def status(self) -> FleetStatus:
        """The fleet now: lanes, ERP, alerts.

        Raises:
            QueueError: RabbitMQ or Redis cannot be reached.
        """
        with QueueCounter(str(self.config.broker.url)) as counter:
            reader = StatusReader(
                self.namespace,
                client=self._client,
                gate=self.gate,
                dead=self.store,
                count=counter.count,
                targets=self._targets(),
            )
            return reader.read()

    @contextmanager
    def replayer(self, calls_per_event: float = 1.0) -> Iterator[Replayer]:
        """A replayer over one RabbitMQ connection; its plans assume ``calls_per_event`` ERP
        calls per replayed event, at the replay lane's share of the budget.

        Raises:
            QueueError: RabbitMQ cannot be reached.
            LaneUpgradeNeeded: the replay lane is still an earlier Weir's classic queue with work in it.
        """
        budget = self.config.budget
        rate = budget.rate * budget.replay_share / max(calls_per_event, 1.0) if budget.rate else None
        quarantine = quarantine_queue(self.namespace)
        upgrade_lanes(str(self.config.broker.url), self.namespace, [Lane.REPLAY])
        with self.rabbit() as queues:
            for name, arguments in [*declarations(self.namespace, Lane.REPLAY), (quarantine, DEAD_LETTER_ARGUMENTS)]:
                queues.declare(name, arguments)
            yield Replayer(
                self.store,
                queues,
                self.audit,
                replay_queue=lane_queues(self.namespace, Lane.REPLAY).ready,
                quarantine_queue=quarantine,
                replay_limit=self.config.dead.replay_limit,
                replay_rate_per_second=rate,
                holds=entity_holds(self._client, self.namespace),
            )

    def close(self) -> None:
        self._client.close()

    def _targets(self) -> Targets:
        budget = self.config.budget
        critical = max(
            0.0, 1 - budget.standard_share - budget.bulk_share - budget.replay_share - budget.reconcile_share
        )
        return Targets(
            slo_seconds={lane: self.config.oncall.slo_seconds(lane) for lane in Lane},
            budget_per_second=budget.rate,
            shares={
                Lane.CRITICAL: critical,
                Lane.STANDARD: budget.standard_share,
                Lane.BULK: budget.bulk_share,
                Lane.REPLAY: budget.replay_share,
                Lane.RECONCILE: budget.reconcile_share,
                # The outbound lane calls the channels, not the ERP.
                Lane.OUTBOUND: 0.0,
            },
            threads_per_process={lane: self.config.oncall.worker_threads(lane) for lane in Lane},
        )


def calls_per_event(status: FleetStatus) -> float:
    """ERP calls per finished event over the last minute (1 when nothing finished)."""
    finished = sum(lane.throughput_per_second for lane in status.lanes)
    if not finished or not status.erp.calls_per_second:
        return 1.0
    return max(1.0, math.floor(status.erp.calls_per_second / finished * 10) / 10)
