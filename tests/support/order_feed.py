"""A provider's stream of signed Shopify orders against a receiver, and what Tryton made of them.

:class:`OrderFeed` posts new orders from a thread, one every ``interval`` seconds, and keeps
every answer; a fault test breaks something under it, then retries what was not accepted (as a
provider retries) and checks that every accepted order is exactly one sale.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from erp.settings import ErpSettings
from erp.tryton import TrytonClient
from samples.payloads import encode, shopify_headers, shopify_order
from tests.support.net import eventually

__all__ = ["SHOP_SECRET", "OrderFeed", "ShopDelivery", "sales_by_reference", "shipments_by_reference"]

SHOP_SECRET = "weir-demo-shopify-secret-shop-us"
CHANNEL = "shop-us"
#: The answer recorded when the receiver gave none (refused or dropped connection, timeout).
NO_ANSWER = 0


@dataclass
class ShopDelivery:
    """One Shopify delivery (its webhook id stays the same on every retry) and each answer it got."""

    order_id: int
    body: bytes
    headers: dict[str, str]
    answers: list[int] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return f"{CHANNEL}:{self.order_id}"

    @property
    def accepted(self) -> bool:
        return any(200 <= status < 300 for status in self.answers)


class OrderFeed:
    """Posts signed Shopify ``orders/create`` deliveries to the receiver at ``url``; from its
    thread, each until it is accepted (2xx), as a provider retries."""

    def __init__(self, url: str, *, interval: float = 0.4, timeout: float = 10) -> None:
        """``interval``: the pause after each post, in seconds; ``timeout``: how long a post
        waits for its answer, in seconds."""
        self._url = f"{url}/webhooks/{CHANNEL}"
        self._interval = interval
        self._client = httpx.Client(timeout=timeout)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="order-feed", daemon=True)
        self._lock = threading.Lock()
        self.deliveries: list[ShopDelivery] = []

    def new(self) -> ShopDelivery:
        """A delivery of a new order (a Shopify-sized id, unique against the shared Tryton)."""
        order_id = random.randrange(2**60, 2**62)
        body = encode(shopify_order(order_id, lines=[("SKU-0001", 1, "10.00")]))
        delivery = ShopDelivery(order_id, body, shopify_headers(body, SHOP_SECRET))
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def fulfilment_of(self, order: ShopDelivery) -> ShopDelivery:
        """A ``fulfillments/create`` delivery shipping all of ``order`` (its ``reference`` is the order's sale)."""
        fulfilment = {
            "id": random.randrange(2**60, 2**62),
            "order_id": order.order_id,
            "status": "success",
            "tracking_company": "UPS",
            "tracking_number": "1Z999",
            "line_items": [{"sku": "SKU-0001", "quantity": 1}],
        }
        body = encode(fulfilment)
        delivery = ShopDelivery(order.order_id, body, shopify_headers(body, SHOP_SECRET, topic="fulfillments/create"))
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def post(self, delivery: ShopDelivery) -> int:
        """Post ``delivery`` once; its status, or :data:`NO_ANSWER`."""
        try:
            status = self._client.post(self._url, content=delivery.body, headers=delivery.headers).status_code
        except httpx.HTTPError:
            status = NO_ANSWER
        delivery.answers.append(status)
        return status

    def start(self) -> OrderFeed:
        """Post new orders from a thread until :meth:`stop`."""
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def close(self) -> None:
        self.stop()
        self._client.close()

    def accepted(self) -> list[ShopDelivery]:
        with self._lock:
            return [delivery for delivery in self.deliveries if delivery.accepted]

    def answers(self) -> Counter[int]:
        """How often each status was answered, over every post."""
        with self._lock:
            return Counter(status for delivery in self.deliveries for status in delivery.answers)

    def wait_for_more(self, status: int, more: int, *, timeout: float = 30) -> None:
        """Wait until ``more`` posts than now have been answered ``status``."""
        wanted = self.answers()[status] + more
        eventually(lambda: self.answers()[status] >= wanted, timeout=timeout, what=f"{more} more answers {status}")

    def retry_until_accepted(self, *, timeout: float = 60) -> None:
        """Post every delivery not yet accepted again, as the provider's retries would, until
        each is; fail after ``timeout`` seconds."""

        def all_accepted() -> bool:
            with self._lock:
                waiting = [delivery for delivery in self.deliveries if not delivery.accepted]
            for delivery in waiting:
                self.post(delivery)
            return all(delivery.accepted for delivery in waiting)

        eventually(all_accepted, timeout=timeout, interval=0.5, what="every delivery to be accepted on retry")

    def _run(self) -> None:
        # As a provider does: the next order once this one is accepted, until then this one again.
        delivery = self.new()
        while not self._stop.is_set():
            if 200 <= self.post(delivery) < 300:
                delivery = self.new()
            self._stop.wait(self._interval)


def sales_by_reference(tryton: ErpSettings, references: Iterable[str]) -> Counter[str]:
    """How many sales Tryton holds under each of ``references`` (absent ones: 0)."""
    wanted = sorted(set(references))
    client = TrytonClient.from_settings(tryton)
    try:
        rows = client.call("model.sale.sale.search_read", [["reference", "in", wanted]], 0, None, None, ["reference"])
    finally:
        client.close()
    return Counter(row["reference"] for row in rows)


def shipments_by_reference(tryton: ErpSettings, references: Iterable[str]) -> dict[str, list[str]]:
    """The states of the outgoing shipments of the sale under each of ``references``."""
    client = TrytonClient.from_settings(tryton)
    try:
        sales = client.call(
            "model.sale.sale.search_read",
            [["reference", "in", sorted(set(references))]],
            0,
            None,
            None,
            ["reference", "shipments"],
        )
        found: dict[str, list[str]] = {}
        for sale in sales:
            shipments = client.call("model.stock.shipment.out.read", sale["shipments"], ["state"])
            found[sale["reference"]] = sorted(shipment["state"] for shipment in shipments)
        return found
    finally:
        client.close()
