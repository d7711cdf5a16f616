"""The outbound worker's composition root: the channels' writers behind their gates, the stock
levels told, and the two outbound actors, on a broker of their own. Nothing imports this module.

``python -m workers outbound`` runs ``dramatiq workers.outbound:setup``. The outbound lane has a
process type of its own: its actors call the channels, never the ERP, so its middleware is the
lane's bookkeeping, a time limit and the retry policy, without the ERP gate or the entity locks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import dramatiq
import httpx
import redis
from dramatiq.broker import MessageProxy
from dramatiq.middleware import TimeLimit
from sentry_sdk.integrations.dramatiq import DramatiqIntegration

from queues.broker import LaneBroker, build_broker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.outbound import SHIPMENT_ACTOR, STOCK_ACTOR, outbound_facts
from queues.outbound_tally import OutboundCounts
from queues.topology import lane_queues
from tasks.actors import TIME_LIMIT_MS
from tasks.outbound.actors import declare_outbound_actors
from tasks.outbound.channels import ChannelWriters
from tasks.outbound.levels import ShippedMarks, StockLevels
from tasks.outbound.registry import channel_writers
from tasks.settings import ChannelApiSettings
from throttling import FleetGate, GatePolicy
from throttling.background import BackgroundWrites
from throttling.lean_redis import LeanRedis
from weir.logs import configure_logging
from weir.reporting import init_reporting
from weir.settings import load
from weir.stores import sync_redis
from workers.app import WorkerConfig, load_config
from workers.hook_logs import quiet_expected_hook_errors
from workers.middleware import LaneActivity, LaneContext, LogContext, RetryPolicy
from workers.reporting import WORKER_DROPS, report_dead_letter
from workers.stopping import absorb_repeated_stop

__all__ = ["build_outbound", "channel_gates", "setup"]


def build_outbound(
    config: WorkerConfig,
    *,
    settings: ChannelApiSettings | None = None,
    transport: httpx.BaseTransport | None = None,
    environ: Mapping[str, str] | None = None,
) -> LaneBroker:
    """A broker consuming the outbound lane with the outbound actors, telling the channels of
    ``settings.channels_file`` (by default as the environment says) over ``transport`` (the
    network by default). It does not consume until a Worker runs it."""
    namespace = config.service.namespace
    settings = settings or load(ChannelApiSettings)
    client = sync_redis(config.redis)
    lean = LeanRedis(str(config.redis.url), timeout=config.redis.timeout_seconds)
    background = BackgroundWrites(lean, linger_ms=2)
    queue = lane_queues(namespace, Lane.OUTBOUND).ready
    middleware = [
        # A message counts as in flight at most its actor's time limit, and a minute more.
        LaneActivity(background, namespace, lease_ms=TIME_LIMIT_MS + 60_000),
        LogContext(),
        LaneContext(),
        TimeLimit(),
        RetryPolicy(
            dead_letter_store(client, namespace, config.dead.max_entries),
            describe=_facts,
            max_age_ms=lambda message: config.worker.max_age_seconds * 1000,
            on_dead=report_dead_letter,
        ),
    ]
    broker = build_broker(str(config.broker.url), namespace, middleware=middleware, lanes=[Lane.OUTBOUND])
    writers = channel_writers(
        settings.channels_file,
        os.environ if environ is None else environ,
        transport=transport,
        timeout_seconds=settings.channel_api_timeout_seconds,
    )
    gated = ChannelWriters(writers, channel_gates(settings, client, namespace, writers))
    declare_outbound_actors(
        broker,
        gated,
        StockLevels(client, namespace),
        ShippedMarks(client, namespace),
        OutboundCounts(client, namespace).add,
        stock_actor=STOCK_ACTOR,
        shipment_actor=SHIPMENT_ACTOR,
        queue_name=queue,
    )
    broker.close_with(gated.close, background.close, lean.close, client.close)
    return broker


def channel_gates(
    settings: ChannelApiSettings, client: redis.Redis, namespace: str, channels: Iterable[str]
) -> dict[str, FleetGate]:
    """Each channel's fleet-wide gate: the one its API lookups (:func:`workers.app.channel_resources`)
    and reconciliation pass, at the same rate, so all three share the channel's limit."""
    policy = GatePolicy(rate_per_second=settings.channel_api_rate_per_second, concurrency=0, burst=3)
    return {name: FleetGate(client, prefix=f"{namespace}:channel-api:{name}:", policy=policy) for name in channels}


def setup() -> None:
    """Dramatiq's entry point: build this process's broker and make it the global one."""
    config = load_config()
    configure_logging(config.service.log_level, config.service.log_format)
    absorb_repeated_stop()
    quiet_expected_hook_errors()
    init_reporting(config.service, [DramatiqIntegration()], drop=WORKER_DROPS)
    dramatiq.set_broker(build_outbound(config))


def _facts(message: MessageProxy) -> Mapping[str, str | None]:
    return outbound_facts(message, Lane.OUTBOUND.value)
