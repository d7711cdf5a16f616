"""The simulator's public TCP port: a forwarder to the HTTP server that can stop listening.

A ``refuse`` outage must look like a host that is down: new connections refused, open ones cut.
uvicorn cannot stop and restart its listener, so it listens on the admin port and this front
owns the public one, forwarding every connection's bytes both ways. :meth:`TcpFront.refuse`
closes the listening socket at once (the standard event loop closes it synchronously, which is
why the simulator does not run on uvloop) and aborts every open connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import cast

__all__ = ["TcpFront"]


class TcpFront:
    """Forwards ``host:port`` to ``upstream`` (host, port) while listening."""

    def __init__(self, host: str, port: int, upstream: tuple[str, int]) -> None:
        self._address = (host, port)
        self._upstream = upstream
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        # Listening awaits; without the lock, a refusal during it could be undone by it.
        self._lock = asyncio.Lock()

    @property
    def listening(self) -> bool:
        return self._server is not None

    async def listen(self) -> None:
        """Accept connections (again); does nothing if already listening.

        Raises:
            OSError: the port cannot be bound.
        """
        async with self._lock:
            if self._server is None:
                loop = asyncio.get_running_loop()
                self._server = await loop.create_server(
                    lambda: _Link(self._upstream, self._links), *self._address, reuse_address=True, backlog=1024
                )

    async def refuse(self) -> None:
        """Close the listener and cut every open connection (it is closed when this returns)."""
        async with self._lock:
            if self._server is not None:
                self._server.close()
                self._server = None
            for link in list(self._links):
                link.abort()


class _Link(asyncio.Protocol):
    """One client connection and its connection to the upstream server."""

    def __init__(self, upstream: tuple[str, int], links: set[_Link]) -> None:
        self._upstream_address = upstream
        self._links = links
        self._client: asyncio.Transport | None = None
        self._server: asyncio.Transport | None = None
        self._connecting: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._client = cast(asyncio.Transport, transport)
        self._links.add(self)
        # Read nothing from the client until the upstream connection exists to take it.
        self._client.pause_reading()
        self._connecting = asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            server, _ = await loop.create_connection(lambda: _Upstream(self), *self._upstream_address)
        except OSError:
            self.abort()
            return
        if self._client is None or self._client.is_closing():
            server.abort()
            return
        self._server = server
        self._client.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self._server is not None:
            self._server.write(data)

    def pause_writing(self) -> None:
        # The client reads slower than the server answers: stop reading the server.
        if self._server is not None:
            self._server.pause_reading()

    def resume_writing(self) -> None:
        if self._server is not None:
            self._server.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self._links.discard(self)
        if self._server is not None:
            self._server.close()

    def from_server(self, data: bytes) -> None:
        if self._client is not None:
            self._client.write(data)

    def server_lost(self) -> None:
        if self._client is not None:
            self._client.close()

    def server_congested(self, congested: bool) -> None:
        """The server takes requests slower than the client sends: stop (or resume) reading it."""
        if self._client is None:
            return
        if congested:
            self._client.pause_reading()
        else:
            self._client.resume_reading()

    def abort(self) -> None:
        """Cut both connections with a reset, as a host going down does."""
        for transport in (self._client, self._server):
            if transport is not None:
                with contextlib.suppress(RuntimeError):
                    transport.abort()


class _Upstream(asyncio.Protocol):
    def __init__(self, link: _Link) -> None:
        self._link = link

    def data_received(self, data: bytes) -> None:
        self._link.from_server(data)

    def pause_writing(self) -> None:
        self._link.server_congested(True)

    def resume_writing(self) -> None:
        self._link.server_congested(False)

    def connection_lost(self, exc: Exception | None) -> None:
        self._link.server_lost()
