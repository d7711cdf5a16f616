"""The batcher alone: threads hand items in, one writes them, each gets its own outcome."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest

from erp.batcher import Batcher
from erp.errors import ErpRejected, ErpTransient
from tests.support.net import eventually


class Writes:
    """A flush that records its batches, doubles numbers, refuses 13, and can be held back."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()
        self.release.set()
        self.broken = False

    def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(items)
        assert self.release.wait(timeout=30)
        if self.broken:
            raise RuntimeError("the writer broke")
        return [ErpRejected("13 is refused") if item == 13 else item * 2 for item in items]


def in_thread(call: Callable[[], int], outcomes: dict[str, object], name: str) -> threading.Thread:
    def run() -> None:
        try:
            outcomes[name] = call()
        except BaseException as exc:  # looked at by the test
            outcomes[name] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_item_handed_in_alone_is_written_at_once_with_its_own_result() -> None:
    writes = Writes()

    assert Batcher(writes, max_size=10).submit(21) == 42
    assert writes.batches == [[21]]


def test_items_handed_in_during_a_write_are_written_together_each_with_its_own_outcome() -> None:
    # Given a write in progress, held back
    writes = Writes()
    batcher = Batcher(writes, max_size=10)
    writes.release.clear()
    outcomes: dict[str, object] = {}
    threads = [in_thread(lambda: batcher.submit(1), outcomes, "first")]
    eventually(lambda: writes.batches, what="the first write")
    # When three more items are handed in meanwhile, one of which the ERP refuses
    for item in (2, 13, 4):
        threads.append(in_thread(partial(batcher.submit, item), outcomes, str(item)))
    eventually(lambda: batcher.waiting == 3, what="three items waiting")
    writes.release.set()
    for thread in threads:
        thread.join(timeout=30)

    # Then they went in one write after the first, and only 13's thread raised
    assert writes.batches[0] == [1] and sorted(writes.batches[1]) == [2, 4, 13]
    assert (outcomes["first"], outcomes["2"], outcomes["4"]) == (2, 4, 8)
    assert isinstance(outcomes["13"], ErpRejected)


def test_a_batch_is_never_larger_than_its_maximum() -> None:
    writes = Writes()
    batcher = Batcher(writes, max_size=2)
    writes.release.clear()
    outcomes: dict[str, object] = {}
    threads = [in_thread(lambda: batcher.submit(0), outcomes, "0")]
    eventually(lambda: writes.batches, what="the first write")
    threads += [in_thread(partial(batcher.submit, item), outcomes, str(item)) for item in (1, 2, 3)]
    eventually(lambda: batcher.waiting == 3, what="three items waiting")
    writes.release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert [len(batch) for batch in writes.batches] == [1, 2, 1]
    assert outcomes == {"0": 0, "1": 2, "2": 4, "3": 6}


def test_a_write_that_breaks_raises_in_its_writer_and_tells_the_others_to_retry() -> None:
    writes = Writes()
    batcher = Batcher(writes, max_size=10)
    writes.release.clear()
    outcomes: dict[str, object] = {}
    threads = [in_thread(lambda: batcher.submit(1), outcomes, "first")]
    eventually(lambda: writes.batches, what="the first write")
    threads += [in_thread(partial(batcher.submit, item), outcomes, str(item)) for item in (2, 3)]
    eventually(lambda: batcher.waiting == 2, what="two items waiting")
    writes.broken = True
    writes.release.set()
    for thread in threads:
        thread.join(timeout=30)

    broken = [name for name, outcome in outcomes.items() if isinstance(outcome, RuntimeError)]
    told = [name for name, outcome in outcomes.items() if isinstance(outcome, ErpTransient)]
    assert len(broken) == 2 and "first" in broken  # the first write's, and the second write's writer
    assert len(told) == 1
    assert batcher.waiting == 0


def test_a_batch_holds_at_least_one_item() -> None:
    with pytest.raises(ValueError):
        Batcher(Writes(), max_size=0)
