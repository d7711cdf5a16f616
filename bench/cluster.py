"""Weir on three hosts over a three-node RabbitMQ cluster and Redis under Sentinel, all on this
machine: under steady load, the RabbitMQ node leading the critical lane is killed, then the
Redis master.

    .venv/bin/python -m bench.cluster                 # about 4 minutes
    .venv/bin/python -m bench.cluster --seconds 40    # the slow test's smaller run

Each "host" is a receiver and a worker process of its own, listing the RabbitMQ nodes starting
from its own; all share one ERP simulator that enforces the budget. It prints the webhooks
answered 2xx and 503, the orders landed in the ERP, lost and written twice, the busiest ERP
second against the budget, the ERP's utilisation while a backlog waited, and how long each loss
took to recover from (bench/cluster_rig.py starts the nodes; docs/multi-host.md reads the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import secrets
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pika
import pika.exceptions
import uvloop

from bench.cluster_rig import RabbitCluster, RedisSentinels, free_ports
from bench.driver import Driver, Stream
from bench.fleet import Processes, wait_until
from queues.lanes import Lane
from queues.nodes import blocking_connection
from queues.topology import lane_queues
from samples.payloads import shopify_order
from simulator.control import SimulatorControl

SECRET = "weir-demo-bench-secret"
CHANNELS = f"""demo = true
[channels.bench]
provider = "shopify"
secrets = ["{SECRET}"]
"""
HOSTS = 3


@dataclass
class Events:
    """When each fault was injected and when each looked recovered, in Unix seconds."""

    rabbit_killed: float = 0.0
    rabbit_node: str = ""
    redis_killed: float = 0.0
    redis_failed_over: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """Where the accepted orders ended up once the fleet drained."""

    accepted: int
    landed: int
    queued: int
    dead: int
    duplicated: int


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=120, help="seconds of load")
    parser.add_argument("--rate", type=float, default=12, help="orders per second posted to each host")
    parser.add_argument("--budget", type=float, default=25, help="ERP requests/s, also the simulator's limit")
    parser.add_argument("--concurrency", type=int, default=8, help="ERP requests in flight, fleet-wide")
    parser.add_argument("--burst", type=float, default=1.5, help="WEIR_BUDGET_BURST")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker process")
    parser.add_argument("--kill-rabbit-at", type=float, default=None, help="default: a quarter into the load")
    parser.add_argument("--kill-redis-at", type=float, default=None, help="default: halfway into the load")
    parser.add_argument("--drain-seconds", type=int, default=300, help="how long to wait for the backlog to drain")
    parser.add_argument("--log-level", default="WARNING")
    return parser.parse_args()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    args = parse()
    results = run(args)
    print_report(args, *results)


def run(args: argparse.Namespace) -> tuple[list[Driver], Events, Outcome, dict[int, int], dict[int, int], float]:
    """Start the rig and the fleet, load it, inject the faults, drain; what the report needs."""
    work = Path(tempfile.mkdtemp(prefix="weir-cluster-"))
    namespace = f"cluster-{secrets.token_hex(4)}"
    (work / "channels.toml").write_text(CHANNELS)
    ports = free_ports(2 + HOSTS)
    erp, admin, web = ports[0], ports[1], ports[2:]
    started_rig = time.monotonic()
    with RabbitCluster(work / "rabbit") as rabbit, RedisSentinels(work / "redis") as redis:
        print(f"rig: 3 RabbitMQ nodes and Redis with 2 replicas under 3 Sentinels, up in "
              f"{time.monotonic() - started_rig:.0f} s; logs in {work}")  # fmt: skip
        simulator = Processes({}, work / "logs")
        hosts = [Processes(host_env(args, namespace, rabbit, redis, h, web[h], erp, work), work / f"host-{h}")
                 for h in range(HOSTS)]  # fmt: skip
        control: SimulatorControl | None = None
        try:
            control = start_simulator(simulator, erp, admin, args)
            for h, host in enumerate(hosts):
                host.start("receiver", "-m", "receivers")
                wait_until(lambda port=web[h]: _ready(port), timeout=60, what=f"host {h}'s receiver")
            for host in hosts:
                host.start("worker", "-m", "workers", "critical,standard,bulk", "--threads", str(args.threads))
            wait_until(lambda: _consumers(rabbit.url_from(0), namespace) >= HOSTS, timeout=120, what="the workers")
            drivers = [_driver(web[h], h, args.rate) for h in range(HOSTS)]
            events = Events()
            started = time.time()
            uvloop.run(_load(drivers, rabbit, redis, namespace, events, args, started))
            drained = _drain(control, drivers, args.drain_seconds)
            if not drained:
                events.notes.append(f"the backlog had not drained {args.drain_seconds} s after the load")
            for host in hosts:
                host.stop("worker")
            stats, stored = control.stats(), control.stored()
            outcome = _outcome(drivers, stored, stats.references_written_more_than_once, rabbit, namespace)
            return drivers, events, outcome, stats.received_per_second, stats.succeeded_per_second, started
        finally:
            for host in hosts:
                host.stop()
            if control is not None:
                control.close()
            simulator.stop()


def host_env(
    args: argparse.Namespace,
    namespace: str,
    rabbit: RabbitCluster,
    redis: RedisSentinels,
    host: int,
    port: int,
    erp: int,
    work: Path,
) -> dict[str, str]:
    """One host's settings: its own receiver port and the RabbitMQ nodes from its own on."""
    return {
        "WEIR_NAMESPACE": namespace,
        "PORT": str(port),
        "WEIR_CHANNELS_FILE": str(work / "channels.toml"),
        "WEIR_BROKER_URL": rabbit.url_from(host),
        "WEIR_REDIS_URL": f"redis://127.0.0.1:{redis.redis_ports[0]}/0",
        "WEIR_REDIS_SENTINELS": redis.sentinels,
        "WEIR_REDIS_SENTINEL_MASTER": redis.master_name,
        "WEIR_ERP_KIND": "simulator",
        "WEIR_ERP_URL": f"http://127.0.0.1:{erp}/",
        "WEIR_ERP_TIMEOUT_SECONDS": "10",
        "WEIR_BUDGET_RATE": str(args.budget),
        "WEIR_BUDGET_CONCURRENCY": str(args.concurrency),
        "WEIR_BUDGET_BURST": str(args.burst),
        # Without Redis each worker process keeps to a third of the budget: three hosts, one each.
        "WEIR_BUDGET_FALLBACK_PROCESSES": str(HOSTS),
        "WEIR_LOG_LEVEL": args.log_level,
    }


