"""Orders into the real embedded Tryton at a fixed ERP budget: batched against one at a time.

Each path gets a fresh copy of the golden Tryton, a receiver and the critical lane's worker
process as the Procfile runs it, and the same N signed Shopify orders (2 lines each, one
customer each), posted at once so that a backlog waits. The batched path runs with Weir's
default ``WEIR_ERP_BATCH_MAX`` (or ``--batch``); the one-at-a-time path sets it to 1. Both run
the same worker threads at the same budget.

    .venv/bin/python -m bench.erp_throughput [--orders 500] [--budget 20] [--threads 16]
    .venv/bin/python -m bench.erp_throughput --tryton postgresql [--tryton-workers 2]

``--tryton postgresql`` serves each path's Tryton as production does instead: on PostgreSQL, from
``--tryton-workers`` gunicorn worker processes (:mod:`erp.tryton.local.postgres`).

It prints, per path: orders/s (first accepted to last confirmed), ERP calls per order and per
second (counted by the fleet's gate, which every call passes), the calls' mean latency and how
many were in flight on average (calls/s x latency), p50/p99 of accepted -> confirmed sale (the
receiver's 202 to the sale's last write in Tryton), and whether every sale is right: one per
order, processing, with the order's lines, and its total the channel's total (shipping and tax
included). Then the ratio of the two paths.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import redis
import uvloop

from bench.driver import Driver, Stream
from bench.fleet import REPO, Processes, wait_until
from bench.spike import _consuming, _ready, clean_up
from bench.spike_report import count_outcome
from erp.money import MONEY_SKUS
from erp.tryton.client import TrytonClient
from erp.tryton.local import LocalTryton
from erp.tryton.local.postgres import PostgresTryton
from samples.payloads import shopify_order
from throttling import FleetGate, GatePolicy

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
REDIS_URL = "redis://127.0.0.1:6379/0"
GOLDEN = REPO / "var" / "tryton" / "golden"
CHANNEL = "bench"
SECRET = "weir-demo-bench-secret"
CHANNELS = f"""demo = true
[channels.{CHANNEL}]
provider = "shopify"
secrets = ["{SECRET}"]
"""
#: Orders posted per second: far above what the ERP takes, so the backlog forms at once.
POST_RATE = 100
#: The golden database's catalogue: SKU-0001 .. SKU-0020.
SKUS = 20


def lines_of(number: int) -> tuple[tuple[str, int, str], ...]:
    """Two lines per order, SKUs and quantities varying with the order's number."""
    first, second = number % SKUS + 1, (number + 7) % SKUS + 1
    return ((f"SKU-{first:04d}", 1 + number % 3, "11.00"), (f"SKU-{second:04d}", 1, "12.50"))


def order_body(number: int, customers: int) -> dict[str, object]:
    """Order ``number``, placed by its own customer (``customers`` 0) or one of ``customers``."""
    customer = number % customers if customers else number
    return shopify_order(number, customer_id=customer, lines=lines_of(number))


