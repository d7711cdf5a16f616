"""The workers' composition root: settings, error reporting, the broker, its middleware, the ERP
adapter and the actor, put together once per process. Nothing imports this module.

``dramatiq workers.app:setup`` (what ``python -m workers <lane>`` runs) calls :func:`setup`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import dramatiq
import httpx
import redis
from dramatiq.broker import MessageProxy
from dramatiq.middleware import TimeLimit
from sentry_sdk.integrations.dramatiq import DramatiqIntegration

from channels import (
    AmazonOptions,
    BigCommerceOptions,
    ProviderOptions,
    ShopifyOptions,
    SquareOptions,
    channel_options,
)
from erp.adapter import ErpAdapter
from erp.factory import build_erp
from erp.gated import GatedTransport
from erp.settings import ErpSettings
from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterSettings, dead_letter_store
from queues.dead.holds import entity_holds
from queues.lanes import Lane
from queues.message import EVENT_ACTOR, envelope_of
from queues.settings import BrokerSettings
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from tasks.actors import declare_event_actor
from tasks.amazon import AmazonApi
from tasks.bigcommerce import BigCommerceApi
from tasks.lwa import tokens_for
from tasks.resource_cache import ResourceCache
from tasks.resources import ChannelApi, ChannelResources, ResourceFetcher
from tasks.settings import ChannelApiSettings
from tasks.shopify import ShopifyApi
from tasks.square import SquareApi
from throttling import FleetGate, GatePolicy, HighWaterMark, KeyedLock
from throttling.background import BackgroundWrites
from throttling.budget import BreakerSettings, BudgetSettings, gate_policy
from throttling.lean_redis import LeanRedis
from throttling.local_gate import LocalGate
from weir.logs import configure_logging
from weir.reporting import init_reporting
from weir.settings import RedisSettings, ServiceSettings, load, reject_demo_secret
from weir.stores import master_locator, sync_redis
from workers.entities import entity_key, source_version
from workers.entity_entries import EntityEntries
from workers.erp_gate import BudgetGate
from workers.hook_logs import quiet_expected_hook_errors
from workers.middleware import (
    EntityHold,
    EntityLocks,
    GateHold,
    LaneActivity,
    LaneContext,
    LogContext,
    RetryPolicy,
    StaleFence,
)
from workers.reporting import WORKER_DROPS, report_dead_letter
from workers.settings import WorkerSettings
from workers.stopping import absorb_repeated_stop

__all__ = ["WorkerConfig", "build", "channel_resources", "load_config", "setup"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker process needs, read once from the environment."""

    service: ServiceSettings
    worker: WorkerSettings
    budget: BudgetSettings
    breaker: BreakerSettings
    broker: BrokerSettings
    redis: RedisSettings
    erp: ErpSettings
    dead: DeadLetterSettings


def load_config() -> WorkerConfig:
    """Read the worker's settings.

    Raises:
        ConfigError: naming the bad setting (demo secrets count as bad in production).
    """
    config = WorkerConfig(
        service=load(ServiceSettings),
        worker=load(WorkerSettings),
        budget=load(BudgetSettings),
        breaker=load(BreakerSettings),
        broker=load(BrokerSettings),
        redis=load(RedisSettings),
        erp=load(ErpSettings),
        dead=load(DeadLetterSettings),
    )
    if config.service.production:
        reject_demo_secret("WEIR_ERP_PASSWORD", config.erp.password.get_secret_value())
    return config


