"""The lean blocking Redis client and the background writes, on the real Redis."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from typing import Any

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from tests.fixtures.services import REDIS_URL
from tests.support.net import eventually, free_port
from throttling.background import BackgroundWrites
from throttling.lean_redis import LeanRedis, LuaScript


def test_commands_and_error_replies_come_back_in_order(lean_redis: LeanRedis, namespace: str) -> None:
    replies = lean_redis.execute_many([("SET", f"{namespace}:a", 1), ("INCR", "x", "y"), ("GET", f"{namespace}:a")])

    assert replies[0] == b"OK"
    assert isinstance(replies[1], ResponseError)
    assert replies[2] == b"1"


def test_a_script_redis_has_never_seen_is_loaded_and_run(lean_redis: LeanRedis, namespace: str) -> None:
    # A script unique to this test, so Redis cannot know it yet.
    script = LuaScript(f"-- {secrets.token_hex(8)}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])")

    assert lean_redis.run(script, [f"{namespace}:n"], [5]) == 5
    assert lean_redis.run(script, [f"{namespace}:n"], [2]) == 7


def test_each_thread_uses_its_own_connection(lean_redis: LeanRedis, namespace: str) -> None:
    results: list[object] = []

    def work(number: int) -> None:
        results.append(lean_redis.execute("INCR", f"{namespace}:threads"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == list(range(1, 9))  # type: ignore[type-var]


def test_an_unreachable_redis_raises_a_connection_error() -> None:
    client = LeanRedis(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)

    with pytest.raises(RedisConnectionError):
        client.execute("PING")


def test_background_writes_arrive(lean_redis: LeanRedis, redis_client: redis.Redis, namespace: str) -> None:
    writes = BackgroundWrites(lean_redis)
    script = LuaScript("return redis.call('INCR', KEYS[1])")
    for _ in range(100):
        writes.submit(script, [f"{namespace}:bg"], [])
    writes.close()

    eventually(lambda: redis_client.get(f"{namespace}:bg") == b"100", timeout=5, what="every write")


class CountingRedis(LeanRedis):
    """The lean client, keeping the size of each batch of scripts it was asked to run."""

    def __init__(self) -> None:
        super().__init__(REDIS_URL, timeout=5)
        self.batches: list[int] = []

    def run_many(self, calls: Sequence[tuple[LuaScript, Sequence[str], Sequence[Any]]]) -> list[Any]:
        self.batches.append(len(calls))
        return super().run_many(calls)


def test_writes_that_arrive_while_the_thread_lingers_leave_in_one_round_trip(
    redis_client: redis.Redis, namespace: str
) -> None:
    # Given background writes that linger half a second for a batch to fill
    client = CountingRedis()
    writes = BackgroundWrites(client, linger_ms=500)
    script = LuaScript("return redis.call('INCR', KEYS[1])")

    # When ten writes are submitted at once
    for _ in range(10):
        writes.submit(script, [f"{namespace}:bg"], [])
    eventually(lambda: redis_client.get(f"{namespace}:bg") == b"10", timeout=5, what="every write")
    writes.close()
    client.close()

    # Then they left together
    assert client.batches == [10]
