"""What a reconciliation run costs: channel calls, ERP reads and time per order listed.

Starts the ERP simulator and a local stand-in for a Shopify shop's Admin API (the tests' own),
holds ``--orders`` orders in the shop of which ``--missing`` have no sale, and runs reconciliation
once over them, against the real Redis and RabbitMQ, in a namespace of its own (deleted after).
The ERP's budget is ``--rate`` calls per second (0: unlimited), with nothing else calling it, so
the reconcile lane borrows all of it. Prints pages, listing calls, ERP calls, missing orders
enqueued and orders compared per second.

    .venv/bin/python -m bench.reconcile_cost [--orders 1000] [--missing 100] [--rate 20]
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import redis

from erp.settings import ErpSettings
from erp.simulator import SimulatorClient, SimulatorErp
from events.mapping.shopify import shopify_order as canonical
from queues.settings import BrokerSettings
from reconcile.app import ReconcileConfig, reconciler
from reconcile.settings import ReconcileSettings
from samples.payloads import shopify_order
from tasks.settings import ChannelApiSettings
from tests.support.net import eventually, free_port
from tests.support.rabbit import RabbitProbe
from tests.support.servers import ServiceProcess
from tests.support.shop_orders import FakeShopOrders
from tests.support.shopify import SHOPIFY_TOKEN
from throttling.budget import BreakerSettings, BudgetSettings
from weir.settings import RedisSettings, ServiceSettings

CHANNEL = "shop-bench"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reconcile_cost", description=__doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--missing", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="weir-reconcile-bench-"))
    port = free_port()
    simulator = ServiceProcess(
        ["-m", "simulator", "--port", str(port), "--admin-port", str(free_port()), "--seed", "1"], {}, work / "sim.log"
    ).start()
    namespace = f"bench-{secrets.token_hex(4)}"
    try:
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: _answers(url), timeout=30, what="the simulator")
        with FakeShopOrders() as shop:
            _hold(shop, url, args.orders, args.missing)
            print(json.dumps(_run(shop, url, namespace, work, args.rate)))
    finally:
        simulator.stop()
        _clean(namespace)


def _answers(url: str) -> bool:
    import httpx

    try:
        httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return True


def _hold(shop: FakeShopOrders, url: str, orders: int, missing: int) -> None:
    erp = SimulatorErp(SimulatorClient(url, timeout_seconds=10))
    now = datetime.now(UTC)
    try:
        for n in range(orders):
            order = shopify_order(random.randrange(2**40, 2**50))
            order["updated_at"] = (now - timedelta(seconds=orders - n)).isoformat()
            shop.put(order)
            if n >= missing:
                erp.ensure_sale(CHANNEL, canonical(json.loads(json.dumps(order), parse_float=Decimal)))
    finally:
        erp.close()


def _run(shop: FakeShopOrders, url: str, namespace: str, work: Path, rate: float) -> dict[str, float]:
    channels = work / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "shopify"\nsecrets = ["bench-secret"]\n'
        f'[channels.{CHANNEL}.options]\napi_base_url = "{shop.url}"\naccess_token = "{SHOPIFY_TOKEN}"\n'
    )
    config = ReconcileConfig(
        service=ServiceSettings(namespace=namespace),
        reconcile=ReconcileSettings(),
        channel_api=ChannelApiSettings(channels_file=channels, channel_api_rate_per_second=2),
        budget=BudgetSettings(rate=rate),
        breaker=BreakerSettings(),
        broker=BrokerSettings(),
        redis=RedisSettings(),
        erp=ErpSettings(kind="simulator", url=url, timeout_seconds=10),
    )
    with reconciler(config) as running:
        started = time.perf_counter()
        report = running.run(CHANNEL, who="bench", since=datetime.now(UTC) - timedelta(hours=1))
        seconds = time.perf_counter() - started
    erp_calls = redis.Redis().hgetall(f"{namespace}:erp:calls")
    return {
        "orders": report.listed,
        "pages": report.pages,
        "listing_calls": len(shop.calls),
        "missing_enqueued": report.missing,
        "drift": report.drift,
        "erp_calls": sum(int(value) for name, value in erp_calls.items() if name.startswith(b"outcome:")) or -1,
        "seconds": round(seconds, 2),
        "orders_per_second": round(report.listed / seconds, 1),
    }


def _clean(namespace: str) -> None:
    client = redis.Redis()
    keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
    rabbit = RabbitProbe()
    rabbit.delete_namespace(namespace)
    rabbit.close()


if __name__ == "__main__":
    main()