def build(
    config: WorkerConfig,
    *,
    erp: ErpAdapter | None = None,
    erp_transport: httpx.BaseTransport | None = None,
    lanes: Iterable[Lane] = tuple(Lane),
    resources: ResourceFetcher | None = None,
) -> LaneBroker:
    """A broker with Weir's middleware and the ``apply_event`` actor, applying events to ``erp``
    (by default the adapter ``config.erp`` names, behind the fleet's ERP gate, over
    ``erp_transport`` or the network), fetching thin payloads' resources through ``resources``
    (by default the channels file's APIs). It does not consume until a Worker runs it."""
    namespace = config.service.namespace
    client = sync_redis(config.redis)
    lean = LeanRedis(str(config.redis.url), timeout=config.redis.timeout_seconds, locate=master_locator(config.redis))
    # Six writes per event leave through here: lingering 2 ms lets them share round trips (the
    # README's cost of protection has the drain rates with and without it).
    background = BackgroundWrites(lean, linger_ms=2)
    gate = erp_gate(config, client, background, lean)
    tally = OutcomeTally(client, tally_key(namespace))
    lock, holds, marks = (
        _entity_lock(config, lean, background),
        entity_holds(client, namespace),
        _marks(config, lean, background),
    )
    locks = EntityLocks(lock, entity_key, entries=EntityEntries(lean, lock=lock, holds=holds, marks=marks))
    middleware = [
        # First, so its after-hook runs last and sees what the retry policy decided.
        LaneActivity(background, namespace, lease_ms=int(config.erp.timeout_seconds * 1000) + 60_000),
        # Before the retry policy, so its retry and dead-letter lines carry the message's ids.
        LogContext(),
        LaneContext(),
        GateHold(gate.state, max_hold_ms=int(config.worker.max_hold_seconds * 1000)),
        locks,
        # Under the entity lock: an event waits behind its entity's dead letter, then (once
        # its turn comes) is judged stale or not against what its entity last applied.
        EntityHold(holds, entity_key, entry_of=locks.entry_of),
        StaleFence(marks, source_version, tally=tally, entry_of=locks.entry_of),
        TimeLimit(),
        RetryPolicy(
            dead_letter_store(client, namespace, config.dead.max_entries),
            describe=_facts,
            max_age_ms=lambda message: config.worker.max_age_seconds * 1000,
            tally=tally,
            on_dead=report_dead_letter,
        ),
    ]
    broker = build_broker(str(config.broker.url), namespace, middleware=middleware, lanes=lanes)
    critical = lane_queues(namespace, Lane.CRITICAL).ready
    # What this function opens closes with the broker; what the caller passed in stays theirs.
    if erp is None:
        erp = _gated_erp(config, gate, erp_transport)
        broker.close_with(erp.close)
    if resources is None:
        channels = channel_resources(load(ChannelApiSettings), client, namespace)
        broker.close_with(channels.close)
        resources = channels
    declare_event_actor(broker, erp, actor_name=EVENT_ACTOR, queue_name=critical, resources=resources, tally=tally)
    # The background writes before the client they send over.
    broker.close_with(background.close, lean.close, client.close)
    return broker


def erp_gate(
    config: WorkerConfig,
    client: redis.Redis,
    background: BackgroundWrites | None = None,
    lean: LeanRedis | None = None,
) -> FleetGate:
    """The fleet-wide gate in front of the ERP. A call's slot outlives the ERP's timeout."""
    lease_ms = int(config.erp.timeout_seconds * 1000) + 5_000
    policy = gate_policy(config.budget, config.breaker, lease_ms=lease_ms)
    prefix = f"{config.service.namespace}:erp:"
    return FleetGate(client, prefix=prefix, policy=policy, background=background, lean=lean)


