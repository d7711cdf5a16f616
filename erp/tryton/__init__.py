"""Tryton as Weir's ERP: a JSON-RPC client, the adapter, and (in ``local``) the embedded server."""

from erp.tryton.adapter import TrytonErp
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey

__all__ = ["DuplicateKey", "TrytonClient", "TrytonErp"]
