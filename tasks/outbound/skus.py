"""What a channel calls a SKU (its product, variant or variation id), found once and kept.

    >>> ids = SkuIds(find=lambda sku: api.variant_id(sku))
    >>> ids.write("SKU-0001", lambda variant_id: api.set_level(variant_id, 5))

A stock write then takes one call instead of two. A kept id the channel refuses (the product was
deleted and made again, so its id changed) is forgotten and found again, once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from tasks.errors import ChannelApiRejected

__all__ = ["SkuIds"]

Id = TypeVar("Id")


class SkuIds(Generic[Id]):
    """The ids ``find`` gives for SKUs, the ``size`` most recently used kept. Safe to share
    between threads."""

    def __init__(self, find: Callable[[str], Id], *, size: int = 10_000) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self._find = find
        self._size = size
        self._kept: OrderedDict[str, Id] = OrderedDict()
        self._lock = threading.Lock()

    def write(self, sku: str, write: Callable[[Id], None]) -> None:
        """``write(id)`` with ``sku``'s id: the kept one, or a newly found one when none is kept
        or the kept one is refused. Raises what ``find`` and ``write`` raise."""
        with self._lock:
            kept = self._kept.get(sku)
        if kept is not None:
            try:
                write(kept)
            except ChannelApiRejected:
                self._forget(sku, kept)
            else:
                return
        found = self._find(sku)
        self._keep(sku, found)
        write(found)

    def _keep(self, sku: str, found: Id) -> None:
        with self._lock:
            self._kept[sku] = found
            self._kept.move_to_end(sku)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def _forget(self, sku: str, stale: Id) -> None:
        with self._lock:
            if self._kept.get(sku) == stale:
                del self._kept[sku]
