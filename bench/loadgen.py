"""A small HTTP/1.1 load generator: keep-alive connections, each sending signed webhooks back to
back and timing every answer. Written on raw asyncio streams so it costs the box as little CPU as
a Python client can."""

from __future__ import annotations

import asyncio
import base64
import gc
import hashlib
import hmac
import itertools
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["LoadResult", "ShopifyRequests", "run_load"]


class ShopifyRequests:
    """Builds signed Shopify ``orders/create`` requests, each with a new order and delivery id."""

    def __init__(self, template: bytes, secret: str, channel: str, host: str) -> None:
        if b"ORDER_ID" not in template:
            raise ValueError("the template must contain ORDER_ID")
        self._template = template
        self._key = secret.encode()
        self._path = f"/webhooks/{channel}".encode()
        self._host = host.encode()
        self._ids = itertools.count(10**17)

    def __call__(self) -> bytes:
        body = self._template.replace(b"ORDER_ID", str(next(self._ids)).encode())
        signature = base64.b64encode(hmac.new(self._key, body, hashlib.sha256).digest())
        return b"".join(
            (
                b"POST ", self._path, b" HTTP/1.1\r\nHost: ", self._host,
                b"\r\nContent-Type: application/json\r\nX-Shopify-Topic: orders/create\r\nX-Shopify-Hmac-Sha256: ",
                signature, b"\r\nX-Shopify-Webhook-Id: ", uuid.uuid4().hex.encode(),
                b"\r\nContent-Length: ", str(len(body)).encode(), b"\r\n\r\n", body,
            )
        )  # fmt: skip


@dataclass
class LoadResult:
    """What the load saw during the measured window."""

    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)


async def run_load(
    host: str, port: int, requests: ShopifyRequests, *, connections: int, warmup: float, seconds: float
) -> LoadResult:
    """Drive ``connections`` keep-alive connections for ``warmup`` + ``seconds``; measure the latter.

    The generator's own garbage collection is paused meanwhile: its pauses would show up as the
    receiver's latency.
    """
    result = LoadResult(seconds=seconds)
    gc.collect()
    gc.disable()
    start = time.perf_counter()
    window = (start + warmup, start + warmup + seconds)
    try:
        await asyncio.gather(*(_connection(host, port, requests, window, result) for _ in range(connections)))
    finally:
        gc.enable()
    return result


async def _connection(
    host: str, port: int, requests: ShopifyRequests, window: tuple[float, float], result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (sent := time.perf_counter()) < window[1]:
            writer.write(requests())
            status = await _read_response(reader)
            if sent >= window[0]:
                result.statuses[status] += 1
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> int:
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status
