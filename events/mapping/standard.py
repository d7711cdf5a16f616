"""Standard Webhooks payloads from in-house systems: ``data`` is already Weir's canonical JSON.

``{"type": "order.created", "timestamp": "...", "data": <Order as JSON>}``; the JSON Schema of
each model is what those systems write.
"""

from __future__ import annotations

from typing import Any

from events.mapping.fields import mapping
from events.order import Customer, Order

__all__ = ["standard_customer", "standard_order"]


def standard_order(payload: dict[str, Any]) -> Order:
    """The order in ``data``. Raises ``pydantic.ValidationError`` when it is not one."""
    return Order.model_validate(mapping(payload.get("data"), "data"))


def standard_customer(payload: dict[str, Any]) -> Customer:
    """The customer in ``data``. Raises ``pydantic.ValidationError`` when it is not one."""
    return Customer.model_validate(mapping(payload.get("data"), "data"))
