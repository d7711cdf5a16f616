"""ERP adapters: canonical events in, ERP calls out, every failure classified once, here."""

from erp.adapter import ErpAdapter, SaleChange, SaleLine, SaleRecord, refund_reference, sale_reference
from erp.errors import (
    ErpError,
    ErpRejected,
    ErpThrottled,
    ErpTransient,
    ErpUnavailable,
    SaleMissing,
    TotalMismatch,
    UnknownSku,
)
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
    "SaleChange",
    "SaleLine",
    "SaleMissing",
    "SaleRecord",
    "TotalMismatch",
    "UnknownSku",
    "build_erp",
    "refund_reference",
    "sale_reference",
]
