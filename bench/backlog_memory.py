"""What a backlog costs RabbitMQ's memory: a queue declared like a lane, filled in steps.

A long ERP outage leaves its events waiting in the lanes. This fills one queue declared like a
lane (a quorum queue, :func:`queues.topology.ready_arguments`) with persistent 1 KB messages,
confirmed, up to each ``--levels`` count in turn, and prints at each the queue process's memory
(``rabbitmqctl list_queues``), its bytes per message, and the node's binary and quorum-log-cache
(``quorum_ets``) memory (``rabbitmq-diagnostics memory_breakdown``). The queue is deleted at the
end. It needs ``rabbitmqctl`` on this machine and about 1.1 KB of disk per message.

    .venv/bin/python -m bench.backlog_memory [--levels 1000000 2000000] [--size 1024]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import subprocess
import time

import aiormq
import uvloop
from pamqp import commands as spec

from queues.topology import ready_arguments

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
IN_FLIGHT = 64
MB = 1_000_000


async def fill(channel: aiormq.abc.AbstractChannel, queue: str, body: bytes, count: int) -> None:
    """Publish ``count`` persistent messages into ``queue``, ``IN_FLIGHT`` confirms at a time."""
    properties = spec.Basic.Properties(delivery_mode=2, content_type="application/json")
    left = count

    async def publisher() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await channel.basic_publish(body, routing_key=queue, properties=properties)

    await asyncio.gather(*(publisher() for _ in range(IN_FLIGHT)))


def settled_queue_memory(queue: str, messages: int, timeout_seconds: float = 60) -> int:
    """The queue process's memory in bytes, once RabbitMQ's figures (refreshed every few
    seconds) count all ``messages``."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        counted, memory = queue_memory(queue)
        if counted >= messages or time.monotonic() > deadline:
            return memory
        time.sleep(1)


def queue_memory(queue: str) -> tuple[int, int]:
    """The queue's message count and its process's memory in bytes, as RabbitMQ reports them."""
    listed = subprocess.run(
        ["rabbitmqctl", "list_queues", "name", "messages", "memory", "--formatter", "json", "--quiet"],
        capture_output=True,
        check=True,
        text=True,
    )
    row = next(row for row in json.loads(listed.stdout) if row["name"] == queue)
    return int(row["messages"]), int(row["memory"])


def node_memory() -> dict[str, int]:
    """The node's memory by category, in bytes."""
    breakdown = subprocess.run(
        ["rabbitmq-diagnostics", "memory_breakdown", "--unit", "bytes", "--formatter", "json", "--quiet"],
        capture_output=True,
        check=True,
        text=True,
    )
    return {name: int(entry["bytes"]) for name, entry in json.loads(breakdown.stdout).items()}


async def run(levels: list[int], size: int) -> None:
    queue = f"bench-backlog-{secrets.token_hex(4)}"
    connection = await aiormq.connect(BROKER_URL)
    channel = await connection.channel(publisher_confirms=True)
    await channel.queue_declare(queue, durable=True, arguments=ready_arguments(queue))
    body = b'{"pad":"' + b"x" * (size - 10) + b'"}'
    try:
        filled = 0
        for level in sorted(levels):
            started = time.perf_counter()
            await fill(channel, queue, body, level - filled)
            print(f"filled to {level:,} in {time.perf_counter() - started:.0f} s", flush=True)
            filled = level
            memory = settled_queue_memory(queue, level)
            node = node_memory()
            print(
                f"  {level:>10,} messages: queue process {memory / MB:6.1f} MB ({memory / level:.0f} bytes each);"
                f" node binary {node['binary'] / MB:,.0f} MB, quorum log cache {node['quorum_ets'] / MB:,.0f} MB",
                flush=True,
            )
    finally:
        await channel.queue_delete(queue)
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", type=int, nargs="+", default=[1_000_000, 2_000_000])
    parser.add_argument("--size", type=int, default=1024, help="message body size in bytes")
    args = parser.parse_args()
    uvloop.run(run(args.levels, args.size))


if __name__ == "__main__":
    main()
