"""Redis clients through Sentinel follow a failover: a real master, two replicas, three Sentinels."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
from pydantic import SecretStr

from bench.cluster_rig import RedisSentinels
from receivers.pipelined_redis import PipelinedRedis
from tests.support.net import eventually
from throttling.lean_redis import LeanRedis
from weir.settings import RedisSettings
from weir.stores import async_master_locator, master_locator, sync_redis


@pytest.fixture(scope="module")
def sentinels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisSentinels]:
    with RedisSentinels(Path(tmp_path_factory.mktemp("sentinels"))) as rig:
        yield rig


def settings_for(rig: RedisSentinels) -> RedisSettings:
    return RedisSettings(sentinels=rig.sentinels, sentinel_master=rig.master_name, timeout_seconds=1)


def test_without_sentinels_there_is_no_locator() -> None:
    assert master_locator(RedisSettings()) is None
    assert async_master_locator(RedisSettings()) is None


def test_every_client_finds_the_master_the_sentinels_name(sentinels: RedisSentinels) -> None:
    settings = settings_for(sentinels)
    locate, locate_async = master_locator(settings), async_master_locator(settings)
    assert locate is not None and locate_async is not None

    assert locate() == sentinels.master()
    assert asyncio.run(locate_async()) == sentinels.master()
    client = sync_redis(settings)
    assert client.set("weir-test:stores", "1")
    client.close()


def test_the_clients_follow_a_failover(sentinels: RedisSentinels) -> None:
    settings = settings_for(sentinels)
    with ExitStack() as closing:
        client = closing.enter_context(sync_redis(settings))
        lean = LeanRedis("redis://127.0.0.1:1/0", timeout=1, locate=master_locator(settings))
        closing.callback(lean.close)
        pipelined = PipelinedRedis("redis://127.0.0.1:1/0", timeout=1, locate=async_master_locator(settings))
        client.set("weir-test:before", "1")
        assert lean.execute("GET", "weir-test:before") == b"1"

        # When the master dies, a replica is promoted; commands in between fail, later ones land.
        old = sentinels.kill_master()
        eventually(lambda: sentinels.failed_over(old), timeout=30, what="the Sentinels to promote a replica")

        eventually(lambda: _answers(lambda: client.set("weir-test:after", "1")), timeout=10, what="redis-py")
        lean_set = lambda: lean.execute("SET", "weir-test:lean", "1") == b"OK"  # noqa: E731
        eventually(lambda: _answers(lean_set), timeout=10, what="lean")

        async def pipelined_set() -> object:
            try:
                return await pipelined.execute("SET", "weir-test:pipelined", "1")
            finally:
                await pipelined.close()

        eventually(lambda: _answers(lambda: asyncio.run(pipelined_set()) == b"OK"), timeout=10, what="pipelined")
        master = closing.enter_context(redis.Redis(*sentinels.master(), socket_timeout=1))
        assert master.mget("weir-test:after", "weir-test:lean", "weir-test:pipelined") == [b"1", b"1", b"1"]


def _answers(command: object) -> bool:
    try:
        return bool(command())  # type: ignore[operator]
    except redis.RedisError:
        return False


def test_sentinels_that_ask_for_a_password_are_asked_with_it(tmp_path: Path) -> None:
    with RedisSentinels(tmp_path, replicas=1, sentinel_password="s3ntinel-pass") as rig:
        without = settings_for(rig)
        settings = without.model_copy(update={"sentinel_password": SecretStr("s3ntinel-pass")})
        locate, locate_async = master_locator(settings), async_master_locator(settings)
        assert locate is not None and locate_async is not None

        assert locate() == rig.master() == asyncio.run(locate_async())
        with sync_redis(settings) as client:
            assert client.set("weir-test:sentinel-auth", "1")
        # Without the password, no Sentinel names the master
        with pytest.raises(redis.RedisError):
            master_locator(without)()  # type: ignore[misc]
