"""The cost of protection: how fast one worker process drains a lane with and without Weir.

With an unlimited budget and an instant ERP (an in-process transport that answers at once),
one process with 8 threads drains the same pre-filled queue three ways, on the same RabbitMQ:

* plain Dramatiq, no-op actor: the broker's and Dramatiq's own floor;
* plain Dramatiq, the same ERP call as Weir's actor, no Weir middleware;
* the same, with Weir's consumer acknowledgements (:mod:`queues.acks`) instead of Dramatiq's;
* Weir's worker: entity locks, the fleet gate (admit/settle in Redis), the retry policy, and its
  acknowledgements.

The measure is Weir's worker against plain Dramatiq. Weir's worker acknowledges
messages more cheaply than Dramatiq does, so the third run says how much of the difference is
that and how much Weir's middleware costs.

    .venv/bin/python -m bench.protection [--messages 20000] [--rounds 3]

The machine's speed drifts by 10-20 % from one minute to the next, so the three runs go in turn,
round after round, and the figures are the medians.
"""

from __future__ import annotations

import argparse
import secrets
import threading
import time
from collections.abc import Callable
from statistics import median
from typing import Any

import dramatiq
import httpx
import pika
import redis
from dramatiq import Worker
from dramatiq.broker import Consumer
from dramatiq.brokers.rabbitmq import RabbitmqBroker

from erp.settings import ErpSettings
from erp.simulator import SimulatorErp
from events.envelope import EventEnvelope
from queues.broker import LaneBroker, build_broker
from queues.dead import DeadLetterSettings
from queues.lanes import Lane
from queues.message import event_message
from queues.process_publisher import ProcessPublisher
from queues.publisher import ConfirmedPublisher
from queues.receiving import ReceivingConsumer
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from samples.payloads import customer_envelope
from tasks.handlers import apply
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings
from workers.app import WorkerConfig, build
from workers.settings import WorkerSettings

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
REDIS_URL = "redis://127.0.0.1:6379/0"
THREADS = 8


class InstantErp(httpx.BaseTransport):
    """Answers every ERP call at once, and counts them."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.calls += 1
        return httpx.Response(200, json={"id": "1"})


def fill(namespace: str, count: int) -> str:
    """Enqueue ``count`` customer events in the bulk lane; return the queue's name."""
    queue = lane_queues(namespace, Lane.BULK).ready
    broker = build_broker(BROKER_URL, namespace, middleware=[], lanes=[Lane.BULK])
    for number in range(count):
        broker.enqueue(event_message(customer_envelope(number), queue))
    broker.close()
    return queue


def drain(broker: dramatiq.Broker, done: Callable[[], bool]) -> float:
    """Run a worker until ``done()``; return the seconds it took."""
    worker = Worker(broker, worker_threads=THREADS, worker_timeout=100)
    started = time.perf_counter()
    worker.start()
    while not done():
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    worker.stop()
    return elapsed


class PlainBroker(LaneBroker):
    """Dramatiq's own middleware, consumer and enqueue, none of Weir's: LaneBroker only so the
    lane's queues are declared as they already exist. Its publisher is never used. With
    ``weir_acks`` its consumer acknowledges as Weir's does."""

    def __init__(self, url: str, namespace: str, *, weir_acks: bool = False) -> None:
        queues = [lane_queues(namespace, Lane.BULK)]
        unused = ProcessPublisher(lambda: ConfirmedPublisher(url, queues, connect_timeout=5))
        super().__init__(url=url, publisher=unused)
        self._weir_acks = weir_acks

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        consumer = RabbitmqBroker.consume(self, queue_name, prefetch, timeout)
        # No middleware of this broker takes bursts: Weir's consumer only acknowledges here.
        return ReceivingConsumer(consumer, self, burst=prefetch) if self._weir_acks else consumer

    def enqueue(self, message: dramatiq.Message[Any], *, delay: int | None = None) -> dramatiq.Message[Any]:
        return RabbitmqBroker.enqueue(self, message, delay=delay)


