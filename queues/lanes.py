"""Lanes: the three priority classes events travel in, each its own queue and worker pool."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Lane"]


class Lane(StrEnum):
    """Orders and money go ``critical``; customers and fulfilment ``standard``; catalogue ``bulk``."""

    CRITICAL = "critical"
    STANDARD = "standard"
    BULK = "bulk"