@dataclass(frozen=True)
class Figures:
    """What one path measured."""

    name: str
    orders: int
    confirmed: int
    seconds: float
    calls: int
    outcomes: dict[str, int]
    latency_ms: float
    p50_s: float
    p99_s: float
    wrong: list[str]
    dead: int
    erp_cpu_s: float
    database_cpu_s: float
    worker_cpu_s: float
    busy_cores: float

    @property
    def orders_per_second(self) -> float:
        return self.confirmed / self.seconds if self.seconds else 0.0

    @property
    def calls_per_order(self) -> float:
        return self.calls / self.confirmed if self.confirmed else float("nan")

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def show(self) -> str:
        in_flight = self.calls_per_second * self.latency_ms / 1000
        right = "every sale right" if not self.wrong else f"{len(self.wrong)} wrong, e.g. {self.wrong[:3]}"
        return (
            f"{self.name}: {self.confirmed}/{self.orders} confirmed in {self.seconds:.1f} s = "
            f"{self.orders_per_second:.2f} orders/s; {self.calls} ERP calls = {self.calls_per_order:.2f}/order, "
            f"{self.calls_per_second:.1f} calls/s (outcomes {self.outcomes}), mean call {self.latency_ms:.0f} ms, "
            f"{in_flight:.2f} in flight; accepted -> confirmed p50 {self.p50_s:.1f} s, p99 {self.p99_s:.1f} s; "
            f"{right}; {self.dead} dead letters; Tryton's CPU {self._per_order(self.erp_cpu_s)} ms/order, "
            f"busy {self._share(self.erp_cpu_s)}% of one core; PostgreSQL's CPU {self._per_order(self.database_cpu_s)} "
            f"ms/order; the worker's CPU {self._per_order(self.worker_cpu_s)} "
            f"ms/order, busy {self._share(self.worker_cpu_s)}% of one core; the machine busy "
            f"{self.busy_cores:.2f} of {os.cpu_count()} cores"
        )

    def _per_order(self, cpu_s: float) -> str:
        return f"{1000 * cpu_s / max(self.confirmed, 1):.0f}"

    def _share(self, cpu_s: float) -> str:
        return f"{100 * cpu_s / self.seconds if self.seconds else 0:.0f}"


