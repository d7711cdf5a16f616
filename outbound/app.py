"""The outbound process's composition root: settings, the ERP's reader behind the fleet's ERP
gate, the channels with a writer, the outbound lane's publisher and the state in Redis, put
together once per process.

The reads spend the ERP's budget at its last tier (the reconcile lane's share, and what the live
lanes leave idle), waiting in place for a call the gate holds back, up to a minute; past it the
read fails and is tried again at the next interval, its cursor unmoved."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import httpx
import redis

from erp.gated import GatedTransport
from erp.outbound import OutboundReader, ShipmentsRead, StockRead
from erp.settings import ErpSettings
from erp.tryton.client import TrytonClient
from erp.tryton.outbound import TrytonOutbound
from erp.waiting_gate import WaitingGate
from outbound.cursors import OutboundState
from outbound.poll import OutboundPoller
from outbound.settings import OutboundSettings
from queues.lanes import Lane
from queues.process_publisher import ProcessPublisher
from queues.publisher import ConfirmedPublisher
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from tasks.outbound.levels import StockLevels
from tasks.outbound.registry import channel_writers
from tasks.settings import ChannelApiSettings
from throttling import FleetGate
from throttling.budget import BreakerSettings, BudgetSettings, gate_policy
from weir.settings import RedisSettings, ServiceSettings, load, reject_demo_secret
from weir.stores import sync_redis

__all__ = ["OutboundConfig", "load_config", "poller"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundConfig:
    """Everything the outbound process needs, read once from the environment."""

    service: ServiceSettings
    outbound: OutboundSettings
    channel_api: ChannelApiSettings
    budget: BudgetSettings
    breaker: BreakerSettings
    broker: BrokerSettings
    redis: RedisSettings
    erp: ErpSettings


def load_config() -> OutboundConfig:
    """Read the outbound process's settings.

    Raises:
        ConfigError: naming the bad setting (demo secrets count as bad in production).
    """
    config = OutboundConfig(
        service=load(ServiceSettings),
        outbound=load(OutboundSettings),
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
def poller(config: OutboundConfig) -> Iterator[tuple[OutboundPoller, OutboundState]]:
    """A poller over the ERP for every channel with a writer, and the state it keeps, closed on leaving.

    Raises:
        ConfigError: the channels file is unreadable or invalid.
    """
    namespace = config.service.namespace
    client = sync_redis(config.redis)
    reader = _reader(config, client)
    # The ERP simulator keeps no stock moves or shipments: against it, the process idles.
    channels = _channels(config) if reader is not None else []
    reader = reader or _NothingRead()
    queue = lane_queues(namespace, Lane.OUTBOUND)
    publisher = ProcessPublisher(partial(ConfirmedPublisher, str(config.broker.url), [queue], connect_timeout=5.0))
    state = OutboundState(client, namespace)
    settings = config.outbound
    try:
        yield (
            OutboundPoller(
                reader,
                state,
                StockLevels(client, namespace),
                publisher,
                channels=channels,
                queue=queue.ready,
                overlap=timedelta(seconds=settings.overlap_seconds),
                first_lookback=timedelta(seconds=settings.first_lookback_seconds),
            ),
            state,
        )
    finally:
        publisher.close()
        reader.close()
        client.close()


def _channels(config: OutboundConfig) -> list[str]:
    """The channels with a writer (the writers themselves live in the outbound workers)."""
    writers = channel_writers(config.channel_api.channels_file, os.environ)
    for writer in writers.values():
        writer.close()
    return sorted(writers)


def _reader(config: OutboundConfig, client: redis.Redis) -> OutboundReader | None:
    settings = config.erp
    if settings.kind != "tryton":
        logger.warning("The outbound leg reads Tryton only; WEIR_ERP_KIND is %s: nothing is read.", settings.kind)
        return None
    lease_ms = int(settings.timeout_seconds * 1000) + 5_000
    policy = gate_policy(config.budget, config.breaker, lease_ms=lease_ms)
    fleet = FleetGate(client, prefix=f"{config.service.namespace}:erp:", policy=policy)
    gate = WaitingGate(fleet, tier=policy.tiers, who="the outbound process")
    transport = GatedTransport(httpx.HTTPTransport(), gate, settings.signatures())
    return TrytonOutbound(TrytonClient.from_settings(settings, transport=transport))


class _NothingRead:
    """The reader of an ERP without stock moves or shipments to read."""

    def stock_since(self, since: datetime) -> StockRead:
        return StockRead(levels={}, cursor=since)

    def shipments_since(self, since: datetime) -> ShipmentsRead:
        return ShipmentsRead(shipments=[], cursor=since)

    def close(self) -> None:
        pass
