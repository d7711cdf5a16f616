"""Fulfillments in Tryton: a sale's customer shipment processed (assigned, picked, packed, done).

Tryton ships a shipment whole, so a fulfillment covering every unit the sale still has to ship
processes it; one covering only part of it is recorded on the sale for a person to split the
shipment. Stock the channel says left is taken even when Tryton counts too little on hand
(``assign_force``): the goods are gone, and the stock figure follows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from erp.adapter import SaleChange
from erp.errors import ErpRejected, ErpTransient, SaleMissing
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.notes import TrytonNotes
from erp.tryton.sales import TrytonSales, to_record
from events.fulfillment import Fulfillment

__all__ = ["TrytonShipments"]

logger = logging.getLogger(__name__)

_MODEL = "model.stock.shipment.out"
# Each state's next step on the way to done.
_NEXT = {"waiting": "assign_try", "assigned": "pick", "picked": "pack", "packed": "do", "shipped": "do"}


class TrytonShipments:
    """Ships sales."""

    def __init__(self, client: TrytonClient, catalog: TrytonCatalog, notes: TrytonNotes) -> None:
        self._client = client
        self._catalog = catalog
        self._sales = TrytonSales(client)
        self._notes = notes

    def fulfill(self, fulfillment: Fulfillment, reference: str) -> SaleChange:
        """Process the shipment of the sale of ``reference`` (see :meth:`ErpAdapter.fulfill_sale`)."""
        sale = self._sales.find(reference)
        if sale is None:
            raise SaleMissing(f"sale {reference} is not in the ERP yet; its fulfillment waits for it")
        self._check(fulfillment, sale)
        record = to_record(sale)
        if record.shipped:
            return SaleChange(sale=record, outcome="unchanged")
        if record.cancelled:
            return self._record(sale, fulfillment, "the channel shipped an order whose sale is cancelled")
        if fulfillment.lines and _units(fulfillment) != _ordered(sale):
            return self._record(sale, fulfillment, f"the channel shipped part of the order: {_describe(fulfillment)}")
        sale = self._sales.drive(sale)
        try:
            for shipment in sale["shipments."]:
                self._ship(shipment["id"], shipment["state"])
        except ErpRejected as exc:
            return self._raced(sale, fulfillment, exc)
        logger.info("Shipped Tryton sale %s (%s): fulfillment %s.", sale["id"], reference, fulfillment.fulfillment_id)
        return SaleChange(sale=to_record(self._sales.read(sale["id"])), outcome="shipped")

    def _raced(self, sale: dict[str, Any], fulfillment: Fulfillment, refusal: ErpRejected) -> SaleChange:
        """After Tryton refused a step of the shipment: ``unchanged`` if another worker shipped
        the sale meanwhile (two copies of one fulfillment applied at once, as when Redis is away
        and entity locks hold only within each process).

        Raises:
            ErpTransient: the shipments moved on since this worker read them: another worker is
                shipping the sale right now; a retry finds it shipped or goes on from there.
            ErpRejected: ``refusal``, when nothing else moved the shipments.
        """
        current = self._sales.read(sale["id"])
        record = to_record(current)
        if record.shipped:
            logger.info(
                "Tryton sale %s (%s) was shipped by another worker meanwhile: fulfillment %s.",
                sale["id"],
                sale["reference"],
                fulfillment.fulfillment_id,
            )
            return SaleChange(sale=record, outcome="unchanged")
        if _states(current) != _states(sale):
            raise ErpTransient(f"sale {sale['reference']} is being shipped by another worker ({refusal})") from refusal
        raise refusal

    def _check(self, fulfillment: Fulfillment, sale: dict[str, Any]) -> None:
        """Refuse SKUs the catalogue or the sale lacks, before anything is written."""
        self._catalog.products(fulfillment.skus)
        foreign = fulfillment.skus - _ordered(sale).keys()
        if foreign:
            skus = ", ".join(sorted(foreign))
            raise ErpRejected(f"fulfillment {fulfillment.fulfillment_id} ships {skus}, which {sale['reference']} lacks")

    def _ship(self, shipment_id: int, state: str) -> None:
        while state in _NEXT:
            self._client.call(f"{_MODEL}.{_NEXT[state]}", [shipment_id])
            (read,) = self._client.call(f"{_MODEL}.read", [shipment_id], ["state"])
            if read["state"] == state == "waiting":
                # Too little on hand for Tryton: the channel says the goods left anyway.
                self._client.call(f"{_MODEL}.assign_force", [shipment_id])
                (read,) = self._client.call(f"{_MODEL}.read", [shipment_id], ["state"])
            if read["state"] == state:
                raise ErpRejected(f"Tryton shipment {shipment_id} stays {state} after {_NEXT[state]}")
            state = read["state"]

    def _record(self, sale: dict[str, Any], fulfillment: Fulfillment, detail: str) -> SaleChange:
        self._notes.record(sale["id"], f"fulfillment {fulfillment.fulfillment_id}", detail)
        return SaleChange(sale=to_record(sale, self._notes.of(sale["id"])), outcome="exception", detail=detail)


def _states(sale: dict[str, Any]) -> list[tuple[int, str]]:
    return sorted((shipment["id"], shipment["state"]) for shipment in sale["shipments."])


def _ordered(sale: dict[str, Any]) -> dict[str, Decimal]:
    return _totals((line.sku, line.quantity) for line in to_record(sale).lines)


def _units(fulfillment: Fulfillment) -> dict[str, Decimal]:
    return _totals((line.sku, line.quantity) for line in fulfillment.lines)


def _totals(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for sku, quantity in pairs:
        totals[sku] = totals.get(sku, Decimal(0)) + quantity
    return totals


def _describe(fulfillment: Fulfillment) -> str:
    return ", ".join(f"{line.sku} x{line.quantity}" for line in fulfillment.lines)
