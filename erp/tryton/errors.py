"""Tryton-specific refinements of :mod:`erp.errors`::

    ErpRejected
    └── DuplicateKey    a unique constraint refused a create: the record already exists

``DuplicateKey`` stays permanent for anyone who does not know Tryton; the adapter catches it to
turn a lost creation race into "someone else created it, use theirs".
"""

from __future__ import annotations

from erp.errors import ErpRejected

__all__ = ["DuplicateKey"]


class DuplicateKey(ErpRejected):
    """A create broke a unique constraint (the sale reference index, the party code, ...)."""
