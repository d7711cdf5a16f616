"""The receiver's CPU per background Redis write: a future per command against a task per command.

The receiver marks each accepted delivery as seen without waiting for Redis
(:meth:`receivers.dedupe.DeliveryLedger.confirm`). This sends the same ``SET ... PX`` through
the real Redis the two ways it can: :meth:`receivers.pipelined_redis.PipelinedRedis.execute_soon`
(a future, what the receiver does) and ``create_task(execute(...))`` (an asyncio task each, what
it did before). Each batch is sent in one loop turn, as a busy receiver's webhooks are, and
awaited before the next. The two ways go in turn, round after round, and the figures are the
medians of the process's CPU time per command, in microseconds.

    .venv/bin/python -m bench.redis_writes [--commands 50000] [--rounds 5] [--batch 64]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from statistics import median
from typing import Any

import uvloop

from receivers.pipelined_redis import PipelinedRedis

REDIS_URL = "redis://127.0.0.1:6379/0"

Send = Callable[[PipelinedRedis, str], Awaitable[Any]]


def as_future(client: PipelinedRedis, key: str) -> Awaitable[Any]:
    return client.execute_soon("SET", key, "seen:event", "PX", 60_000)


def as_task(client: PipelinedRedis, key: str) -> Awaitable[Any]:
    return asyncio.get_running_loop().create_task(client.execute("SET", key, "seen:event", "PX", 60_000))


WAYS: dict[str, Send] = {"a future per command": as_future, "a task per command": as_task}


async def cpu_per_command_us(send: Send, *, commands: int, batch: int, prefix: str) -> float:
    """CPU microseconds this process spends per command, connection set-up excluded."""
    client = PipelinedRedis(REDIS_URL, timeout=5)
    try:
        await client.execute("PING")
        started = time.process_time()
        for first in range(0, commands, batch):
            await asyncio.gather(*(send(client, f"{prefix}:{n}") for n in range(first, min(first + batch, commands))))
        used = time.process_time() - started
        await client.execute(
            "EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end", 0, f"{prefix}:*"
        )
    finally:
        await client.close()
    return used / commands * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64, help="commands sent in one loop turn")
    args = parser.parse_args()
    prefix = f"bench-redis-writes-{secrets.token_hex(4)}"
    figures: dict[str, list[float]] = {name: [] for name in WAYS}
    for number in range(1, args.rounds + 1):
        for name, send in WAYS.items():
            used = uvloop.run(cpu_per_command_us(send, commands=args.commands, batch=args.batch, prefix=prefix))
            figures[name].append(used)
            print(f"round {number}: {name + ':':22} {used:.2f} us of CPU per command", flush=True)
    print(f"\n{args.commands} SET commands per run, {args.batch} per loop turn; median of {args.rounds} rounds:")
    for name, values in figures.items():
        print(f"  {name + ':':22} {median(values):.2f} us  (runs: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
