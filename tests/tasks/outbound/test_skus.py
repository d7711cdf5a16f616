"""What a channel calls a SKU, found once and kept, and found again when the channel refuses it."""

from __future__ import annotations

import pytest

from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.outbound.skus import SkuIds


class Channel:
    """Gives ``SKU-n`` the id ``ids[sku]`` and refuses writes to any other id."""

    def __init__(self) -> None:
        self.ids = {"SKU-1": 10, "SKU-2": 20}
        self.finds: list[str] = []
        self.written: list[int] = []

    def find(self, sku: str) -> int:
        self.finds.append(sku)
        return self.ids[sku]

    def write(self, found: int) -> None:
        if found not in self.ids.values():
            raise ChannelApiRejected(f"no product {found}")
        self.written.append(found)


def test_a_skus_id_is_found_once_and_kept() -> None:
    channel = Channel()
    ids = SkuIds(channel.find)

    ids.write("SKU-1", channel.write)
    ids.write("SKU-1", channel.write)

    assert channel.finds == ["SKU-1"]
    assert channel.written == [10, 10]


def test_a_kept_id_the_channel_refuses_is_found_again_once() -> None:
    channel = Channel()
    ids = SkuIds(channel.find)
    ids.write("SKU-1", channel.write)
    channel.ids["SKU-1"] = 11

    ids.write("SKU-1", channel.write)

    assert channel.finds == ["SKU-1", "SKU-1"]
    assert channel.written == [10, 11]


def test_a_write_that_fails_otherwise_keeps_the_id() -> None:
    channel = Channel()
    ids = SkuIds(channel.find)
    ids.write("SKU-1", channel.write)

    def down(found: int) -> None:
        raise ChannelApiTransient("no answer")

    with pytest.raises(ChannelApiTransient):
        ids.write("SKU-1", down)
    ids.write("SKU-1", channel.write)

    assert channel.finds == ["SKU-1"]


def test_only_the_most_recently_used_ids_are_kept() -> None:
    channel = Channel()
    ids = SkuIds(channel.find, size=1)

    for sku in ("SKU-1", "SKU-2", "SKU-1"):
        ids.write(sku, channel.write)

    assert channel.finds == ["SKU-1", "SKU-2", "SKU-1"]
