"""How fast the receiver turns signed webhooks into confirmed messages, against the broker's own limit.

Runs the real receiver (``python -m receivers``) on the real RabbitMQ and Redis and measures in
rounds. Each round measures raw persistent publishes with publisher confirms and a fixed number
in flight through aio-pika, drives the receiver with signed ~1 KB Shopify order webhooks from a
load generator on the same box (Python's, or wrk: ``--load``), then measures the same publishes
again (and, with ``--also``, through aiormq and Weir's publisher). Each round's ratio compares
the load with the mean of aio-pika's limit just before and just after it, on a machine whose
speed drifts.

Latency: the Python generator times every request; wrk reports percentiles corrected for
coordinated omission (:mod:`bench.omission`), which the Python figures are also given in.

    .venv/bin/python -m bench.ingest [--rounds 3] [--seconds 10] [--connections 64] [--load wrk] [--also aiormq weir]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pika
import redis
import uvloop

from bench.broker_limit import aio_pika_publish_rate, aiormq_publish_rate, weir_publish_rate
from bench.cpu import CpuMeter, pids_named
from bench.loadgen import ShopifyRequests, run_load
from bench.omission import corrected_latencies
from bench.wrk_load import run_wrk, wrk_available
from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import encode, shopify_order

REPO = Path(__file__).resolve().parents[1]

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "weir-demo-shopify-secret-shop-us"
BODY_BYTES = 1024

LIMITS = {"aio-pika": aio_pika_publish_rate, "aiormq": aiormq_publish_rate, "weir": weir_publish_rate}
LIMIT_NAMES = {
    "aio-pika": "aio-pika (the reference measure)",
    "aiormq": "aiormq, under aio-pika",
    "weir": "Weir's publisher",
}
TARGET_RATIO, TARGET_P99_MS = 0.6, 50.0


def order_template() -> bytes:
    """A Shopify order of exactly ``BODY_BYTES`` once its id is filled in (18 digits)."""
    order = shopify_order(123456789012345678, lines=[("SKU-0001", 2, "11.00"), ("SKU-0002", 1, "12.00")])
    order["note"] = ""
    body = encode(order)
    order["note"] = "x" * (BODY_BYTES - len(body))
    return encode(order).replace(b"123456789012345678", b"ORDER_ID")


def start_receiver(namespace: str, port: int, processes: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WEIR_NAMESPACE": namespace,
        "PORT": str(port),
        "WEIR_WEB_PROCESSES": str(processes),
        "WEIR_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([sys.executable, "-m", "receivers"], cwd=REPO, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the receiver did not become ready within 30 s")


def clean_up(namespace: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    channel = connection.channel()
    for lane in Lane:
        queues = lane_queues(namespace, lane)
        for name in (queues.ready, queues.delayed, queues.dead):
            channel.queue_delete(name)
    connection.close()
    client = redis.Redis.from_url(REDIS_URL)
    for batch in _batches(client.scan_iter(match=f"{namespace}:*", count=5000)):
        client.delete(*batch)
    client.close()


def _batches(keys: Iterable[bytes], size: int = 5000) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass(frozen=True)
class Measured:
    """The receiver under load: accepted events per second, what the answers were, latencies
    in ms. ``p99_ms`` is what the requests measured (``None`` from wrk, which cannot tell it);
    ``p99_open_ms`` is corrected for coordinated omission, as wrk reports it."""

    generator: str
    accepted_per_second: float
    answers: str
    p50_ms: float
    p99_ms: float | None
    p99_open_ms: float
    max_ms: float


@dataclass(frozen=True)
class Round:
    """One round: the receiver under load, the broker's limits (publishes/s) measured after it,
    aio-pika's also just before it, and the CPU cores each part used during the load."""

    load: Measured
    limits: dict[str, float]
    aio_pika_before: float
    cpu: dict[str, float]

    def limit(self, key: str = "aio-pika") -> float:
        """aio-pika's limit is the mean of its measures just before and just after the load, so
        a machine that speeds up or slows down during the round moves both halves of the ratio
        alike; the other limits are measured after the load only."""
        return (self.aio_pika_before + self.limits[key]) / 2 if key == "aio-pika" else self.limits[key]

    def ratio(self, key: str = "aio-pika") -> float:
        return self.load.accepted_per_second / self.limit(key)


