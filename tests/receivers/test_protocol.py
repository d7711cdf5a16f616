"""The receiver's HTTP protocol: each loop turn's writes leave in one piece, and nothing is lost
on the way, whether answers are pipelined or the connection closes after one."""

from __future__ import annotations

import asyncio
import re
import socket

import httpx

from receivers.protocol import CoalescingTransport


class RecordingTransport:
    """Just enough of a transport to see what reaches it."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True
        self.closed = True

    def write_eof(self) -> None:
        self.writes.append(b"<eof>")

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 0


async def next_turn() -> None:
    await asyncio.sleep(0)


def wrap() -> tuple[CoalescingTransport, RecordingTransport]:
    inner = RecordingTransport()
    return CoalescingTransport(inner, asyncio.get_running_loop()), inner  # type: ignore[arg-type]


def test_the_writes_of_one_turn_reach_the_socket_as_one_write() -> None:
    async def scenario() -> None:
        transport, inner = wrap()
        transport.write(b"HTTP/1.1 202 Accepted\r\n\r\n")
        transport.write(b'{"status":"accepted"}')
        assert inner.writes == []
        assert transport.get_write_buffer_size() == len(b'HTTP/1.1 202 Accepted\r\n\r\n{"status":"accepted"}')

        await next_turn()

        assert inner.writes == [b'HTTP/1.1 202 Accepted\r\n\r\n{"status":"accepted"}']

    asyncio.run(scenario())


def test_writes_in_later_turns_leave_in_their_own_turn() -> None:
    async def scenario() -> None:
        transport, inner = wrap()
        transport.write(b"one")
        await next_turn()
        transport.write(b"two")
        await next_turn()

        assert inner.writes == [b"one", b"two"]

    asyncio.run(scenario())


def test_closing_sends_what_is_held_first() -> None:
    async def scenario() -> None:
        transport, inner = wrap()
        transport.write(b"last answer")
        transport.close()

        assert (inner.writes, inner.closed) == ([b"last answer"], True)
        await next_turn()
        assert inner.writes == [b"last answer"]

    asyncio.run(scenario())


def test_half_closing_sends_what_is_held_first() -> None:
    async def scenario() -> None:
        transport, inner = wrap()
        transport.write(b"last answer")
        transport.write_eof()

        assert inner.writes == [b"last answer", b"<eof>"]

    asyncio.run(scenario())


def test_aborting_drops_what_is_held() -> None:
    async def scenario() -> None:
        transport, inner = wrap()
        transport.write(b"never sent")
        transport.abort()
        await next_turn()

        assert (inner.writes, inner.aborted) == ([], True)

    asyncio.run(scenario())


def test_nothing_is_written_once_the_socket_is_closing() -> None:
    async def scenario() -> None:
        transport, inner = wrap()
        transport.write(b"too late")
        inner.closed = True  # the peer went away during the turn
        await next_turn()

        assert inner.writes == []

    asyncio.run(scenario())


def read_until_closed(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_pipelined_requests_are_answered_in_order_and_in_full_before_a_close(receiver: httpx.Client) -> None:
    url = receiver.base_url
    requests = (
        b"GET /healthz HTTP/1.1\r\nHost: weir\r\n\r\n"
        b"GET /nowhere HTTP/1.1\r\nHost: weir\r\n\r\n"
        b"GET /healthz HTTP/1.1\r\nHost: weir\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((url.host, url.port), timeout=10) as connection:
        connection.sendall(requests)
        received = read_until_closed(connection)

    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", received) == [b"200", b"404", b"200"]
    assert received.endswith(b'{"status":"ok"}')
