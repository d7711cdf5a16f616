"""The convergence acceptance of issue 5 through the real pipeline: the shuffled, duplicated stream
of ``tests/support/convergence.py`` published into the lanes on RabbitMQ as the receiver enqueues
it, applied by worker threads built by :func:`workers.app.build` (entity locks, holds, the stale
fence, the retry policy, the ERP gate) on the real Tryton, converges to the latest state of every
order, with nothing dead-lettered.

Unlike ``tests/tasks/test_convergence.py``, nothing stands in for the workers here: deferrals
(``SaleMissing``, a busy entity) go through the lanes' delay queues, and the state events that
arrive after newer ones are skipped by the fence on their envelopes' ``occurred_at``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import redis
from dramatiq import Worker

from erp.settings import ErpSettings
from erp.tryton import TrytonErp
from events.envelope import EventEnvelope
from events.topics import STATE_TOPICS
from oncall.fleet import OnCall
from queues.activity import activity_keys
from queues.dead import DeadLetterSettings, dead_letter_store
from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from tests.support.convergence import Stream, assert_converged, stream_of
from tests.support.events import canonical_envelope, publish
from tests.support.net import eventually
from tests.support.oncall import oncall_of
from tests.support.rabbit import RabbitProbe
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings
from workers.app import WorkerConfig, build
from workers.settings import WorkerSettings

#: Worker threads applying the stream: enough for one entity's events to race one another.
THREADS = 4


@pytest.fixture
def worker_config(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings, tryton: ErpSettings
) -> WorkerConfig:
    return WorkerConfig(
        service=service,
        worker=WorkerSettings(),
        budget=BudgetSettings(),
        breaker=BreakerSettings(),
        broker=broker_settings,
        redis=redis_settings,
        erp=tryton,
        dead=DeadLetterSettings(),
    )


@pytest.fixture
def workers(worker_config: WorkerConfig) -> Iterator[Worker]:
    broker = build(worker_config)
    worker = Worker(broker, worker_threads=THREADS, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()
    broker.close()


@pytest.fixture
def oncall(worker_config: WorkerConfig) -> Iterator[OnCall]:
    oncall = oncall_of(worker_config)
    yield oncall
    oncall.close()


def settled(oncall: OnCall, redis_client: redis.Redis, namespace: str, published: int) -> Callable[[], bool]:
    """Whether every message published left its lane (applied, skipped or dead-lettered), and no
    lane has any ready, delayed or in flight."""

    def check() -> bool:
        finished = sum(
            int(count) for lane in Lane for count in redis_client.hvals(activity_keys(namespace, lane.value).done)
        )
        if finished < published:
            return False
        return all(lane.ready == lane.delayed == lane.in_flight == 0 for lane in oncall.status().lanes)

    return check


def stale_resends(envelopes: list[EventEnvelope], events: Stream) -> list[EventEnvelope]:
    """Every state event older than its entity's latest, re-sent by its channel as a new delivery
    with its original payload (Shopify's retries carry it for up to 4 h)."""
    latest: dict[str, datetime] = {}
    for envelope in envelopes:
        if envelope.topic in STATE_TOPICS:
            newest = latest.get(envelope.entity_key, envelope.occurred_at)
            latest[envelope.entity_key] = max(envelope.occurred_at, newest)
    return [
        canonical_envelope(channel, event)
        for envelope, (channel, event) in zip(envelopes, events, strict=True)
        if envelope.topic in STATE_TOPICS and envelope.occurred_at < latest[envelope.entity_key]
    ]


def test_a_shuffled_duplicated_stream_through_the_lanes_and_workers_converges_in_tryton(
    workers: Worker,
    oncall: OnCall,
    tryton_erp: TrytonErp,
    tryton: ErpSettings,
    namespace: str,
    redis_client: redis.Redis,
    rabbit: RabbitProbe,
) -> None:
    # Given the stream of five channels' events, each event enqueued twice (a redelivery of
    # the same message), in a random order (seeded by the run, so a failure can be replayed)
    run = uuid.uuid4().hex[:8]
    events, orders = stream_of(run)
    envelopes = [canonical_envelope(channel, event) for channel, event in events]
    stream = envelopes + envelopes
    random.Random(run).shuffle(stream)

    # When the workers have applied it all
    sent = publish(namespace, stream)
    eventually(settled(oncall, redis_client, namespace, sent), timeout=90, interval=0.2, what="the stream to apply")
    tally = OutcomeTally(redis_client, tally_key(namespace))
    skipped = tally.read().get("skipped:stale", 0)

    # And every older state is re-sent afterwards, as a channel re-sends old payloads
    stale = stale_resends(envelopes, events)
    sent += publish(namespace, stale)
    eventually(settled(oncall, redis_client, namespace, sent), timeout=30, interval=0.2, what="the re-sends to apply")

    # Then Tryton holds the latest state of every order, the re-sends were skipped as stale,
    # and nothing is dead
    assert_converged(run, orders, tryton_erp, tryton)
    counts = tally.read()
    assert len(stale) == 10
    assert counts.get("skipped:stale", 0) - skipped == len(stale)
    assert [name for name in counts if name.startswith(("dead", "parked"))] == []
    assert dead_letter_store(redis_client, namespace).select() == []
    assert [rabbit.count(lane_queues(namespace, lane).dead) for lane in Lane] == [0] * len(Lane)
