"""New orders' sales written several at a time: one search, one create, one quote, one confirm
and one read for the whole batch (Tryton's methods take lists), each order with its own outcome.

* Idempotency: the batch's references are searched in one call first; an order whose sale exists
  (an earlier attempt was cut short) is resumed on its own, as :meth:`TrytonOrders.resume` does.
* An order the lookups refuse (an unknown SKU, a currency the ERP lacks) is refused alone,
  before anything is written; the others go on.
* A call Tryton refuses for the batch is all-or-nothing (one transaction), so the batch is
  split in halves and each half called again, down to the order that Tryton refuses: only that
  one fails (a create goes through :meth:`TrytonOrders.create_draft`, which tries it once more
  with its products and customer read afresh). A batch of n with one bad order costs about
  2 log2(n) calls more.
* A call that fails for a reason not the orders' own (the ERP down, throttled, the gate closed)
  fails every order not settled yet; their messages come back and resume what was written.

Tryton's ``confirm`` of several sales queues one ``process`` of them all: if processing one of
them fails, all stay confirmed and each is then processed on its own (the bad one fails alone).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from erp.adapter import sale_reference
from erp.errors import ErpError, ErpRejected, ErpTransient, UnknownSku
from erp.money import MONEY_SKUS
from erp.tryton.buyers import Buyer, Wanted
from erp.tryton.catalog import TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from erp.tryton.orders import TrytonOrders
from erp.tryton.parties import party_code
from erp.tryton.sales import TrytonSales
from events.order import Order

__all__ = ["Item", "Outcome", "TrytonBatches"]

logger = logging.getLogger(__name__)

#: An order to apply, with its channel.
Item = tuple[str, Order]
#: A sale as read, or why the order failed.
Outcome = dict[str, Any] | ErpError

T = TypeVar("T")


class TrytonBatches:
    """Applies a batch of new orders as :meth:`TrytonOrders.ensure` applies one."""

    def __init__(self, client: TrytonClient, catalog: TrytonCatalog, orders: TrytonOrders, sales: TrytonSales) -> None:
        self._client = client
        self._catalog = catalog
        self._orders = orders
        self._sales = sales

    def ensure(self, items: Sequence[Item]) -> list[Outcome]:
        """The confirmed sale of each order (or its error), in the order of ``items``."""
        batch = _Batch(items)
        try:
            existing = self._sales.find_many(batch.references)
            for index, reference in enumerate(batch.references):
                if reference in existing:
                    batch.settle(index, _alone(partial(self._orders.resume, existing[reference])))
            created = self._create(batch, self._values(batch, batch.open()))
            self._drive(batch, created)
        except ErpError as exc:
            logger.info("A batch of %d orders stopped at a call that failed for all of them: %s", len(items), exc)
            for index in batch.open():
                batch.settle(index, copy.copy(exc))
        return batch.outcomes()

    def _values(self, batch: _Batch, new: list[int]) -> dict[int, dict[str, Any]]:
        """The create values of each new order the lookups accept; the others are settled."""
        missing: frozenset[str] = frozenset()
        try:
            self._catalog.sold(MONEY_SKUS.union(*(batch.order(index).skus for index in new)))
        except UnknownSku as exc:
            missing = frozenset(exc.skus)
        accepted = []
        for index in new:
            order = batch.order(index)
            if unknown := order.skus & missing:
                batch.settle(index, UnknownSku(unknown))
            elif isinstance(refused := _alone(partial(self._catalog.currency, order.currency)), ErpError):
                batch.settle(index, refused)
            else:
                accepted.append(index)
        buyers = self._buyers(batch, accepted)
        return {
            index: self._orders.values(batch.channel(index), batch.order(index), batch.references[index], buyer)
            for index, buyer in buyers.items()
        }

    def _buyers(self, batch: _Batch, indexes: list[int]) -> dict[int, Buyer]:
        wanted = [Wanted.of(party_code(batch.channel(i), batch.order(i).customer.id), batch.order(i)) for i in indexes]
        try:
            return dict(zip(indexes, self._orders.buyers.of(wanted), strict=True))
        except ErpRejected:
            # One customer Tryton refuses: each on its own, to refuse only its orders.
            found = {}
            for index, item in zip(indexes, wanted, strict=True):
                outcome = _alone(partial(self._buyer, item))
                if isinstance(outcome, ErpError):
                    batch.settle(index, outcome)
                else:
                    found[index] = outcome
            return found

    def _buyer(self, wanted: Wanted) -> Buyer:
        (buyer,) = self._orders.buyers.of([wanted])
        return buyer

    def _create(self, batch: _Batch, values: dict[int, dict[str, Any]]) -> dict[int, int]:
        """Create the draft sales, halving the batch down to the orders Tryton refuses."""
        group = list(values)
        if len(group) == 1:
            return self._create_alone(batch, group[0])
        if not group:
            return {}
        try:
            created = self._client.call("model.sale.sale.create", [values[index] for index in group])
        except ErpRejected:
            half = len(group) // 2
            return {
                **self._create(batch, {index: values[index] for index in group[:half]}),
                **self._create(batch, {index: values[index] for index in group[half:]}),
            }
        logger.info("Created Tryton sales %s for %s.", created, ", ".join(batch.references[index] for index in group))
        return dict(zip(group, (int(sale_id) for sale_id in created), strict=True))

    def _create_alone(self, batch: _Batch, index: int) -> dict[int, int]:
        channel, order, reference = batch.channel(index), batch.order(index), batch.references[index]
        try:
            return {index: self._orders.create_draft(channel, order, reference)}
        except DuplicateKey:
            batch.settle(index, _alone(partial(self._orders.lost_race, reference)))
        except ErpRejected as exc:
            batch.settle(index, exc)
        return {}

    def _drive(self, batch: _Batch, created: dict[int, int]) -> None:
        """Quote, confirm and read the new sales; each one left unsettled is driven on alone."""
        refused = self._each("quote", list(created.values()))
        refused.update(self._each("confirm", [sale for sale in created.values() if sale not in refused]))
        sales = self._sales.read_many(list(created.values()))
        for index, sale_id in created.items():
            if sale_id in refused:
                batch.settle(index, _refused(sales[sale_id], refused[sale_id], self._sales))
            else:
                batch.settle(index, _alone(partial(self._sales.drive, sales[sale_id])))

    def _each(self, method: str, sale_ids: list[int]) -> dict[int, _Refusal]:
        """Call ``method`` on the sales, halving them down to those Tryton refuses it for (each
        with its state when called, to tell a refusal from another worker's move)."""
        if not sale_ids:
            return {}
        try:
            self._client.call(f"model.sale.sale.{method}", sale_ids)
        except ErpRejected as exc:
            if len(sale_ids) == 1:
                return {sale_ids[0]: _Refusal(exc, _BEFORE[method])}
            half = len(sale_ids) // 2
            return {**self._each(method, sale_ids[:half]), **self._each(method, sale_ids[half:])}
        return {}


#: The state each batched call expects the sales in.
_BEFORE = {"quote": "draft", "confirm": "quotation"}


@dataclass(frozen=True)
class _Refusal:
    """Tryton's refusal to move one sale on, and the state the batched call expected it in."""

    error: ErpRejected
    before: str


def _refused(sale: dict[str, Any], refusal: _Refusal, sales: TrytonSales) -> Outcome:
    """A sale's outcome after Tryton refused to move it on: the refusal, unless another worker
    moved the sale meanwhile (two copies of one order applied at once): then the sale if it is
    settled, or else an ErpTransient to come back once it is."""
    if sale["state"] == refusal.before:
        return refusal.error
    return _alone(partial(sales.settled_or_busy, sale))


class _Batch:
    """The items of a batch and the outcome of each, as far as it got."""

    def __init__(self, items: Sequence[Item]) -> None:
        self._items = list(items)
        self.references = [sale_reference(channel, order.id) for channel, order in items]
        self._outcomes: list[Outcome | None] = [None] * len(items)

    def channel(self, index: int) -> str:
        return self._items[index][0]

    def order(self, index: int) -> Order:
        return self._items[index][1]

    def open(self) -> list[int]:
        """The indexes of the orders without an outcome yet."""
        return [index for index, outcome in enumerate(self._outcomes) if outcome is None]

    def settle(self, index: int, outcome: Outcome) -> None:
        self._outcomes[index] = outcome

    def outcomes(self) -> list[Outcome]:
        return [outcome if outcome is not None else _unsettled() for outcome in self._outcomes]


def _alone(write: Callable[[], T]) -> T | ErpError:
    """What ``write`` returns, or the ERP error it raised (one order's own outcome)."""
    try:
        return write()
    except ErpError as exc:
        return exc


def _unsettled() -> ErpError:
    return ErpTransient("the batch ended without an outcome for this order")
