"""An open-loop webhook sender: each stream posts at its scheduled rate, whatever the answers.

Requests are spread evenly over each second and sent on a pool of keep-alive connections; a
receiver that falls behind makes the send queue grow, it never slows the schedule down.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Driver", "Stream"]


@dataclass(frozen=True)
class Stream:
    """One kind of webhook: its Shopify topic, a body for an id, and its rate (events/s at t s)."""

    name: str
    topic: str
    body: Callable[[int], dict[str, object]]
    rate: Callable[[float], float]


@dataclass
class Driver:
    """Posts the streams to ``host:port`` for the channel, signed with ``secret``."""

    host: str
    port: int
    channel: str
    secret: str
    streams: list[Stream]
    connections: int = 32
    accepted_per_second: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    accepted_at: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    refused: Counter[int] = field(default_factory=Counter)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10**15))

    async def run(self, seconds: float) -> None:
        """Send for ``seconds`` from now, then wait for the answers still due."""
        queue: asyncio.Queue[tuple[str, int, bytes] | None] = asyncio.Queue()
        senders = [asyncio.create_task(self._sender(queue)) for _ in range(self.connections)]
        start = time.time()
        for second in range(int(seconds)):
            await self._schedule_second(queue, start, second)
        for _ in senders:
            queue.put_nowait(None)
        await asyncio.gather(*senders)

    async def _schedule_second(
        self, queue: asyncio.Queue[tuple[str, int, bytes] | None], start: float, second: int
    ) -> None:
        # Each stream's events are spread evenly over the second, and the streams interleaved.
        slots = sorted(
            ((index + 0.5) / count, stream.name, stream)
            for stream in self.streams
            if (count := int(stream.rate(second))) > 0
            for index in range(count)
        )
        for offset, _, stream in slots:
            delay = start + second + offset - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            entity = next(self._ids)
            queue.put_nowait((stream.name, entity, self._request(stream, entity)))

    async def _sender(self, queue: asyncio.Queue[tuple[str, int, bytes] | None]) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            while (item := await queue.get()) is not None:
                name, entity, request = item
                writer.write(request)
                status = await _read_status(reader)
                now = time.time()
                if status in (200, 202):
                    self.accepted_per_second[name][int(now)] += 1
                    self.accepted_at[name][entity] = now
                else:
                    self.refused[status] += 1
        finally:
            writer.close()

    def _request(self, stream: Stream, entity: int) -> bytes:
        body = json.dumps(stream.body(entity), separators=(",", ":")).encode()
        signature = base64.b64encode(hmac.new(self.secret.encode(), body, hashlib.sha256).digest()).decode()
        head = (
            f"POST /webhooks/{self.channel} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"X-Shopify-Topic: {stream.topic}\r\nX-Shopify-Hmac-Sha256: {signature}\r\n"
            f"X-Shopify-Webhook-Id: {uuid.uuid4()}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


async def _read_status(reader: asyncio.StreamReader) -> int:
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status
