"""Weir's ERP contract (:class:`erp.adapter.ErpAdapter`) kept by the ERP simulator.

The simulator makes each write idempotent itself: ``PUT /orders/<reference>`` creates the
confirmed sale once and returns the existing one after, so an order applied twice, or by two
workers at once, leaves one sale.
"""

from __future__ import annotations

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from erp.adapter import SaleRecord, sale_reference
from erp.settings import ErpSettings
from erp.simulator.client import SimulatorClient, segment
from events.order import Customer, Order

__all__ = ["SimulatorErp", "customer_code"]


def customer_code(channel: str, customer_id: str) -> str:
    """The key of a customer in the simulator: ``<channel>:<customer id>``."""
    return f"{channel}:{customer_id}"


class _Sale(SaleRecord):
    """A sale as the simulator answers it: its id is ``id``, a string of digits."""

    erp_id: int = Field(validation_alias=AliasChoices("id", "erp_id"))


class _Created(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int


class SimulatorErp:
    """Applies orders and customers to the simulator. Safe to share between worker threads."""

    def __init__(self, client: SimulatorClient) -> None:
        self._client = client

    @classmethod
    def from_settings(cls, settings: ErpSettings, *, transport: httpx.BaseTransport | None = None) -> SimulatorErp:
        """An adapter for the simulator at ``settings.url``; every call goes through ``transport``."""
        return cls(SimulatorClient.from_settings(settings, transport=transport))

    def ensure_sale(self, channel: str, order: Order) -> SaleRecord:
        path = f"/orders/{segment(sale_reference(channel, order.id))}"
        return _record(self._client.put(path, order.model_dump(mode="json"), _Sale))

    def upsert_customer(self, channel: str, customer: Customer) -> int:
        path = f"/customers/{segment(customer_code(channel, customer.id))}"
        return self._client.put(path, customer.model_dump(mode="json"), _Created).id

    def find_sale(self, reference: str) -> SaleRecord | None:
        sale = self._client.find(f"/orders/{segment(reference)}", _Sale)
        return None if sale is None else _record(sale)

    def close(self) -> None:
        self._client.close()


def _record(sale: _Sale) -> SaleRecord:
    return SaleRecord.model_validate(sale.model_dump())
