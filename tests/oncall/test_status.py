"""The fleet at a glance, read from the real RabbitMQ and Redis."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pika
import pytest
import redis
from dramatiq import Worker

from erp.errors import ErpGateClosed
from oncall.fleet import OnCall
from oncall.settings import OnCallSettings
from oncall.status import FleetStatus, LaneStatus, desired_workers
from queues.activity import activity_keys
from queues.broker import LaneBroker, build_broker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.dead_letters import DeadLetterSeeder
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL, RabbitProbe
from throttling.background import BackgroundWrites
from throttling.lean_redis import LeanRedis
from workers.middleware import LaneActivity, RetryPolicy


def publish(queue: str, count: int) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    channel = connection.channel()
    channel.confirm_delivery()
    for n in range(count):
        channel.basic_publish("", queue, f'{{"n": {n}}}'.encode(), pika.BasicProperties(delivery_mode=2))
    connection.close()


def lane(status: FleetStatus, name: Lane) -> LaneStatus:
    return next(found for found in status.lanes if found.lane == name.value)


def consumed(oncall: OnCall, name: Lane) -> FleetStatus | None:
    """The fleet's status once a worker consumes lane ``name``, else ``None``."""
    status = oncall.status()
    return status if lane(status, name).consumers else None


def unconsumed(oncall: OnCall, name: Lane) -> FleetStatus | None:
    """The fleet's status once no worker consumes lane ``name``, else ``None``."""
    status = oncall.status()
    return None if lane(status, name).consumers else status


def test_each_lane_shows_what_rabbitmq_holds_ready_and_dead(
    oncall: OnCall, seeder: DeadLetterSeeder, namespace: str
) -> None:
    publish(lane_queues(namespace, Lane.BULK).ready, 7)
    seeder.seed(lane=Lane.STANDARD)
    seeder.seed(lane=Lane.STANDARD)

    status = oncall.status()

    assert (lane(status, Lane.BULK).ready, lane(status, Lane.BULK).dead) == (7, 0)
    assert (lane(status, Lane.STANDARD).ready, lane(status, Lane.STANDARD).dead) == (0, 2)
    assert [found.lane for found in status.lanes] == ["critical", "standard", "bulk", "replay", "reconcile", "outbound"]


