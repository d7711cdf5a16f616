"""Weir's ERP contract (:class:`erp.adapter.ErpAdapter`) kept by the ERP simulator.

The simulator makes each write idempotent itself, by reference: ``PUT /orders/<reference>``
creates the confirmed sale once and returns the existing one after; updates, cancellations,
fulfillments and returns are changes of that sale (:mod:`simulator.changes`), each applied once.
Every order goes with its money lines (:mod:`erp.money`), so a simulated sale totals what the
channel says, as a Tryton sale does; an order whose total does not reconcile creates no sale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, RootModel

from erp.adapter import Outcome, SaleChange, SaleRecord, refund_reference, sale_reference
from erp.errors import TotalMismatch
from erp.money import MONEY_SKUS, money_lines, require_total
from erp.returns import return_lines
from erp.settings import ErpSettings
from erp.simulator.client import SimulatorClient, segment
from events.cancellation import Cancellation
from events.fulfillment import Fulfillment
from events.order import Customer, Order
from events.refund import Refund
from events.stock import StockLevel

__all__ = ["SimulatorErp", "customer_code"]


def customer_code(channel: str, customer_id: str) -> str:
    """The key of a customer in the simulator: ``<channel>:<customer id>``."""
    return f"{channel}:{customer_id}"


class _Sale(SaleRecord):
    """A sale as the simulator answers it: its id is ``id``, a string of digits."""

    erp_id: int = Field(validation_alias=AliasChoices("id", "erp_id"))


class _Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    sale: _Sale
    outcome: Outcome
    detail: str | None = None


class _Created(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int


class _Levels(RootModel[dict[str, Decimal]]):
    pass


class SimulatorErp:
    """Applies every canonical family to the simulator. Safe to share between worker threads."""

    def __init__(self, client: SimulatorClient) -> None:
        self._client = client

    @classmethod
    def from_settings(cls, settings: ErpSettings, *, transport: httpx.BaseTransport | None = None) -> SimulatorErp:
        """An adapter for the simulator at ``settings.url``; every call goes through ``transport``."""
        return cls(SimulatorClient.from_settings(settings, transport=transport))

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        require_total(order)
        path = f"/orders/{segment(sale_reference(channel, order.id))}"
        return _record(self._client.put(path, _order_body(order), _Sale))

    def update_sale(self, channel: str, order: Order, *, revision: str) -> SaleChange:
        reference = sale_reference(channel, order.id)
        self._require_total_unless_sold(order, reference)
        body = {"revision": revision, "order": _order_body(order)}
        return self._change("PUT", f"/revisions/{segment(reference)}", body)

    def cancel_sale(self, channel: str, cancellation: Cancellation) -> SaleChange:
        reference = sale_reference(channel, cancellation.order_id)
        order = None
        if cancellation.order is not None:
            self._require_total_unless_sold(cancellation.order, reference)
            order = _order_body(cancellation.order)
        return self._change("POST", f"/cancellations/{segment(reference)}", {"order": order})

    def record_refund(self, channel: str, refund: Refund) -> SaleChange:
        order_channel = refund.order_channel or channel
        reference = refund_reference(order_channel, refund.order_id, refund.refund_id)
        # The return is created once, whatever lines a second attempt sends.
        sold_reference = sale_reference(order_channel, refund.order_id)
        sold = self._client.get(f"/orders/{segment(sold_reference)}", _Sale)
        lines = return_lines(refund, sold.lines, sold_reference)
        # As orders carry them: service charges (shipping refunded) go as money beside the goods.
        goods = [line.model_dump(mode="json") for line in lines if line.sku not in MONEY_SKUS]
        money = [
            {
                "sku": line.sku,
                "description": f"Refund {refund.refund_id}",
                "amount": str(line.quantity * line.unit_price),
            }
            for line in lines
            if line.sku in MONEY_SKUS
        ]
        body = {"sale_reference": sold_reference, "lines": goods, "money": money}
        return self._change("PUT", f"/returns/{segment(reference)}", body)

    def fulfill_sale(self, channel: str, fulfillment: Fulfillment) -> SaleChange:
        path = f"/fulfillments/{segment(sale_reference(channel, fulfillment.order_id))}"
        body = fulfillment.model_dump(mode="json", include={"fulfillment_id", "lines"})
        return self._change("POST", path, body)

    def set_stock(self, levels: Sequence[StockLevel]) -> None:
        wanted: dict[str, Decimal] = {}
        for level in levels:
            wanted[level.sku] = wanted.get(level.sku, Decimal(0)) + level.available
        self._client.put("/stock", {"levels": {sku: str(quantity) for sku, quantity in wanted.items()}}, _Levels)

    def stock_of(self, skus: Iterable[str]) -> dict[str, Decimal]:
        return self._client.get("/stock", _Levels, params={"sku": sorted(set(skus))}).root

    def upsert_customer(self, channel: str, customer: Customer) -> int:
        path = f"/customers/{segment(customer_code(channel, customer.id))}"
        return self._client.put(path, customer.model_dump(mode="json"), _Created).id

    def find_sale(self, reference: str) -> SaleRecord | None:
        sale = self._client.find(f"/orders/{segment(reference)}", _Sale)
        return None if sale is None else _record(sale)

    def close(self) -> None:
        self._client.close()

    def _require_total_unless_sold(self, order: Order, reference: str) -> None:
        """Refuse an order that does not reconcile when the simulator would create its sale
        from it; a sale already there keeps its money (an update is compared, a cancellation
        applies)."""
        try:
            require_total(order)
        except TotalMismatch:
            if self.find_sale(reference) is None:
                raise

    def _change(self, method: str, path: str, body: dict[str, Any]) -> SaleChange:
        send = self._client.put if method == "PUT" else self._client.post
        change = send(path, body, _Change)
        return SaleChange(sale=_record(change.sale), outcome=change.outcome, detail=change.detail)


def _order_body(order: Order) -> dict[str, Any]:
    """The canonical order as JSON, with its money lines beside it."""
    money = [
        {"sku": line.sku, "description": line.description, "amount": str(line.amount)} for line in money_lines(order)
    ]
    return {**order.model_dump(mode="json"), "money": money}


def _record(sale: _Sale) -> SaleRecord:
    return SaleRecord.model_validate(sale.model_dump())
