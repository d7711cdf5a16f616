"""The simulated ERP's own API: sales, customers, stock and refunds, in JSON.

============================================  ===============================================
``PUT /orders/{reference}``                   body: a canonical order. Creates the confirmed sale
                                              once: 201 when created, 200 when it existed (the
                                              body is then ignored). Every such PUT counts as a
                                              write of ``reference``. 422 ``unknown_sku`` (with
                                              ``skus``) stores nothing.
``GET /orders/{reference}``                   the sale, or 404.
``PUT /customers/{code}``                     body: a canonical customer. Upsert; 200 ``{"id"}``.
``PUT /stock/{sku}``                          body ``{"quantity": "<decimal>"}``; 200, or 422.
``POST /refunds/{reference}/{refund_id}``     any JSON object; 201 once, then 200 with the same
                                              refund; 404 if the sale does not exist.
``PUT /revisions/{reference}``                body ``{"revision", "order"}``: an order's update
                                              (see :mod:`simulator.changes`); creates the sale
                                              if missing.
``POST /cancellations/{reference}``           body ``{"order"?}``: cancels the sale; 404 when
                                              it is missing and no order is given.
``POST /fulfillments/{reference}``            body ``{"fulfillment_id", "lines"}``: ships it.
``PUT /returns/{reference}``                  body ``{"sale_reference", "lines", "money"}``: a
                                              return sale (negative quantities; shipping given
                                              back as money) created once; kept
                                              apart from the sales (not counted as an order).
``PUT /stock``                                body ``{"levels": {sku: quantity}}``: all or none.
``GET /stock?sku=...``                        ``{sku: quantity}`` (0 for a SKU never set).
============================================  ===============================================

A change answers ``{"sale", "outcome", "detail"}``. A missing sale is 404 ``no_sale``.

A sale is ``{"id", "reference", "number", "state", "total", "lines": [{"sku", "quantity",
"unit_price"}], "money": [{"sku", "quantity", "unit_price", "description"}], "cancelled",
"shipped", "exceptions"}``: ``money`` are the order's discounts, shipping, fees and taxes as the
order's ``money`` gave them, and ``total`` adds up both kinds of line. Ids are strings of digits,
amounts decimal strings. A body that is not valid gets 422 ``invalid_body``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.answers import json_response
from simulator.bodies import (
    CancelBody,
    CustomerBody,
    FulfillmentBody,
    InvalidBody,
    LevelsBody,
    OrderBody,
    RefundBody,
    ReturnBody,
    RevisionBody,
    StockBody,
    invalid_body,
    read_body,
)
from simulator.changes import SaleChanges
from simulator.state import ErpState, NoSuchSale, UnknownSkus
from simulator.stats import Stats

__all__ = ["ErpApi"]


class ErpApi:
    """The ERP routes over ``state``; order writes are counted in ``stats``."""

    def __init__(self, state: ErpState, stats: Stats) -> None:
        self._state = state
        self._stats = stats
        self._changes = SaleChanges(state)

    def app(self) -> Starlette:
        # ``:path`` keeps references that hold an (escaped) slash in one parameter.
        routes = [
            Route("/orders/{reference:path}", self.put_order, methods=["PUT"]),
            Route("/orders/{reference:path}", self.get_order, methods=["GET"]),
            Route("/customers/{code:path}", self.put_customer, methods=["PUT"]),
            Route("/stock/{sku:path}", self.put_stock, methods=["PUT"]),
            Route("/refunds/{reference:path}/{refund_id}", self.post_refund, methods=["POST"]),
            Route("/revisions/{reference:path}", self.put_revision, methods=["PUT"]),
            Route("/cancellations/{reference:path}", self.post_cancellation, methods=["POST"]),
            Route("/fulfillments/{reference:path}", self.post_fulfillment, methods=["POST"]),
            Route("/returns/{reference:path}", self.put_return, methods=["PUT"]),
            Route("/stock", self.put_levels, methods=["PUT"]),
            Route("/stock", self.get_levels, methods=["GET"]),
        ]
        handlers = {InvalidBody: invalid_body, UnknownSkus: _unknown_skus, NoSuchSale: _no_such_sale}
        return Starlette(routes=routes, exception_handlers=handlers)  # type: ignore[arg-type]

    async def put_order(self, request: Request) -> Response:
        reference = request.path_params["reference"]
        order = await read_body(request, OrderBody)
        self._stats.wrote(reference)
        sale, created = self._state.ensure_sale(reference, order)
        return json_response(sale, 201 if created else 200)

    async def get_order(self, request: Request) -> Response:
        sale = self._state.sales.get(request.path_params["reference"])
        if sale is None:
            raise NoSuchSale(request.path_params["reference"])
        return json_response(sale)

    async def put_customer(self, request: Request) -> Response:
        customer = await read_body(request, CustomerBody)
        return json_response({"id": self._state.upsert_customer(request.path_params["code"], customer)})

    async def put_stock(self, request: Request) -> Response:
        sku = request.path_params["sku"]
        self._state.set_stock(sku, (await read_body(request, StockBody)).quantity)
        return json_response({"sku": sku, "quantity": self._state.stock[sku]})

    async def post_refund(self, request: Request) -> Response:
        fields = (await read_body(request, RefundBody)).fields()
        params = request.path_params
        refund, created = self._state.ensure_refund(params["reference"], params["refund_id"], fields)
        return json_response(refund, 201 if created else 200)

    async def put_revision(self, request: Request) -> Response:
        body = await read_body(request, RevisionBody)
        self._stats.wrote(request.path_params["reference"])
        return json_response(self._changes.revise(request.path_params["reference"], body))

    async def post_cancellation(self, request: Request) -> Response:
        body = await read_body(request, CancelBody)
        return json_response(self._changes.cancel(request.path_params["reference"], body))

    async def post_fulfillment(self, request: Request) -> Response:
        body = await read_body(request, FulfillmentBody)
        return json_response(self._changes.fulfill(request.path_params["reference"], body))

    async def put_return(self, request: Request) -> Response:
        body = await read_body(request, ReturnBody)
        return json_response(self._changes.record_return(request.path_params["reference"], body))

    async def put_levels(self, request: Request) -> Response:
        levels = (await read_body(request, LevelsBody)).levels
        self._state.check_skus(levels)
        for sku, quantity in levels.items():
            self._state.set_stock(sku, quantity)
        return json_response({sku: self._state.stock[sku] for sku in levels})

    async def get_levels(self, request: Request) -> Response:
        skus = request.query_params.getlist("sku")
        return json_response({sku: self._state.stock.get(sku, "0") for sku in skus})


async def _unknown_skus(request: Request, exc: UnknownSkus) -> Response:
    return json_response({"error": "unknown_sku", "message": str(exc), "skus": exc.skus}, 422)


async def _no_such_sale(request: Request, exc: NoSuchSale) -> Response:
    return json_response({"error": "no_sale", "message": f"no sale has the reference {exc}"}, 404)