def python_load(args: argparse.Namespace, template: bytes, meter: CpuMeter) -> Measured:
    requests = ShopifyRequests(template, SECRET, "shop-us", f"127.0.0.1:{args.port}")
    meter.start()
    generator = own_cpu_seconds()
    load = uvloop.run(
        run_load(
            "127.0.0.1", args.port, requests, connections=args.connections, warmup=args.warmup, seconds=args.seconds
        )
    )
    meter.stop()
    meter.used["load generator"] = own_cpu_seconds() - generator
    latencies = load.latencies_ms
    return Measured(
        generator="Python (raw asyncio)",
        accepted_per_second=load.statuses[202] / load.seconds,
        answers=str(dict(sorted(load.statuses.items()))),
        p50_ms=statistics.median(latencies),
        p99_ms=percentile(latencies, 0.99),
        p99_open_ms=percentile(
            corrected_latencies(latencies, connections=args.connections, seconds=load.seconds), 0.99
        ),
        max_ms=max(latencies),
    )


def wrk_load(args: argparse.Namespace, template: bytes, meter: CpuMeter, namespace: str) -> Measured:
    def signed(number: int) -> tuple[str, bytes]:
        body = template.replace(b"ORDER_ID", str(10**17 + number).encode())
        return base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode(), body

    run_wrk(args.port, "shop-us", signed, connections=args.connections, seconds=args.warmup)
    before = lane_depth(namespace)
    meter.start()
    generator = own_cpu_seconds()
    load = run_wrk(args.port, "shop-us", signed, connections=args.connections, seconds=args.seconds)
    meter.stop()
    meter.used["load generator"] = own_cpu_seconds() - generator
    enqueued = lane_depth(namespace) - before
    # Requests still in flight when wrk stops were enqueued but not counted by wrk: count the 2xx
    # answers wrk saw, no more than RabbitMQ holds.
    accepted = min(enqueued, load.requests - load.non_2xx)
    answers = (
        f"{load.requests} answered, {load.non_2xx} not 2xx, {load.socket_errors} socket errors; {enqueued} enqueued"
    )
    return Measured("wrk", accepted / load.seconds, answers, load.p50_ms, None, load.p99_ms, load.max_ms)


def lane_depth(namespace: str) -> int:
    """Messages in the critical lane, where orders go: what RabbitMQ confirmed."""
    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    try:
        name = lane_queues(namespace, Lane.CRITICAL).ready
        return int(connection.channel().queue_declare(name, passive=True).method.message_count)
    finally:
        connection.close()


def empty_lane(namespace: str) -> None:
    """Drop what a round enqueued, so every round publishes into an empty lane."""
    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    try:
        connection.channel().queue_purge(lane_queues(namespace, Lane.CRITICAL).ready)
    finally:
        connection.close()


def measure_round(args: argparse.Namespace, template: bytes, namespace: str) -> Round:
    """Measure aio-pika's limit, load the running receiver, empty the lane it filled, then
    measure the broker's limits."""
    body = template.replace(b"ORDER_ID", b"123456789012345678")
    before = uvloop.run(
        aio_pika_publish_rate(BROKER_URL, f"{namespace}.before", body, in_flight=args.in_flight, seconds=args.seconds)
    )
    meter = CpuMeter(
        {
            "receiver": pids_named("-m\0receivers") + pids_named("multiprocessing"),
            "rabbitmq": pids_named("beam.smp"),
            "redis": pids_named("redis-server"),
        }
    )
    load = wrk_load(args, template, meter, namespace) if args.load == "wrk" else python_load(args, template, meter)
    empty_lane(namespace)
    limits = {
        key: uvloop.run(
            LIMITS[key](BROKER_URL, f"{namespace}.{key}", body, in_flight=args.in_flight, seconds=args.seconds)
        )
        for key in ("aio-pika", *args.also)
    }
    # The Python generator's meters span its warm-up; wrk's warm-up is a run of its own, unmetered.
    metered = args.seconds + (args.warmup if args.load == "python" else 0)
    return Round(load, limits, before, {name: used / metered for name, used in meter.used.items()})


