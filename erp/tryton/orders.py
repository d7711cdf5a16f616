"""Channel orders as Tryton sales: created once under their reference, from the canonical order.

A unique index on ``sale.reference`` (added by provisioning) makes a concurrent second create
fail, so the same order applied twice, or by two workers, leaves one sale. Every lookup that
can refuse the order (SKUs, currency) runs before the first write, so a refused order leaves
nothing behind, not even its customer.

A new order costs five calls once its products and customer are known (search, create with
its lines, quote, confirm, read back): products, currencies and parties are kept between
orders (:mod:`.catalog`, :mod:`.buyers`). A sale Tryton refuses is tried once more with them
read afresh, in case one changed in Tryton since it was kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from erp.errors import ErpRejected, ErpTransient
from erp.money import MONEY_SKUS
from erp.tryton.buyers import Buyer, TrytonBuyers, Wanted
from erp.tryton.catalog import Product, TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from erp.tryton.money import money_values
from erp.tryton.parties import TrytonParties, party_code
from erp.tryton.sales import TrytonSales, last_written
from events.order import Order

__all__ = ["TrytonOrders", "line_values"]

logger = logging.getLogger(__name__)


class TrytonOrders:
    """Creates the sale of an order, and the values Tryton needs for it."""

    def __init__(
        self,
        client: TrytonClient,
        catalog: TrytonCatalog,
        parties: TrytonParties,
        sales: TrytonSales,
        *,
        resume_after_seconds: float = 0.0,
    ) -> None:
        self._client = client
        self._resume_after = dt.timedelta(seconds=resume_after_seconds)
        self._catalog = catalog
        self._parties = parties
        self._buyers = TrytonBuyers(client, parties)
        self._sales = sales

    def ensure(self, channel: str, order: Order, reference: str) -> dict[str, Any]:
        """The confirmed sale of ``order``, created unless it exists (a sale cancelled before it
        was confirmed stays as it is); as read afterwards."""
        sale = self._sales.find(reference)
        if sale is not None:
            return self.resume(sale)
        try:
            sale_id = self.create_draft(channel, order, reference)
        except DuplicateKey:
            return self.lost_race(reference)
        # A sale just created is a draft: quote it without reading it first.
        return self._sales.drive({"id": sale_id, "reference": reference, "state": "draft"})

    def resume(self, sale: dict[str, Any]) -> dict[str, Any]:
        """Drive on a sale an earlier attempt left (a sale cancelled first stays as it is).

        Raises:
            ErpTransient: the sale is not settled and was written less than
                ``resume_after_seconds`` ago: the worker that wrote it may still be moving it on.
        """
        if sale["state"] == "cancelled":
            # The order's cancellation came first (channels deliver out of order): it stands.
            logger.info("Tryton sale %s (%s) is cancelled already; leaving it.", sale["id"], sale["reference"])
            return sale
        if _utc_now() - last_written(sale) < self._resume_after:
            return self._sales.settled_or_busy(sale)
        logger.info("Tryton sale %s already holds %s; resuming it at %s.", sale["id"], sale["reference"], sale["state"])
        return self._sales.drive(sale)

    def create(self, channel: str, order: Order, reference: str) -> dict[str, Any]:
        """Create the draft sale and read it; if another worker just did, see :meth:`lost_race`.

        Raises:
            UnknownSku: before anything is written.
            ErpRejected: the ERP has no such currency.
        """
        try:
            sale_id = self.create_draft(channel, order, reference)
        except DuplicateKey:
            return self.lost_race(reference)
        return self._sales.read(sale_id)

    def values(self, channel: str, order: Order, reference: str, buyer: Buyer | None = None) -> dict[str, Any]:
        """The draft sale of ``order`` in Tryton's create syntax, its lines included.

        ``buyer`` is the order's party and addresses when the caller found them already.

        Raises:
            UnknownSku: before anything is written.
            ErpRejected: the ERP has no such currency.
        """
        products = self._catalog.sold(order.skus | MONEY_SKUS)
        currency = self._catalog.currency(order.currency)
        if buyer is None:
            (buyer,) = self._buyers.of([Wanted.of(party_code(channel, order.customer.id), order)])
        return {
            "party": buyer.party,
            "invoice_address": buyer.invoice_address,
            "shipment_address": buyer.shipment_address,
            **self._identity(order, reference, currency),
            "lines": [["create", line_values(order, products)]],
        }

    def forget(self, channel: str, order: Order) -> None:
        """Read the order's products and customer afresh next time (Tryton refused its sale)."""
        self._catalog.forget(order.skus)
        self._buyers.forget([party_code(channel, order.customer.id)])

    @property
    def buyers(self) -> TrytonBuyers:
        return self._buyers

    def create_draft(self, channel: str, order: Order, reference: str) -> int:
        """Create the draft sale; once more with fresh lookups if Tryton refuses it."""
        values = self.values(channel, order, reference)
        try:
            sale_id = self._sales.create(values)
        except DuplicateKey:
            raise
        except ErpRejected as refused:
            logger.info("Tryton refused sale %s (%s); trying once more with its products and customer read afresh.",
                        reference, refused)  # fmt: skip
            self.forget(channel, order)
            sale_id = self._sales.create(self.values(channel, order, reference))
        logger.info("Created Tryton sale %s for %s order %s (reference %s).", sale_id, channel, order.id, reference)
        return sale_id

    def header(self, order: Order, party: int) -> dict[str, Any]:
        """The party and addresses of the sale of ``order`` (addresses created if missing)."""
        # RPC create runs no on_change: addresses, units and prices must all be given.
        shipping = order.shipping_address or order.customer.address or order.billing_address
        return {
            "party": party,
            "invoice_address": self._parties.address(party, order.billing_address or shipping),
            "shipment_address": self._parties.address(party, shipping),
        }

    def _identity(self, order: Order, reference: str, currency: int) -> dict[str, Any]:
        values: dict[str, Any] = {
            "company": self._client.context["company"],
            "currency": currency,
            "reference": reference,
            "description": order.number or order.id,
        }
        if order.placed_at is not None:
            values["sale_date"] = order.placed_at.date()
        return values

    def lost_race(self, reference: str) -> dict[str, Any]:
        """Another worker created the sale between our search and our create: use theirs."""
        existing = self._sales.find(reference)
        if existing is None:
            raise ErpTransient(f"sale {reference} is a duplicate, yet cannot be found")
        logger.info("Tryton sale %s for %s was created by another worker.", existing["id"], reference)
        return self._sales.settled_or_busy(existing)


def _utc_now() -> dt.datetime:
    """Now, naive in UTC, as Tryton writes its timestamps."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def line_values(order: Order, products: dict[str, Product]) -> list[dict[str, Any]]:
    """The sale lines of ``order``, in Tryton's create syntax: its goods, then its money."""
    goods = [
        {
            "type": "line",
            "product": products[line.sku].id,
            "unit": products[line.sku].unit,
            # Tryton stores quantities as floats; prices stay Decimal (sent as tagged text).
            "quantity": float(line.quantity),
            "unit_price": line.unit_price,
        }
        for line in order.lines
    ]
    return goods + money_values(order, products)
