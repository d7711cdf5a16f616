"""The ingest load from wrk (Debian's ``wrk``, written in C) instead of Python.

The load generator shares the box with the receiver, RabbitMQ and Redis; the Python one spends
about a third of a core at 7,000 requests/s, wrk a fraction of that, which leaves the measured
parts their cores. The requests are the same: keep-alive connections with one request in flight
each, signed ~1 KB Shopify orders, each with its own delivery id. Shopify signs the body only,
so a few hundred pre-signed bodies (distinct order ids) are sent in turn, and the script makes
every ``X-Shopify-Webhook-Id`` unique. wrk cannot tell 202 from 200 cheaply, so what was
accepted is read from the lane itself: the messages RabbitMQ confirmed, the ground truth.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WrkResult", "run_wrk", "wrk_available"]

# wrk calls request() for every request and done() once at the end (latencies in microseconds).
_SCRIPT = r"""
local bodies, signatures, count, turn, sent = {}, {}, 0, 0, 0
local prefix
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  for line in file:lines() do
    local tab = line:find("\t", 1, true)
    count = count + 1
    signatures[count] = line:sub(1, tab - 1)
    bodies[count] = line:sub(tab + 1)
  end
  file:close()
  prefix = args[2] .. "-" .. thread_number .. "-"
end

function request()
  turn = turn % count + 1
  sent = sent + 1
  local body = bodies[turn]
  return "POST " .. PATH .. " HTTP/1.1\r\nHost: " .. HOST ..
    "\r\nContent-Type: application/json\r\nX-Shopify-Topic: orders/create\r\nX-Shopify-Hmac-Sha256: " ..
    signatures[turn] .. "\r\nX-Shopify-Webhook-Id: " .. prefix .. sent ..
    "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True, slots=True)
class WrkResult:
    """What wrk saw: requests answered, over ``seconds``; latencies in ms; refusals and errors."""

    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float


def wrk_available() -> bool:
    """Whether ``wrk`` is on the PATH (``apt-get install wrk``)."""
    return shutil.which("wrk") is not None


def run_wrk(
    port: int,
    channel: str,
    signed: Callable[[int], tuple[str, bytes]],
    *,
    connections: int,
    seconds: float,
    on_start: Callable[[int], None] | None = None,
) -> WrkResult:
    """Drive ``http://127.0.0.1:port/webhooks/<channel>`` with wrk for ``seconds``.

    ``signed(n)`` gives the signature and body of the n-th distinct order. ``on_start(pid)`` is
    told wrk's process id once it runs (to meter its CPU).
    """
    with tempfile.TemporaryDirectory(prefix="weir-wrk-") as folder:
        bodies = Path(folder, "bodies.tsv")
        with bodies.open("wb") as out:
            for number in range(500):
                signature, body = signed(number)
                out.write(signature.encode() + b"\t" + body + b"\n")
        script = Path(folder, "ingest.lua")
        script.write_text(f'PATH = "/webhooks/{channel}"\nHOST = "127.0.0.1:{port}"\n{_SCRIPT}')
        command = [
            "wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
            "-s", str(script), f"http://127.0.0.1:{port}", "--", str(bodies), uuid.uuid4().hex[:12],
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        if on_start is not None:
            on_start(process.pid)
        output, _ = process.communicate(timeout=seconds + 60)
    if process.returncode != 0:
        raise SystemExit(f"wrk failed ({process.returncode}): {output}")
    figures = json.loads(output.strip().splitlines()[-1])
    return WrkResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
    )
