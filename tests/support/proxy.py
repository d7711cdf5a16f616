"""A real TCP proxy in front of a real server, which a test can cut, restore or make hold answers.

It stands in for network faults without mocking anything: clients talk TCP to it and it talks
TCP to the real RabbitMQ, Redis or Tryton.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

__all__ = ["TcpProxy"]


class TcpProxy:
    """Forwards ``127.0.0.1:<port>`` to ``upstream``.

    * :meth:`cut` closes every connection and refuses new ones; :meth:`restore` listens again.
    * :meth:`hold_after` stops passing the server's answers back on the connection whose request
      contains a pattern (the server did the work; the client never hears of it).
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pattern: bytes | None = None
        self.held = threading.Event()
        self.port = 0

    def start(self) -> int:
        self._thread.start()
        self._call(self._listen())
        return self.port

    def cut(self) -> None:
        self._call(self._cut())

    def restore(self) -> None:
        self._call(self._listen())

    def hold_after(self, pattern: bytes) -> threading.Event:
        """From now on, hold the answers to the first request containing ``pattern``."""
        self._pattern = pattern
        self.held.clear()
        return self.held

    def stop(self) -> None:
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            client_writer.close()
            return
        self._writers.update((client_writer, server_writer))
        held = asyncio.Event()
        await asyncio.gather(
            self._pipe(client_reader, server_writer, watch=held),
            self._pipe(server_reader, client_writer, hold=held),
            return_exceptions=True,
        )
        self._writers.difference_update((client_writer, server_writer))

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        watch: asyncio.Event | None = None,
        hold: asyncio.Event | None = None,
    ) -> None:
        try:
            while data := await reader.read(65536):
                if watch is not None and self._pattern is not None and self._pattern in data:
                    self._pattern = None
                    watch.set()
                    self.held.set()
                if hold is not None and hold.is_set():
                    continue
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