def start_simulator(processes: Processes, erp: int, admin: int, args: argparse.Namespace) -> SimulatorControl:
    processes.start("simulator", "-m", "simulator", "--port", str(erp), "--admin-port", str(admin))
    control = SimulatorControl(f"http://127.0.0.1:{admin}")
    wait_until(lambda: control.stats() is not None, timeout=30, what="the simulator")
    control.set_policy(
        rate_limit={"per_second": args.budget, "burst": 5},
        concurrency_limit=args.concurrency + 4,
        latency={"kind": "lognormal", "median_ms": 20, "p99_ms": 100},
    )
    return control


def _driver(port: int, host: int, rate: float) -> Driver:
    orders = Stream("orders", "orders/create", lambda n: shopify_order(n), lambda t: rate)
    # Each host's orders have ids of their own, so that a duplicate is Weir's and not the load's.
    ids = itertools.count(10**15 + host * 10**9)
    return Driver("127.0.0.1", port, "bench", SECRET, [orders], connections=16, _ids=ids)


async def _load(
    drivers: list[Driver],
    rabbit: RabbitCluster,
    redis: RedisSentinels,
    namespace: str,
    events: Events,
    args: argparse.Namespace,
    started: float,
) -> None:
    kill_rabbit_at = args.kill_rabbit_at if args.kill_rabbit_at is not None else args.seconds / 4
    kill_redis_at = args.kill_redis_at if args.kill_redis_at is not None else args.seconds / 2

    async def faults() -> None:
        await asyncio.sleep(started + kill_rabbit_at - time.time())
        leader = await asyncio.to_thread(rabbit.leader_of, lane_queues(namespace, Lane.CRITICAL).ready)
        events.rabbit_node, events.rabbit_killed = rabbit.names[leader], time.time()
        await asyncio.to_thread(rabbit.kill, leader)
        await asyncio.sleep(started + kill_redis_at - time.time())
        old = await asyncio.to_thread(redis.kill_master)
        events.redis_killed = time.time()
        while not await asyncio.to_thread(redis.failed_over, old):
            await asyncio.sleep(0.1)
        events.redis_failed_over = time.time()

    await asyncio.gather(*(driver.run(args.seconds) for driver in drivers), faults())


def _drain(control: SimulatorControl, drivers: list[Driver], seconds: int) -> bool:
    """Wait until every accepted order is in the ERP (or ``seconds`` pass); whether they all are."""
    wanted = {f"bench:{order}" for driver in drivers for order in driver.accepted_at["orders"]}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if wanted <= set(control.stored()["sales"]):
            return True
        time.sleep(1)
    return False


def _outcome(
    drivers: list[Driver], stored: dict[str, dict[str, int]], duplicated: int, rabbit: RabbitCluster, namespace: str
) -> Outcome:
    accepted = {f"bench:{order}" for driver in drivers for order in driver.accepted_at["orders"]}
    landed = len(accepted & set(stored["sales"]))
    queued = dead = 0
    connection = blocking_connection(rabbit.url_from(0))
    try:
        channel = connection.channel()
        for lane in Lane:
            queues = lane_queues(namespace, lane)
            for name in (queues.ready, queues.delayed, queues.dead):
                try:
                    count = channel.queue_declare(name, passive=True).method.message_count
                except pika.exceptions.ChannelClosedByBroker:
                    channel, count = connection.channel(), 0
                if name == queues.dead:
                    dead += count
                else:
                    queued += count
    finally:
        connection.close()
    return Outcome(len(accepted), landed, queued, dead, duplicated)