def plain(namespace: str, count: int, call_erp: bool, *, weir_acks: bool = False) -> float:
    queue = fill(namespace, count)
    transport = InstantErp()
    erp = SimulatorErp.from_settings(ErpSettings(kind="simulator"), transport=transport)
    broker = PlainBroker(BROKER_URL, namespace, weir_acks=weir_acks)
    broker.declare_queue(queue)
    finished = _Counter()

    def apply_event(envelope: dict[str, Any]) -> None:
        if call_erp:
            apply(EventEnvelope.model_validate(envelope), erp)
        finished.add()

    dramatiq.actor(actor_name="apply_event", queue_name=queue, broker=broker)(apply_event)
    elapsed = drain(broker, lambda: finished.value >= count)
    broker.close()
    return count / elapsed


def weir(namespace: str, count: int) -> float:
    fill(namespace, count)
    transport = InstantErp()
    config = WorkerConfig(
        service=ServiceSettings(namespace=namespace),
        worker=WorkerSettings(),
        budget=BudgetSettings(rate=0, concurrency=0),
        breaker=BreakerSettings(),
        broker=BrokerSettings(url=BROKER_URL),
        redis=RedisSettings(url=REDIS_URL),
        erp=ErpSettings(kind="simulator"),
        dead=DeadLetterSettings(),
    )
    broker: LaneBroker = build(config, erp_transport=transport, lanes=[Lane.BULK])
    elapsed = drain(broker, lambda: transport.calls >= count)
    broker.close()
    return count / elapsed


class _Counter:
    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


def clean_up(namespace: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    channel = connection.channel()
    for lane in Lane:
        queues = lane_queues(namespace, lane)
        for name in (queues.ready, queues.delayed, queues.dead):
            channel.queue_delete(name)
    connection.close()
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three runs, in turn (default 3)")
    args = parser.parse_args()
    runs: list[tuple[str, Callable[[str], float]]] = [
        ("plain Dramatiq, no-op actor", lambda ns: plain(ns, args.messages, call_erp=False)),
        ("plain Dramatiq, same ERP call", lambda ns: plain(ns, args.messages, call_erp=True)),
        ("  the same, with Weir's acks", lambda ns: plain(ns, args.messages, call_erp=True, weir_acks=True)),
        ("Weir's worker", lambda ns: weir(ns, args.messages)),
    ]
    rates: dict[str, list[float]] = {name: [] for name, _ in runs}
    for round_ in range(1, args.rounds + 1):
        for name, run in runs:
            namespace = f"protect-{secrets.token_hex(4)}"
            try:
                rates[name].append(run(namespace))
            finally:
                clean_up(namespace)
            print(f"round {round_}: {name:32} {rates[name][-1]:8,.0f} messages/s", flush=True)
    noop, same, same_acks, ours = (rates[name] for name, _ in runs)
    print(f"\n1 process, {THREADS} threads, {args.messages} messages per run; median of {args.rounds} rounds:")
    for name, _ in runs:
        print(f"  {name:32} {median(rates[name]):8,.0f} messages/s  (runs: {_listed(rates[name])})")
    print(
        f"cost of protection: Weir drains {median(ours) / median(same):.2f} x plain Dramatiq doing the same "
        f"ERP call (per round: {_ratios(ours, same)}), {median(ours) / median(noop):.2f} x a no-op actor"
    )
    print(f"  Weir's middleware alone: {median(ours) / median(same_acks):.2f} x plain Dramatiq with Weir's acks "
          f"(per round: {_ratios(ours, same_acks)})")  # fmt: skip


def _ratios(ours: list[float], theirs: list[float]) -> str:
    return ", ".join(f"{mine / other:.2f}" for mine, other in zip(ours, theirs, strict=True))


def _listed(values: list[float]) -> str:
    return ", ".join(f"{value:,.0f}" for value in values)


if __name__ == "__main__":
    main()
