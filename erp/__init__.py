"""ERP adapters: canonical events in, ERP calls out, every failure classified once, here."""

from erp.adapter import ErpAdapter, SaleLine, SaleRecord, sale_reference
from erp.errors import ErpError, ErpRejected, ErpThrottled, ErpTransient, ErpUnavailable, UnknownSku
from erp.factory import build_erp
from erp.settings import ErpSettings

__all__ = [
    "ErpAdapter",
    "ErpError",
    "ErpRejected",
    "ErpSettings",
    "ErpThrottled",
    "ErpTransient",
    "ErpUnavailable",
    "SaleLine",
    "SaleRecord",
    "UnknownSku",
    "build_erp",
    "sale_reference",
]