def test_delayed_and_in_flight_messages_come_from_what_workers_record(
    oncall: OnCall, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    keys = activity_keys(namespace, Lane.CRITICAL.value)
    now_ms = int(time.time() * 1000)
    # m0 was due a second ago: a worker moved it back to the ready queue, where it waits to start
    redis_client.zadd(keys.delayed, {"m0": now_ms - 1_000, "m1": now_ms + 5_000, "m2": now_ms + 9_000})
    redis_client.zadd(keys.inflight, {"m3": now_ms + 60_000, "dead-worker's": now_ms - 1})

    critical = lane(oncall.status(), Lane.CRITICAL)

    assert (critical.delayed, critical.in_flight) == (2, 1)


@pytest.fixture
def lane_broker(namespace: str, redis_client: redis.Redis, lean_redis: LeanRedis) -> Iterator[LaneBroker]:
    """A bulk-lane broker with the middleware that records what the lane does, as workers run it."""
    writes = BackgroundWrites(lean_redis)
    middleware = [
        LaneActivity(writes, namespace, lease_ms=60_000),
        RetryPolicy(dead_letter_store(redis_client, namespace), describe=lambda message: {}),
    ]
    broker = build_broker(RABBITMQ_URL, namespace, middleware=middleware, lanes=[Lane.BULK])
    yield broker
    broker.close()
    writes.close()


def test_a_deferral_storm_counts_each_waiting_event_once(
    oncall: OnCall, lane_broker: LaneBroker, namespace: str, rabbit: RabbitProbe
) -> None:
    # Given 200 bulk events the ERP keeps deferring (its gate is closed), every 300 ms
    events, queues = 200, lane_queues(namespace, Lane.BULK)
    deferred: set[int] = set()
    stuck, release = threading.Event(), threading.Event()

    @dramatiq.actor(actor_name="apply", queue_name=queues.ready, broker=lane_broker, throws=(ErpGateClosed,))
    def apply(n: int) -> None:
        if stuck.is_set():
            release.wait(30)
        deferred.add(n)
        raise ErpGateClosed("the ERP is down", delay_ms=300)

    for n in range(events):
        apply.send(n)
    worker = Worker(lane_broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        eventually(lambda: len(deferred) == events, what="every event deferred at least once")

        # When their delays pass while the worker's one thread is stuck on an ERP call, so they
        # wait in the ready queue again (Dramatiq's consumer moves each back when it is due)
        stuck.set()
        prefetch = 2  # Dramatiq's: two messages a thread, the stuck one included
        eventually(lambda: rabbit.count(queues.ready) == events - prefetch, what="the deferrals back in the lane")
        bulk = lane(oncall.status(), Lane.BULK)

        # Then each is counted once: ready, not delayed as well
        assert (bulk.ready, bulk.delayed, bulk.in_flight) == (events - prefetch, 0, 1)
    finally:
        release.set()
        worker.stop()

    # And once no worker holds any, the backlog is what RabbitMQ holds, all of it
    status = oncall.status()
    bulk = lane(status, Lane.BULK)
    held = rabbit.count(queues.ready) + rabbit.count(queues.delayed)
    assert bulk.ready + bulk.delayed == held == events
    assert f"bulk: the backlog of {events} drains never" in " ".join(status.alerts)


def test_events_waiting_beyond_their_lane_s_slo_raise_an_alert(
    oncall: OnCall, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    publish(lane_queues(namespace, Lane.CRITICAL).ready, 3)
    keys = activity_keys(namespace, Lane.CRITICAL.value)
    redis_client.hset(keys.heads, Lane.CRITICAL.value, int((time.time() - 600) * 1000))

    status = oncall.status()

    critical = lane(status, Lane.CRITICAL)
    assert critical.oldest_age_seconds is not None and critical.oldest_age_seconds >= 600
    assert critical.drain_eta_seconds is None
    assert any("beyond the 60 s SLO" in alert and alert.startswith("critical: events wait") for alert in status.alerts)
    assert any("drains never, at the current rate" in alert for alert in status.alerts)


def test_throughput_and_the_drain_eta_come_from_the_last_minute_s_finishes(
    oncall: OnCall, seeder: DeadLetterSeeder, namespace: str, redis_client: redis.Redis
) -> None:
    publish(lane_queues(namespace, Lane.BULK).ready, 60)
    keys = activity_keys(namespace, Lane.BULK.value)
    second = int(time.time()) - 5
    redis_client.hset(keys.done, mapping={str(second): 90, str(second - 1): 30, str(second - 600): 1_000})

    bulk = lane(oncall.status(), Lane.BULK)

    assert bulk.throughput_per_second == 2.0
    assert bulk.drain_eta_seconds == 30.0


def test_dead_letters_in_the_last_minutes_raise_the_growing_alert(oncall: OnCall, seeder: DeadLetterSeeder) -> None:
    seeder.seed()

    status = oncall.status()

    assert status.dead_letters_recent == 1
    assert any(alert.startswith("dead letters growing: 1") for alert in status.alerts)


def test_the_erp_s_rate_and_breaker_come_from_the_fleet_s_gate(oncall: OnCall) -> None:
    for _ in range(10):
        oncall.gate.settle(oncall.gate.admit(1), "failure", latency_ms=40)

    status = oncall.status()

    assert status.erp.breaker == "open"
    assert status.erp.budget_per_second == 100
    assert status.erp.allowed_per_second == 0
    assert status.erp.average_latency_ms in (None, 40.0)  # the calls may still be in the current second
    assert "the ERP's breaker is open" in status.alerts


def sizing(
    backlog: float, *, threads_per_process: int = 2, breaker_closed: bool = True, budget_per_second: float = 50.0
) -> int:
    """Workers for ``backlog`` events with a 600 s SLO, 2 ERP calls of 100 ms per event."""
    return desired_workers(
        backlog=backlog,
        throughput=0.0,
        slo_seconds=600.0,
        breaker_closed=breaker_closed,
        budget_per_second=budget_per_second,
        calls_per_event=2.0,
        latency_ms=100.0,
        threads_per_process=threads_per_process,
    )


def test_a_lane_with_nothing_to_do_wants_no_workers() -> None:
    assert sizing(0) == 0


def test_a_backlog_wants_enough_threads_to_drain_it_within_its_slo() -> None:
    # 6,000 events in 600 s is 10 events/s; 2 calls each at 100 ms keep 10 x 2 x 0.1 = 2 threads busy
    assert sizing(6_000) == 1
    assert sizing(6_000, threads_per_process=1) == 2


def test_no_more_workers_than_the_erp_budget_can_feed() -> None:
    # Draining 600,000 in 600 s wants 1,000 events/s; the budget feeds 50 calls/s, 25 events/s.
    assert sizing(600_000, threads_per_process=1) == 5


def test_an_open_breaker_wants_one_worker_per_lane_with_work() -> None:
    assert sizing(600_000, breaker_closed=False) == 1


def test_a_lane_shows_the_worker_processes_consuming_it_and_alerts_once_none_does(
    oncall: OnCall, namespace: str, simulator: RunningSimulator, tmp_path: Path
) -> None:
    fleet = Fleet(env=simulator_env(namespace, simulator.url), logs=tmp_path)
    try:
        # Given a worker process for the bulk lane, and none for the others
        worker = fleet.worker("bulk", threads=1)
        status = eventually(lambda: consumed(oncall, Lane.BULK), what="the worker consuming the bulk lane")
        assert [found.consumers for found in status.lanes] == [0, 0, 1, 0, 0, 0]
        assert "bulk: no worker consumes the lane" not in status.alerts
        assert "critical: no worker consumes the lane" in status.alerts
        assert status.critical_alerts == ()

        # When it exits, and events arrive in its lane
        worker.stop()
    finally:
        fleet.stop()
    publish(lane_queues(namespace, Lane.BULK).ready, 3)

    # Then nobody consumes the lane, and its backlog is a critical alert
    status = eventually(lambda: unconsumed(oncall, Lane.BULK), what="RabbitMQ to see the worker gone")
    assert status.critical_alerts == ("bulk: 3 events wait and no worker consumes the lane",)
    assert "bulk: 3 events wait and no worker consumes the lane" in status.alerts


def test_orders_whose_total_does_not_reconcile_are_counted_with_the_newest_s_figures(
    oncall: OnCall, seeder: DeadLetterSeeder, redis_client: redis.Redis, namespace: str
) -> None:
    # Given two orders dead-lettered as TotalMismatch and one unknown SKU, as workers tally them
    tally = OutcomeTally(redis_client, tally_key(namespace))
    for message in (
        "order #1001's total does not reconcile: channel 41.34 USD, computed 41.30 USD",
        "order #1002's total does not reconcile: channel 10.00 USD, computed 9.99 USD",
    ):
        reason = seeder.seed(error_class="TotalMismatch", error_message=message)
        tally.count(f"dead_cause:{reason.fingerprint}")
    tally.count(f"dead_cause:{seeder.seed().fingerprint}")

    status = oncall.status()

    assert status.total_mismatches == 2
    assert status.last_total_mismatch == (
        "shop-us: order #1002's total does not reconcile: channel 10.00 USD, computed 9.99 USD"
    )


def test_no_mismatch_held_shows_none(oncall: OnCall, seeder: DeadLetterSeeder) -> None:
    seeder.seed()

    status = oncall.status()

    assert (status.total_mismatches, status.last_total_mismatch) == (0, None)


def test_each_lane_is_sized_with_the_threads_its_procfile_worker_runs() -> None:
    # The defaults of WEIR_WORKER_THREADS_<LANE> are the Procfile's --threads, lane by lane.
    procfile = (Path(__file__).parents[2] / "Procfile").read_text()
    ran = {
        Lane(match["lane"]): int(match["threads"])
        for match in re.finditer(r"-m workers (?P<lane>\w+) .*--threads (?P<threads>\d+)", procfile)
    }

    assert ran == {lane: OnCallSettings().worker_threads(lane) for lane in Lane}