def print_report(
    args: argparse.Namespace,
    drivers: list[Driver],
    events: Events,
    outcome: Outcome,
    received: dict[int, int],
    succeeded: dict[int, int],
    started: float,
) -> None:
    ok = sum(sum(driver.accepted_per_second["orders"].values()) for driver in drivers)
    refused: dict[int, int] = {}
    for driver in drivers:
        for status, count in driver.refused.items():
            refused[status] = refused.get(status, 0) + count
    busiest = busiest_second(received)
    print(f"{HOSTS} hosts (a receiver and a worker of {args.threads} threads each), {args.rate:g} orders/s posted "
          f"to each for {args.seconds} s; ERP budget {args.budget:g}/s")  # fmt: skip
    print(f"  webhooks answered 2xx: {ok}; 503: {refused.get(503, 0)}; other: "
          f"{ {s: c for s, c in refused.items() if s != 503} or 'none'}")  # fmt: skip
    print(f"  orders accepted {outcome.accepted}, landed in the ERP {outcome.landed}, still queued {outcome.queued}, "
          f"dead-lettered {outcome.dead}")  # fmt: skip
    print(f"  lost: {lost(outcome)}; duplicate sales: 0 (one per reference); orders written again when redelivered: "
          f"{outcome.duplicated}")  # fmt: skip
    print(f"  busiest ERP second: {busiest} requests (budget + 1 = {args.budget + 1:g})")
    over = sorted(second for second, count in received.items() if count > args.budget + 1)
    if over:
        print(f"  seconds over budget + 1: {', '.join(f'{second - started:+.0f} s ({received[second]})' for second in over)} "
              f"from the start; kills at {events.rabbit_killed - started:.0f} s and {events.redis_killed - started:.0f} s")  # fmt: skip
    _utilisation(drivers, succeeded, events, args.budget)
    _recovery(drivers, succeeded, events, started, args.budget)
    for note in events.notes:
        print(f"  note: {note}")


def busiest_second(received: dict[int, int]) -> int:
    """The most ERP requests received in one whole second (the first and last are partial)."""
    if len(received) < 3:
        return max(received.values(), default=0)
    return max(count for second, count in received.items() if second not in (min(received), max(received)))


def lost(outcome: Outcome) -> int:
    """Orders accepted (2xx) that are neither in the ERP nor in a queue."""
    return outcome.accepted - outcome.landed - outcome.queued - outcome.dead


def _utilisation(drivers: list[Driver], succeeded: dict[int, int], events: Events, budget: float) -> None:
    """The ERP's calls per second over the budget while orders waited, the fault seconds apart."""
    accepted: dict[int, int] = {}
    for driver in drivers:
        for second, count in driver.accepted_per_second["orders"].items():
            accepted[second] = accepted.get(second, 0) + count
    first, last = min(accepted), max(succeeded)
    waiting = 0
    busy: list[float] = []
    quiet: list[float] = []
    faults = [events.rabbit_killed, events.redis_killed]
    for second in range(first, last):
        waiting += accepted.get(second, 0) - succeeded.get(second, 0)
        if waiting <= budget or second - first < 5:
            continue
        near_fault = any(0 <= second - fault < 15 for fault in faults if fault)
        (quiet if near_fault else busy).append(succeeded.get(second, 0) / budget)
    if busy:
        print(f"  utilisation while orders waited: {statistics.mean(busy):.1%} of the budget over {len(busy)} s "
              f"(and {statistics.mean(quiet) if quiet else 0:.1%} in the 15 s after each kill)")  # fmt: skip


def _recovery(drivers: list[Driver], succeeded: dict[int, int], events: Events, started: float, budget: float) -> None:
    answers = sorted(at for driver in drivers for at in driver.accepted_at["orders"].values())
    for name, killed in (
        ("RabbitMQ node " + events.rabbit_node, events.rabbit_killed),
        ("Redis master", events.redis_killed),
    ):
        if not killed:
            continue
        before = [at for at in answers if at < killed]
        after = [at for at in answers if at >= killed]
        gap = (after[0] - (before[-1] if before else killed)) if after else float("inf")
        full = next((s for s in sorted(succeeded) if s > killed and succeeded[s] >= 0.9 * budget), None)
        erp = "never" if full is None else f"{max(0.0, full - killed):.0f} s"
        print(f"  {name} killed at {killed - started:.0f} s: longest pause in 2xx answers {gap:.2f} s; "
              f"ERP back at 90% of the budget after {erp}")  # fmt: skip
    if events.redis_failed_over:
        print(f"  Sentinel promoted a replica {events.redis_failed_over - events.redis_killed:.1f} s after the kill")


def _ready(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200


def _consumers(url: str, namespace: str) -> int:
    try:
        connection = blocking_connection(url)
    except pika.exceptions.AMQPError:
        return 0
    try:
        return int(connection.channel().queue_declare(lane_queues(namespace, Lane.CRITICAL).ready, passive=True)
                   .method.consumer_count)  # fmt: skip
    except pika.exceptions.ChannelClosedByBroker:
        return 0
    finally:
        if connection.is_open:
            connection.close()


if __name__ == "__main__":
    main()
