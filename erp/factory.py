"""Builds the ERP adapter that configuration names."""

from __future__ import annotations

from erp.adapter import ErpAdapter
from erp.settings import ErpSettings

__all__ = ["build_erp"]


def build_erp(settings: ErpSettings) -> ErpAdapter:
    """The adapter for ``settings.kind``; it connects lazily, on its first call."""
    from erp.tryton.adapter import TrytonErp

    return TrytonErp.from_settings(settings)
