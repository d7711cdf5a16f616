"""The receiver's pipelined Redis connection, against the real Redis."""

from __future__ import annotations

import asyncio

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from receivers.pipelined_redis import PipelinedRedis, pack
from tests.support.net import free_port
from tests.support.proxy import TcpProxy


def test_commands_are_written_in_the_redis_protocol() -> None:
    assert pack("SET", "k", 42, b"\x00v") == b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n42\r\n$2\r\n\x00v\r\n"


def test_concurrent_commands_each_get_their_own_reply(namespace: str) -> None:
    client = PipelinedRedis("redis://127.0.0.1:6379/0", timeout=2)

    async def run() -> list[object]:
        try:
            await asyncio.gather(*(client.execute("SET", f"{namespace}:{n}", n) for n in range(200)))
            return list(await asyncio.gather(*(client.execute("GET", f"{namespace}:{n}") for n in range(200))))
        finally:
            await client.close()

    assert asyncio.run(run()) == [str(n).encode() for n in range(200)]


def test_a_command_sent_without_waiting_gets_its_reply_before_or_after_a_connection_exists(namespace: str) -> None:
    client = PipelinedRedis("redis://127.0.0.1:6379/0", timeout=2)

    async def run() -> list[object]:
        try:
            first = client.execute_soon("SET", f"{namespace}:soon", "one", "PX", 60_000)  # connects first
            await first
            second = client.execute_soon("GETSET", f"{namespace}:soon", "two")  # joins the open connection
            return [await first, await second, await client.execute("GET", f"{namespace}:soon")]
        finally:
            await client.close()

    assert asyncio.run(run()) == [b"OK", b"one", b"two"]


def test_an_error_reply_fails_only_its_own_command(namespace: str) -> None:
    client = PipelinedRedis("redis://127.0.0.1:6379/0", timeout=2)

    async def run() -> list[object]:
        try:
            return list(
                await asyncio.gather(client.execute("INCR", "a", "b"), client.execute("PING"), return_exceptions=True)
            )
        finally:
            await client.close()

    bad, good = asyncio.run(run())
    assert isinstance(bad, ResponseError)
    assert good == b"PONG"


def test_the_database_in_the_url_is_selected(namespace: str, redis_client: redis.Redis) -> None:
    client = PipelinedRedis("redis://127.0.0.1:6379/3", timeout=2)

    async def run() -> None:
        await client.execute("SET", f"{namespace}:db", "three", "PX", 60_000)
        await client.close()

    asyncio.run(run())
    other = redis.Redis.from_url("redis://127.0.0.1:6379/3")
    try:
        assert other.get(f"{namespace}:db") == b"three"
        assert redis_client.get(f"{namespace}:db") is None
    finally:
        other.delete(f"{namespace}:db")
        other.close()


def test_an_unreachable_redis_fails_with_a_connection_error() -> None:
    client = PipelinedRedis(f"redis://127.0.0.1:{free_port()}/0", timeout=1)

    with pytest.raises(RedisConnectionError):
        asyncio.run(client.execute("PING"))


def test_after_the_connection_drops_the_next_command_reconnects() -> None:
    proxy = TcpProxy("127.0.0.1", 6379)
    port = proxy.start()
    client = PipelinedRedis(f"redis://127.0.0.1:{port}/0", timeout=2)

    async def run() -> object:
        assert await client.execute("PING") == b"PONG"
        await asyncio.to_thread(proxy.cut)
        with pytest.raises(RedisConnectionError):
            await client.execute("PING")
        await asyncio.to_thread(proxy.restore)
        try:
            return await client.execute("PING")
        finally:
            await client.close()

    try:
        assert asyncio.run(run()) == b"PONG"
    finally:
        proxy.stop()


def test_a_redis_that_stops_answering_fails_its_commands_with_a_timeout() -> None:
    proxy = TcpProxy("127.0.0.1", 6379)
    port = proxy.start()
    client = PipelinedRedis(f"redis://127.0.0.1:{port}/0", timeout=0.5)

    async def run() -> None:
        assert await client.execute("PING") == b"PONG"
        proxy.hold_after(b"ECHO")
        try:
            with pytest.raises(RedisTimeoutError):
                await client.execute("ECHO", "anyone?")
        finally:
            await client.close()

    try:
        asyncio.run(run())
    finally:
        proxy.stop()
