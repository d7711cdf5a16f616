"""On-call's tools over the same services and settings as a test's workers."""

from __future__ import annotations

from oncall.fleet import OnCall, OnCallConfig
from oncall.settings import OnCallSettings
from workers.app import WorkerConfig

__all__ = ["oncall_of"]


def oncall_of(config: WorkerConfig) -> OnCall:
    """An :class:`OnCall` on ``config``'s RabbitMQ, Redis, namespace, budget and dead letters (close it)."""
    return OnCall(
        OnCallConfig(
            service=config.service,
            redis=config.redis,
            broker=config.broker,
            budget=config.budget,
            breaker=config.breaker,
            dead=config.dead,
            oncall=OnCallSettings(),
        )
    )