def report_round(number: int, measured: Round) -> None:
    load = measured.load
    p99 = "not measured by wrk" if load.p99_ms is None else f"{load.p99_ms:.1f} ms"
    print(f"round {number}:")
    print(f"  answers:                {load.answers}")
    print(f"  accepted events/s:      {load.accepted_per_second:,.0f}")
    print(f"  latency p50 / p99:      {load.p50_ms:.1f} ms / {p99} (max {load.max_ms:.1f} ms)")
    print(f"  p99 as wrk reports it:  {load.p99_open_ms:.1f} ms (corrected for coordinated omission)")
    print("  CPU cores used:         " + ", ".join(f"{name} {used:.2f}" for name, used in measured.cpu.items()))
    for key in measured.limits:
        name = LIMIT_NAMES[key]
        around = (
            f" (before {measured.aio_pika_before:,.0f}, after {measured.limits[key]:,.0f})" if key == "aio-pika" else ""
        )
        print(f"  limit with {name + ':':32} {measured.limit(key):>7,.0f}/s   ratio {measured.ratio(key):.2f}{around}")
    sys.stdout.flush()


def report_summary(rounds: list[Round], args: argparse.Namespace) -> None:
    """Medians over the rounds, and how many rounds met the target."""
    print(
        f"summary: receiver with {args.web_processes} process(es); load from {rounds[0].load.generator}: "
        f"{args.connections} keep-alive connections, {BODY_BYTES}-byte signed Shopify orders; {len(rounds)} "
        f"round(s) of {args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up; limits with "
        f"{args.in_flight} confirms in flight"
    )
    median = statistics.median
    print(f"  accepted events/s:      {median(r.load.accepted_per_second for r in rounds):,.0f} (median)")
    p99s = [r.load.p99_ms for r in rounds if r.load.p99_ms is not None]
    if p99s:
        print(
            f"  latency p99:            {median(p99s):.1f} ms (median), rounds: " + ", ".join(f"{v:.1f}" for v in p99s)
        )
    print(f"  p99 as wrk reports it:  {median(r.load.p99_open_ms for r in rounds):.1f} ms (median)")
    for key in rounds[0].limits:
        name = LIMIT_NAMES[key]
        ratios = [r.ratio(key) for r in rounds]
        print(
            f"  ratio to {name + ':':34} {median(ratios):.2f} (median; rounds "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
            + f"; limit {median(r.limit(key) for r in rounds):,.0f}/s)"
        )
    met = sum(
        r.ratio() >= TARGET_RATIO
        and (r.load.p99_ms if r.load.p99_ms is not None else r.load.p99_open_ms) <= TARGET_P99_MS
        for r in rounds
    )
    print(
        f"  target (ratio to aio-pika >= {TARGET_RATIO}, p99 <= {TARGET_P99_MS:.0f} ms): met in {met} of {len(rounds)} rounds"
    )


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of the children it waited for (wrk)."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    # A benchmark stopped by SIGTERM (timeout, Ctrl-C from a supervisor) still stops its fleet.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of load then limits; figures are medians")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds of each load and each limit")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--web-processes",
        type=int,
        default=os.cpu_count() or 1,
        help="receiver server processes (WEIR_WEB_PROCESSES); default one per core, as in production",
    )
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--also",
        nargs="*",
        choices=["aiormq", "weir"],
        default=[],
        help="limits measured after aio-pika's, for comparison: aiormq (aio-pika's engine) and Weir's publisher. "
        "Off by default: they write about 500 MB a round into RabbitMQ's quorum write-ahead log, whose "
        "rollovers (every 512 MiB) keep the broker busy for 1 to 3.5 s, in whichever phase they fall",
    )
    parser.add_argument(
        "--load",
        choices=["python", "wrk"],
        default="python",
        help="the load generator: Python's, which times every request, or wrk (apt-get install wrk), "
        "which costs less CPU but reports latency corrected for coordinated omission only",
    )
    args = parser.parse_args()
    if args.load == "wrk" and not wrk_available():
        raise SystemExit("--load wrk: wrk is not installed (apt-get install wrk)")

    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    template = order_template()
    receiver = start_receiver(namespace, args.port, args.web_processes)
    rounds: list[Round] = []
    try:
        for number in range(1, args.rounds + 1):
            rounds.append(measure_round(args, template, namespace))
            report_round(number, rounds[-1])
    finally:
        receiver.terminate()
        receiver.wait(30)
        clean_up(namespace)
    report_summary(rounds, args)


if __name__ == "__main__":
    main()
