"""Reconciliation's composition root: settings, the channels' order listings behind their gates,
the gated ERP, the reconcile lane's publisher and the record, put together once per process.

``python -m reconcile`` and ``weir reconcile`` build a :class:`~reconcile.run.Reconciler` here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import httpx
import redis

from channels import (
    ProviderName,
    channel_options,
)
from erp.factory import build_erp
from erp.gated import GatedTransport
from erp.settings import ErpSettings
from oncall.reconciliation import ReconcileRecord
from queues.dead.audit import audit_log
from queues.lanes import Lane
from queues.process_publisher import ProcessPublisher
from queues.publisher import ConfirmedPublisher
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from reconcile.calls import GatedCalls
from reconcile.erp_gate import ReconcileGate
from reconcile.events import ReconciledEvents
from reconcile.lease import RunLease
from reconcile.listers import lister_for
from reconcile.run import ChannelReader, Reconciler, Window
from reconcile.settings import ReconcileSettings
from tasks.settings import ChannelApiSettings
from throttling import FleetGate, GatePolicy, GateUnavailable, HighWaterMark
from throttling.budget import BreakerSettings, BudgetSettings, gate_policy
from throttling.lean_redis import LeanRedis
from weir.settings import RedisSettings, ServiceSettings, load, reject_demo_secret
from weir.stores import master_locator, sync_redis

__all__ = ["ReconcileConfig", "load_config", "reconciler"]

logger = logging.getLogger(__name__)

#: Channel providers whose orders reconciliation can list.
LISTED_PROVIDERS: tuple[ProviderName, ...] = ("shopify", "woocommerce", "bigcommerce", "square", "amazon")


@dataclass(frozen=True)
class ReconcileConfig:
    """Everything reconciliation needs, read once from the environment."""

    service: ServiceSettings
    reconcile: ReconcileSettings
    channel_api: ChannelApiSettings
    budget: BudgetSettings
    breaker: BreakerSettings
    broker: BrokerSettings
    redis: RedisSettings
    erp: ErpSettings


def load_config() -> ReconcileConfig:
    """Read reconciliation's settings.

    Raises:
        ConfigError: naming the bad setting (demo secrets count as bad in production).
    """
    config = ReconcileConfig(
        service=load(ServiceSettings),
        reconcile=load(ReconcileSettings),
        channel_api=load(ChannelApiSettings),
        budget=load(BudgetSettings),
        breaker=load(BreakerSettings),
        broker=load(BrokerSettings),
        redis=load(RedisSettings),
        erp=load(ErpSettings),
    )
    if config.service.production:
        reject_demo_secret("WEIR_ERP_PASSWORD", config.erp.password.get_secret_value())
    return config


@contextmanager
def reconciler(config: ReconcileConfig) -> Iterator[Reconciler]:
    """A reconciler over every channel whose orders can be listed, closed on leaving.

    Raises:
        ConfigError: the channels file is unreadable or invalid.
    """
    namespace = config.service.namespace
    client = sync_redis(config.redis)
    lean = LeanRedis(str(config.redis.url), timeout=config.redis.timeout_seconds, locate=master_locator(config.redis))
    readers = _readers(config, client)
    erp = build_erp(config.erp, transport=_erp_transport(config, client))
    queue = lane_queues(namespace, Lane.RECONCILE)
    publisher = ProcessPublisher(partial(ConfirmedPublisher, str(config.broker.url), [queue], connect_timeout=5.0))
    events = ReconciledEvents(
        client, publisher, namespace=namespace, queue=queue.ready, seen_ttl_seconds=config.reconcile.seen_days * 86_400
    )
    settings = config.reconcile
    window = Window(
        overlap=timedelta(seconds=settings.overlap_seconds),
        first_lookback=timedelta(hours=settings.first_lookback_hours),
        max_span=timedelta(hours=settings.max_window_hours),
        max_pages=settings.max_pages,
    )
    # Reconciliation only reads the workers' marks, so their TTL is of no use here.
    marks = HighWaterMark(lean, prefix=f"{namespace}:mark:", ttl_ms=86_400_000)
    try:
        yield Reconciler(
            readers,
            erp,
            partial(_applied, marks),
            events,
            ReconcileRecord(client, namespace),
            audit=audit_log(client, namespace),
            lease=RunLease(client, namespace),
            window=window,
        )
    finally:
        publisher.close()
        erp.close()
        for reader in readers.values():
            reader.lister.close()
        lean.close()
        client.close()


def _applied(marks: HighWaterMark, entity: str) -> int | None:
    try:
        return marks.read(entity)
    except GateUnavailable:
        return None


def _readers(config: ReconcileConfig, client: redis.Redis) -> dict[str, ChannelReader]:
    settings = config.channel_api
    readers = {}
    for provider in LISTED_PROVIDERS:
        for name, options in channel_options(settings.channels_file, provider).items():
            lister = lister_for(name, options, os.environ, timeout_seconds=settings.channel_api_timeout_seconds)
            if lister is None:
                logger.info("Channel %s has no API base URL or token: its orders are not reconciled.", name)
                continue
            # The same gate as the workers' lookups: one rate per channel API, fleet-wide.
            policy = GatePolicy(rate_per_second=settings.channel_api_rate_per_second, concurrency=0, burst=3)
            gate = FleetGate(client, prefix=f"{config.service.namespace}:channel-api:{name}:", policy=policy)
            calls = GatedCalls(
                name,
                gate,
                attempts=config.reconcile.attempts,
                backoff_ms=config.reconcile.backoff_ms,
                max_waits=config.reconcile.max_throttles,
            )
            readers[name] = ChannelReader(lister, calls)
    return readers


def _erp_transport(config: ReconcileConfig, client: redis.Redis) -> GatedTransport:
    lease_ms = int(config.erp.timeout_seconds * 1000) + 5_000
    policy = gate_policy(config.budget, config.breaker, lease_ms=lease_ms)
    fleet = FleetGate(client, prefix=f"{config.service.namespace}:erp:", policy=policy)
    gate = ReconcileGate(fleet, max_wait_ms=int(config.reconcile.erp_max_wait_seconds * 1000))
    return GatedTransport(httpx.HTTPTransport(), gate, config.erp.signatures())
