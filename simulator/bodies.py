"""The JSON bodies the simulated ERP accepts. Only what it uses is read; the rest is ignored.

``PUT /orders/{reference}`` takes Weir's canonical order (``events.order.Order`` as JSON), of
which the simulator reads the lines, and beside them ``money``: the sale's other lines
(discounts, shipping, fees, taxes) as the client worked them out, each ``{"sku", "description",
"amount"}``. Amounts and quantities are decimal strings (numbers pass).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.requests import Request
from starlette.responses import Response

from simulator.answers import json_response

__all__ = [
    "CancelBody",
    "CustomerBody",
    "FulfillmentBody",
    "InvalidBody",
    "LevelsBody",
    "LineBody",
    "MoneyBody",
    "OrderBody",
    "RefundBody",
    "ReturnBody",
    "RevisionBody",
    "StockBody",
    "invalid_body",
    "read_body",
]

B = TypeVar("B", bound=BaseModel)


class InvalidBody(Exception):
    """The body is not JSON, or not what the route takes; ``errors`` says why (pydantic's list)."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error))
        self.errors = error.errors(include_url=False, include_context=False, include_input=False)


async def read_body(request: Request, model: type[B]) -> B:
    """The request's JSON body as ``model``. Raises :class:`InvalidBody`."""
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        raise InvalidBody(exc) from exc


async def invalid_body(request: Request, exc: InvalidBody) -> Response:
    """The answer to :class:`InvalidBody`: 422 ``invalid_body``, pydantic's errors as ``detail``."""
    return json_response({"error": "invalid_body", "message": "the body is not valid", "detail": exc.errors}, 422)


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class LineBody(_Body):
    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)
    unit_price: Decimal = Field(ge=0)


class MoneyBody(_Body):
    """A line of quantity 1 beside the goods: a discount (negative), shipping, a fee, a tax."""

    sku: str = Field(min_length=1)
    description: str = ""
    amount: Decimal


class OrderBody(_Body):
    lines: tuple[LineBody, ...] = Field(min_length=1)
    money: tuple[MoneyBody, ...] = ()


class CustomerBody(_Body):
    """A customer; every field sent is kept as sent."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class StockBody(_Body):
    quantity: Decimal


class RefundBody(_Body):
    """A refund; kept as sent."""

    model_config = ConfigDict(frozen=True, extra="allow")

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RevisionBody(_Body):
    """An order's update: the order as it now stands, and the update's identity."""

    revision: str = Field(min_length=1)
    order: OrderBody


class CancelBody(_Body):
    """A cancellation; ``order``, when given, creates the (cancelled) sale if it is missing."""

    order: OrderBody | None = None


class ShippedBody(_Body):
    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)


class FulfillmentBody(_Body):
    """Units shipped; no lines means the whole sale."""

    fulfillment_id: str = Field(min_length=1)
    lines: tuple[ShippedBody, ...] = ()


class ReturnLineBody(_Body):
    """A return's line: negative quantities; an empty SKU credits money alone."""

    sku: str
    quantity: Decimal
    unit_price: Decimal


class ReturnBody(_Body):
    """A return sale of the sale ``sale_reference``; ``money`` gives service charges back
    (shipping refunded, at a negative amount)."""

    sale_reference: str = Field(min_length=1)
    lines: tuple[ReturnLineBody, ...] = ()
    money: tuple[MoneyBody, ...] = ()

    @model_validator(mode="after")
    def _returns_something(self) -> ReturnBody:
        if not self.lines and not self.money:
            raise ValueError("a return needs lines or money")
        return self


class LevelsBody(_Body):
    """Stock levels by SKU, set together or not at all."""

    levels: dict[str, Decimal] = Field(min_length=1)
