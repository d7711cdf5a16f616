"""Builders of canonical orders for the Tryton tests, unique per call (the server is shared)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from events.order import Address, Customer, Order, OrderLine

CHANNEL = "test"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def customer(**overrides: Any) -> Customer:
    values: dict[str, Any] = {
        "id": unique("cust"),
        "name": "Jane Doe",
        "email": "jane@example.com",
        "address": Address(street="5 Elm St", city="Springfield", postal_code="12345", country_code="US"),
    }
    return Customer(**{**values, **overrides})


def order(*lines: tuple[str, str, str], **overrides: Any) -> Order:
    """An order of ``(sku, quantity, unit price)`` lines, two lines by default."""
    lines = lines or (("SKU-0001", "2", "11.00"), ("SKU-0002", "1", "12.50"))
    values: dict[str, Any] = {
        "id": unique("order"),
        "number": "#1001",
        "currency": "USD",
        "customer": customer(),
        "lines": tuple(
            OrderLine(sku=sku, quantity=Decimal(quantity), unit_price=Decimal(price)) for sku, quantity, price in lines
        ),
    }
    return Order(**{**values, **overrides})