def run_path(name: str, batch: int | None, args: argparse.Namespace, work: Path) -> Figures:
    """Start a fresh Tryton and fleet, post the orders, wait for their sales, measure."""
    namespace = f"erpbench-{secrets.token_hex(4)}"
    tryton = _tryton(name, args, work)
    tryton.start()
    settings = tryton.settings()
    channels = work / "channels.toml"
    channels.write_text(CHANNELS)
    env = {
        "WEIR_NAMESPACE": namespace,
        "PORT": str(args.web_port),
        "WEIR_CHANNELS_FILE": str(channels),
        "WEIR_ERP_KIND": "tryton",
        "WEIR_ERP_URL": tryton.url,
        "WEIR_ERP_DATABASE": settings.database,
        "WEIR_ERP_USER": settings.user,
        "WEIR_ERP_PASSWORD": settings.password.get_secret_value(),
        "WEIR_BUDGET_RATE": str(args.budget),
        "WEIR_LOG_LEVEL": args.log_level,
        **({"WEIR_ERP_BATCH_MAX": str(batch)} if batch is not None else {}),
    }
    processes = Processes(env, work / f"logs-{name}")
    looker = TrytonClient.from_settings(settings)
    try:
        processes.start("receiver", "-m", "receivers")
        wait_until(lambda: _ready(args.web_port), timeout=30, what="the receiver")
        worker = processes.start(
            "worker-critical",
            "-m",
            "workers",
            "critical",
            "--processes",
            str(args.processes),
            "--threads",
            str(args.threads),
        )
        wait_until(lambda: _consuming(namespace, ["critical"] * args.processes), timeout=60, what="the workers")
        erp_cpu_before, database_cpu_before = _erp_cpu(tryton), _database_cpu()
        worker_cpu_before, machine_before = _group_cpu(worker.pid), _machine()
        driver = Driver("127.0.0.1", args.web_port, CHANNEL, SECRET, [_stream(args.orders, args.customers)])
        uvloop.run(driver.run(-(-args.orders // POST_RATE)))
        accepted = driver.accepted_at["orders"]
        confirmed = _wait_for_sales(looker, len(accepted), args.timeout)
        erp_cpu_s, database_cpu_s = _erp_cpu(tryton) - erp_cpu_before, _database_cpu() - database_cpu_before
        worker_cpu_s = _group_cpu(worker.pid) - worker_cpu_before
        machine = [after - before for after, before in zip(_machine(), machine_before, strict=True)]
        processes.stop("worker")
        sales = _sales(looker)
        counters = FleetGate(
            redis.Redis.from_url(REDIS_URL), prefix=f"{namespace}:erp:", policy=GatePolicy(args.budget, 0)
        ).counters()
        dead = count_outcome(namespace, BROKER_URL, REDIS_URL).dead
    finally:
        looker.close()
        processes.stop()
        tryton.stop()
        clean_up(namespace)
    busy_cores = (machine[0] / machine[1]) * (os.cpu_count() or 1) if machine[1] else 0.0
    return _figures(
        name, accepted, sales, confirmed, counters, dead, (erp_cpu_s, database_cpu_s, worker_cpu_s, busy_cores)
    )


def _tryton(name: str, args: argparse.Namespace, work: Path) -> LocalTryton | PostgresTryton:
    if args.tryton == "postgresql":
        return PostgresTryton(args.postgres_uri, args.erp_port, workers=args.tryton_workers, work=work)
    return LocalTryton(GOLDEN, work / f"tryton-{name}", args.erp_port)


def _erp_cpu(tryton: LocalTryton | PostgresTryton) -> float:
    """CPU seconds Tryton has used so far: trytond, or gunicorn's arbiter and workers."""
    return _group_cpu(tryton.pid or 0) if isinstance(tryton, PostgresTryton) else _cpu_seconds(tryton.pid)


def _database_cpu() -> float:
    """CPU seconds the live PostgreSQL processes of this machine have used so far (0 without one)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += _cpu_seconds(int(comm.parent.name))
        except OSError:
            continue
    return total


def _cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far, from /proc (Linux)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    user_ticks, system_ticks = int(fields[11]), int(fields[12])
    return (user_ticks + system_ticks) / os.sysconf("SC_CLK_TCK")


def _group_cpu(group: int) -> float:
    """CPU seconds the live processes of process group ``group`` have used so far (Dramatiq's
    CLI forks its worker processes into the group its parent leads)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _machine() -> tuple[int, int]:
    """The machine's busy and total CPU ticks so far, all cores together (/proc/stat)."""
    ticks = [int(tick) for tick in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def _stream(orders: int, customers: int) -> Stream:
    def rate(second: float) -> float:
        return min(POST_RATE, orders - POST_RATE * int(second))

    return Stream("orders", "orders/create", lambda number: order_body(number, customers), rate)


def _wait_for_sales(looker: TrytonClient, wanted: int, timeout: float) -> int:
    """Poll Tryton until ``wanted`` bench sales are processing (or the timeout); return how many are."""
    deadline = time.monotonic() + timeout
    last_report = time.monotonic()
    while True:
        done = int(looker.call("model.sale.sale.search_count", _CONFIRMED))
        if done >= wanted or time.monotonic() > deadline:
            return done
        if time.monotonic() - last_report > 15:
            print(f"  ... {done}/{wanted} sales confirmed", flush=True)
            last_report = time.monotonic()
        time.sleep(1)


_CONFIRMED = [["reference", "like", f"{CHANNEL}:%"], ["state", "in", ["processing", "done"]]]
_FIELDS = [
    "reference",
    "state",
    "total_amount",
    "write_date",
    "lines.product.code",
    "lines.quantity",
    "lines.unit_price",
]


def _sales(looker: TrytonClient) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = looker.call(
        "model.sale.sale.search_read", [["reference", "like", f"{CHANNEL}:%"]], 0, None, None, _FIELDS
    )
    return rows


def _figures(
    name: str,
    accepted: dict[int, float],
    sales: list[dict[str, Any]],
    confirmed: int,
    counters: Any,
    dead: int,
    cpu: tuple[float, float, float, float],
) -> Figures:
    wrong = _wrong(accepted, sales)
    done_at = {
        int(sale["reference"].split(":", 1)[1]): sale["write_date"].replace(tzinfo=dt.UTC).timestamp()
        for sale in sales
        if sale["state"] in ("processing", "done")
    }
    waits = sorted(done_at[number] - accepted[number] for number in done_at if number in accepted)
    seconds = max(done_at.values(), default=0.0) - min(accepted.values(), default=0.0)
    calls = sum(counters.outcomes.values())
    latency = counters.latency_sum_ms / counters.latency_count if counters.latency_count else 0.0
    return Figures(
        name=name,
        orders=len(accepted),
        confirmed=confirmed,
        seconds=seconds,
        calls=calls,
        outcomes=counters.outcomes,
        latency_ms=latency,
        p50_s=_percentile(waits, 0.50),
        p99_s=_percentile(waits, 0.99),
        wrong=wrong,
        dead=dead,
        erp_cpu_s=cpu[0],
        database_cpu_s=cpu[1],
        worker_cpu_s=cpu[2],
        busy_cores=cpu[3],
    )


def _wrong(accepted: dict[int, float], sales: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the sales: missing, duplicated, unconfirmed, other lines or total."""
    problems = []
    by_number: dict[int, list[dict[str, Any]]] = {}
    for sale in sales:
        by_number.setdefault(int(sale["reference"].split(":", 1)[1]), []).append(sale)
    for number in accepted:
        found = by_number.get(number, [])
        if len(found) != 1:
            problems.append(f"{number}: {len(found)} sales")
            continue
        sale = found[0]
        wanted = sorted((sku, Decimal(quantity), Decimal(price)) for sku, quantity, price in lines_of(number))
        # The goods are the order's lines; shipping and tax follow them on service products, and
        # the sale must total what the channel says the customer paid.
        lines = sorted(
            (line["product."]["code"], Decimal(str(line["quantity"])), line["unit_price"])
            for line in sale["lines."]
            if line["product."]["code"] not in MONEY_SKUS
        )
        total = Decimal(str(order_body(number, 0)["total_price"]))
        if sale["state"] not in ("processing", "done") or lines != wanted or sale["total_amount"] != total:
            problems.append(f"{number}: {sale['state']}, {lines}, total {sale['total_amount']}")
    return problems


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def main() -> None:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500, help="orders per path (default 500)")
    parser.add_argument("--budget", type=float, default=20, help="WEIR_BUDGET_RATE, ERP calls/s (default 20)")
    parser.add_argument("--processes", type=int, default=1, help="critical worker processes (the Procfile's)")
    parser.add_argument("--threads", type=int, default=16, help="threads per critical worker process (the Procfile's)")
    parser.add_argument("--batch", type=int, default=None, help="WEIR_ERP_BATCH_MAX of the batched path")
    parser.add_argument("--customers", type=int, default=0, help="distinct customers (default 0: one per order)")
    parser.add_argument("--paths", default="one-at-a-time,batched", help="which paths to run, in order")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for a path's sales")
    parser.add_argument(
        "--tryton", choices=["sqlite", "postgresql"], default="sqlite", help="default: the embedded one"
    )
    parser.add_argument("--tryton-workers", type=int, default=2, help="gunicorn workers with --tryton postgresql")
    parser.add_argument(
        "--postgres-uri", default="postgresql://postgres@127.0.0.1:5432/", help="a role that creates DBs"
    )
    parser.add_argument("--web-port", type=int, default=8790)
    parser.add_argument("--erp-port", type=int, default=8791)
    parser.add_argument("--log-level", default="WARNING", help="the fleet's WEIR_LOG_LEVEL (logs in a temp dir)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="weir-erp-throughput-"))
    tryton = "SQLite, one trytond" if args.tryton == "sqlite" else f"PostgreSQL, {args.tryton_workers} gunicorn workers"
    print(f"{args.orders} orders per path, budget {args.budget:g} calls/s, {args.processes} worker process(es) of "
          f"{args.threads} threads, "
          f"Tryton on {tryton}; logs in {work}", flush=True)  # fmt: skip
    results = {}
    for name in args.paths.split(","):
        batch = 1 if name == "one-at-a-time" else args.batch
        results[name] = run_path(name, batch, args, work)
        print(results[name].show(), flush=True)
    if "one-at-a-time" in results and "batched" in results:
        single, batched = results["one-at-a-time"], results["batched"]
        print(
            f"batched / one-at-a-time: {batched.orders_per_second / single.orders_per_second:.1f}x orders/s, "
            f"{batched.calls_per_order:.2f} vs {single.calls_per_order:.2f} ERP calls per order"
        )


if __name__ == "__main__":
    main()
