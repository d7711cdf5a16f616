"""Micro-batches of ERP writes: the worker threads of a process hand items in, one of them writes
them all, each gets its own outcome back.

There is no timer and no thread of its own. The first thread to hand an item in writes it at
once, alone; items handed in while that write runs wait, and the first of their threads to find
the writer gone writes them together (up to ``max_size``). So an idle process writes each order
as soon as it arrives, and a process with a backlog writes as many at a time as it has threads
waiting: batches grow with the load, and no item waits for a batch to fill.

Each thread still returns (or raises) its own item's outcome, so each message is acknowledged
only once its own write is done, and one item's failure is that item's alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from erp.errors import ErpTransient

__all__ = ["Batcher"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(eq=False)
class _Slot(Generic[T, R]):
    item: T
    done: bool = False
    result: R | None = None
    error: BaseException | None = None
    taken: bool = False


class Batcher(Generic[T, R]):
    """Hands the items that threads :meth:`submit` to ``flush``, up to ``max_size`` at a time.

    ``flush`` gets a list of items and returns, in the same order, each one's result or the
    exception it should raise.

    >>> batcher = Batcher(lambda numbers: [n * 2 for n in numbers], max_size=10)
    >>> batcher.submit(21)
    42
    """

    def __init__(self, flush: Callable[[list[T]], Sequence[R | BaseException]], *, max_size: int) -> None:
        if max_size < 1:
            raise ValueError("a batch holds at least one item")
        self._flush = flush
        self._max_size = max_size
        self._waiting: list[_Slot[T, R]] = []
        self._flushing = False
        self._changed = threading.Condition()

    @property
    def waiting(self) -> int:
        """How many items wait for a writer now."""
        with self._changed:
            return len(self._waiting)

    def submit(self, item: T) -> R:
        """Write ``item`` (with whatever else is waiting) and return its result.

        Raises:
            BaseException: what ``flush`` gave for this item, or ErpTransient if the write of
                its batch was interrupted (its thread stopped, a bug): it may have been written.
        """
        slot: _Slot[T, R] = _Slot(item)
        with self._changed:
            self._waiting.append(slot)
            try:
                batch = self._await_turn(slot)
            except BaseException:
                if not slot.taken:
                    self._waiting.remove(slot)
                raise
        if batch:
            self._write(batch)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _await_turn(self, slot: _Slot[T, R]) -> list[_Slot[T, R]]:
        """Wait until the slot is done (return nothing) or it is this thread's turn to write."""
        while not slot.done:
            if not self._flushing:
                self._flushing = True
                # This thread's own item first: it writes, whatever else waits.
                others = [waiting for waiting in self._waiting if waiting is not slot][: self._max_size - 1]
                batch = [slot, *others]
                for taken in batch:
                    taken.taken = True
                    self._waiting.remove(taken)
                return batch
            self._changed.wait()
        return []

    def _write(self, batch: list[_Slot[T, R]]) -> None:
        try:
            outcomes = list(self._flush([slot.item for slot in batch]))
        except BaseException as exc:
            # The writer's own thread raises it; the others learn their write was cut short.
            self._settle(batch, [exc, *(_cut_short(exc) for _ in batch[1:])])
            raise
        if len(outcomes) != len(batch):
            outcomes = [ErpTransient("the batch this item was written in gave no outcome for it") for _ in batch]
        self._settle(batch, outcomes)

    def _settle(self, batch: list[_Slot[T, R]], outcomes: Sequence[R | BaseException]) -> None:
        with self._changed:
            try:
                for slot, outcome in zip(batch, outcomes, strict=True):
                    if isinstance(outcome, BaseException):
                        slot.error = outcome
                    else:
                        slot.result = outcome
                    slot.done = True
            finally:
                # Even if this thread is interrupted here (a time limit), the next writer may go.
                self._flushing = False
                self._changed.notify_all()
        if len(batch) > 1:
            logger.debug("Wrote a batch of %d items.", len(batch))


def _cut_short(cause: BaseException) -> ErpTransient:
    return ErpTransient(f"the batch this item was written in stopped half-way: {cause!r}")
