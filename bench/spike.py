"""ERP protection under fire, against the ERP simulator: steady mixed load, a 20x spike, a 60 s
ERP outage, then a 429 storm; with a configurable number of worker processes.

    .venv/bin/python -m bench.spike --processes 2      # and --processes 8

It prints the figures (busiest second vs budget, 429s, utilisation, critical latency under a
bulk backlog, dead letters, retries, losses, duplicates, recovery time) and writes a PNG of the
run to docs/. Orders are critical, customer updates standard and customer creations bulk (the
bench channel routes them there), each one ERP call.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pika
import redis
import uvloop

from bench.driver import Driver, Stream
from bench.fleet import REPO, Processes, wait_until
from bench.sampler import Sampler
from bench.spike_report import Timeline, count_outcome, report
from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import shopify_order
from simulator.control import SimulatorControl

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "weir-demo-bench-secret"
CHANNELS = f"""demo = true
[channels.bench]
provider = "shopify"
secrets = ["{SECRET}"]
lanes = {{ "customer.created" = "bulk" }}
"""

#: Steady events per second by stream; the spike multiplies them all by 20.
STEADY = {"orders": 2, "customer updates": 5, "customer creations": 25}


def timeline(args: argparse.Namespace) -> Timeline:
    """When each phase starts and ends, in seconds from the start of the load."""
    spike = (30, 30 + args.spike_seconds)
    outage = (spike[1] + 60, spike[1] + 120)
    storm = (outage[1] + 60, outage[1] + 80)
    return Timeline(spike=spike, outage=outage, storm=storm, end=storm[1] + 40)


def streams(plan: Timeline) -> list[Stream]:
    def rate(base: float) -> object:
        return lambda t: base * (20 if plan.spike[0] <= t < plan.spike[1] else 1)

    return [
        Stream("orders", "orders/create", lambda n: shopify_order(n), rate(STEADY["orders"])),  # type: ignore[arg-type]
        Stream("customer updates", "customers/update", _customer, rate(STEADY["customer updates"])),  # type: ignore[arg-type]
        Stream("customer creations", "customers/create", _customer, rate(STEADY["customer creations"])),  # type: ignore[arg-type]
    ]


def _customer(number: int) -> dict[str, object]:
    return {"id": number, "first_name": "Ada", "last_name": f"No{number}", "email": f"ada{number}@example.com"}


def worker_lanes(processes: int) -> list[str]:
    """Lanes per worker process: critical first, then standard and bulk alike."""
    if processes < 2:
        raise SystemExit("--processes must be at least 2")
    if processes == 2:
        return ["critical", "standard,bulk"]
    critical = max(1, round(processes * 3 / 8))
    standard = max(1, (processes - critical) // 2)
    return ["critical"] * critical + ["standard"] * standard + ["bulk"] * (processes - critical - standard)


def fleet_env(namespace: str, args: argparse.Namespace, ports: dict[str, int], channels: Path) -> dict[str, str]:
    return {
        "WEIR_NAMESPACE": namespace,
        "PORT": str(ports["web"]),
        "WEIR_CHANNELS_FILE": str(channels),
        "WEIR_ERP_KIND": "simulator",
        "WEIR_ERP_URL": f"http://127.0.0.1:{ports['erp']}/",
        "WEIR_ERP_TIMEOUT_SECONDS": "10",
        "WEIR_BUDGET_RATE": str(args.budget),
        "WEIR_BUDGET_CONCURRENCY": str(args.concurrency),
        "WEIR_BUDGET_BURST": str(args.burst),
        "WEIR_LOG_LEVEL": args.log_level,
    }


def start_simulator(processes: Processes, ports: dict[str, int], args: argparse.Namespace) -> SimulatorControl:
    processes.start(
        "simulator",
        "-m",
        "simulator",
        "--port",
        str(ports["erp"]),
        "--admin-port",
        str(ports["admin"]),
        niceness=args.erp_niceness,
    )
    control = SimulatorControl(f"http://127.0.0.1:{ports['admin']}")
    wait_until(lambda: control.stats() is not None, timeout=30, what="the simulator")
    # The simulator's token bucket holds a few calls, so that jitter between calls the fleet spaced
    # exactly one interval apart (threads, GIL, network) is not taken for a burst.
    control.set_policy(
        rate_limit={"per_second": args.budget, "burst": args.sim_burst},
        concurrency_limit=args.concurrency + 4,
        latency={"kind": "lognormal", "median_ms": 20, "p99_ms": 100},
    )
    return control


def main() -> None:
    # A benchmark stopped by SIGTERM (timeout, Ctrl-C from a supervisor) still stops its fleet.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=2, help="worker processes (at least 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process")
    parser.add_argument("--budget", type=float, default=100, help="ERP requests/s, also the simulator's limit")
    parser.add_argument("--concurrency", type=int, default=16, help="ERP requests in flight, fleet-wide")
    # A burst of 1.5 lets a call go half an interval early, so the gate gives back a slot no
    # thread was there to take on time (a thread wakes a little after its slot: Redis's round
    # trip, the GIL). A burst of 1 loses those slots; 2 lets the ERP see budget + 2 in a second
    # once the calls' own jitter on the way is added.
    parser.add_argument("--burst", type=float, default=1.5, help="WEIR_BUDGET_BURST: calls that may go at once")
    parser.add_argument("--spike-seconds", type=int, default=130)
    parser.add_argument(
        "--erp-niceness",
        type=int,
        default=-10 if os.geteuid() == 0 else 0,
        help="the simulator's CPU niceness (negative needs root; default -10 as root): it stands in for an ERP "
        "on a machine of its own, and its limiter should time calls when they arrive, not when a CPU shared "
        "with the fleet is free to read them",
    )
    parser.add_argument("--sim-burst", type=int, default=5, help="the simulator's token bucket, in calls")
    parser.add_argument("--png", type=Path, default=None, help="where to write the picture")
    parser.add_argument("--log-level", default="WARNING", help="the fleet's WEIR_LOG_LEVEL (logs stay in a temp dir)")
    args = parser.parse_args()

    namespace = f"spike-{secrets.token_hex(4)}"
    ports = {"web": 8780, "erp": 8781, "admin": 8782}
    plan = timeline(args)
    work = Path(tempfile.mkdtemp(prefix="weir-spike-"))
    channels = work / "channels.toml"
    channels.write_text(CHANNELS)
    processes = Processes(fleet_env(namespace, args, ports, channels), work / "logs")
    try:
        control = start_simulator(processes, ports, args)
        processes.start("receiver", "-m", "receivers")
        wait_until(lambda: _ready(ports["web"]), timeout=30, what="the receiver")
        lanes = worker_lanes(args.processes)
        for lane in lanes:
            processes.start(f"worker-{lane}", "-m", "workers", lane, "--threads", str(args.threads))
        # The load starts on a fleet that is up: eight processes booting on two cores is a
        # phase of its own, not the steady load's.
        wait_until(lambda: _consuming(namespace, lanes), timeout=60, what="the workers")
        sampler = Sampler(namespace, args.budget, 0.9 / 20, BROKER_URL, REDIS_URL)
        driver = Driver("127.0.0.1", ports["web"], "bench", SECRET, streams(plan))
        started = time.time()
        sampler.start()
        uvloop.run(_run(driver, control, plan, started))
        sampler.stop()
        # Workers first: they give back what they hold, so every event is applied or queued.
        processes.stop("worker")
        stats, stored = control.stats(), control.stored()
        processes.stop()
        outcome = count_outcome(namespace, BROKER_URL, REDIS_URL)
        print(f"fleet: {args.processes} worker processes ({', '.join(lanes)}), {args.threads} threads each; "
              f"logs in {work / 'logs'}")  # fmt: skip
        png = args.png or REPO / "docs" / f"spike-{args.processes}-processes.png"
        report(driver, sampler.samples, stats, stored, outcome, plan, started, args, png)
    finally:
        processes.stop()
        clean_up(namespace)


async def _run(driver: Driver, control: SimulatorControl, plan: Timeline, started: float) -> None:
    async def faults() -> None:
        await asyncio.sleep(started + plan.outage[0] - time.time())
        control.add_outage("unavailable", duration_seconds=plan.outage[1] - plan.outage[0])
        await asyncio.sleep(started + plan.storm[0] - time.time())
        control.add_storm(retry_after_seconds=5, duration_seconds=plan.storm[1] - plan.storm[0])

    await asyncio.gather(driver.run(plan.end), faults())


def _ready(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200


def _consuming(namespace: str, lanes: list[str]) -> bool:
    """Whether every lane's ready queue has as many consumers as processes were started for it."""
    wanted: dict[str, int] = {}
    for names in lanes:
        for lane in names.split(","):
            wanted[lane] = wanted.get(lane, 0) + 1
    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    try:
        channel = connection.channel()
        for lane, count in wanted.items():
            queue = lane_queues(namespace, Lane(lane)).ready
            try:
                declared = channel.queue_declare(queue, passive=True)
            except pika.exceptions.ChannelClosedByBroker:
                return False  # not declared yet
            if declared.method.consumer_count < count:
                return False
        return True
    finally:
        if connection.is_open:
            connection.close()


def clean_up(namespace: str) -> None:
    """Delete the run's queues and Redis keys."""
    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    channel = connection.channel()
    for lane in Lane:
        queues = lane_queues(namespace, lane)
        for name in (queues.ready, queues.delayed, queues.dead):
            channel.queue_delete(name)
    connection.close()
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{namespace}:*", count=10_000))
    for start in range(0, len(keys), 5_000):
        client.delete(*keys[start : start + 5_000])
    client.close()


if __name__ == "__main__":
    main()