def channel_resources(settings: ChannelApiSettings, client: redis.Redis, namespace: str) -> ChannelResources:
    """The API of every Shopify, BigCommerce, Square and Amazon channel that has a base URL and a
    token (or, for Amazon, Login with Amazon credentials), each behind a fleet-wide gate of its
    own, with the answers worth keeping kept in Redis."""
    apis: dict[str, ChannelApi] = {}
    gates = {}
    options = {
        **channel_options(settings.channels_file, "shopify"),
        **channel_options(settings.channels_file, "bigcommerce"),
        **channel_options(settings.channels_file, "square"),
        **channel_options(settings.channels_file, "amazon"),
    }
    for name, channel in options.items():
        api = _channel_api(name, channel, settings.channel_api_timeout_seconds)
        if api is None:
            logger.warning(
                "Channel %s has no API base URL or token (or a variable its options name is unset): "
                "its thin events cannot be mapped.",
                name,
            )
            continue
        apis[name] = api
        policy = GatePolicy(rate_per_second=settings.channel_api_rate_per_second, concurrency=0, burst=3)
        gates[name] = FleetGate(client, prefix=f"{namespace}:channel-api:{name}:", policy=policy)
    cache = ResourceCache(
        client, prefix=f"{namespace}:channel-api-cache:", ttl_seconds=settings.channel_api_cache_seconds
    )
    return ChannelResources(apis, gates, cache=cache)


def _channel_api(name: str, options: ProviderOptions, timeout_seconds: float) -> ChannelApi | None:
    if not isinstance(options, ShopifyOptions | BigCommerceOptions | SquareOptions | AmazonOptions):
        return None
    if options.api_base_url is None:
        return None
    if isinstance(options, AmazonOptions):
        tokens = tokens_for(options, os.environ, channel=name, timeout_seconds=timeout_seconds)
        return None if tokens is None else AmazonApi(options.api_base_url, tokens, timeout_seconds=timeout_seconds)
    token = options.token_from(os.environ)
    return None if token is None else _token_api(options, options.api_base_url, token, timeout_seconds)


def _token_api(
    options: ShopifyOptions | BigCommerceOptions | SquareOptions, base_url: str, token: str, timeout_seconds: float
) -> ChannelApi:
    if isinstance(options, ShopifyOptions):
        return ShopifyApi(base_url, token, version=options.api_version, timeout_seconds=timeout_seconds)
    if isinstance(options, SquareOptions):
        return SquareApi(base_url, token, timeout_seconds=timeout_seconds)
    return BigCommerceApi(base_url, token, timeout_seconds=timeout_seconds)


def _gated_erp(config: WorkerConfig, gate: FleetGate, inner: httpx.BaseTransport | None) -> ErpAdapter:
    fallback = LocalGate(gate.policy, share=1 / config.budget.fallback_processes)
    budget = BudgetGate(gate, fallback, max_wait_ms=config.budget.max_wait_ms)
    transport = GatedTransport(inner or httpx.HTTPTransport(), budget, config.erp.signatures())
    return build_erp(config.erp, transport=transport)


def _entity_lock(config: WorkerConfig, client: LeanRedis, background: BackgroundWrites) -> KeyedLock:
    lease_ms = int(config.worker.entity_lease_seconds * 1000)
    prefix = f"{config.service.namespace}:lock:entity:"
    return KeyedLock(client, prefix=prefix, lease_ms=lease_ms, background=background)


def _marks(config: WorkerConfig, client: LeanRedis, background: BackgroundWrites) -> HighWaterMark:
    ttl_ms = config.worker.mark_ttl_seconds * 1000
    return HighWaterMark(client, prefix=f"{config.service.namespace}:mark:", ttl_ms=ttl_ms, background=background)


def setup() -> None:
    """Dramatiq's entry point: build this process's broker and make it the global one."""
    config = load_config()
    configure_logging(config.service.log_level, config.service.log_format)
    absorb_repeated_stop()
    quiet_expected_hook_errors()
    init_reporting(config.service, [DramatiqIntegration()], drop=WORKER_DROPS)
    dramatiq.set_broker(build(config))


def _facts(message: MessageProxy) -> Mapping[str, str | None]:
    try:
        event = envelope_of(message)
    except (ValueError, IndexError, TypeError):
        return {}
    return {
        "lane": event.lane,
        "channel": event.channel,
        "topic": event.topic,
        "entity_id": event.entity_id,
        "entity_key": event.entity_key,
        "event_id": event.event_id,
        "correlation_id": event.correlation_id,
    }
