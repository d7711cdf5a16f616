"""A bounded, thread-safe map of what Weir last read from Tryton, least recently used out first.

The adapter keeps reference data here (product ids by SKU, parties by code) so an order does not
read it again; whoever reads a value from it must also :meth:`Memo.forget` it when Tryton refuses
a write that used it, so the next attempt reads it afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Generic, TypeVar

__all__ = ["Memo"]

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Up to ``size`` entries; the least recently used one goes when a new one would not fit.

    >>> units = Memo[str, int](size=2)
    >>> units.put("SKU-1", 7)
    >>> units.get("SKU-1"), units.get("SKU-2")
    (7, None)
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a memo holds at least one entry")
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The entry under ``key``, or ``None``."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key``, replacing what was there."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, keys: Iterable[K]) -> None:
        """Drop the entries under ``keys`` (those it has)."""
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)
