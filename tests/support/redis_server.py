"""A redis-server of a test's own, on a free port and without persistence: killed and started
again, it comes back empty, as a Redis without its append-only file would. The machine's Redis
(6379), which other tests share, is never touched."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import redis

from tests.support.net import eventually, free_port

__all__ = ["RedisServer"]


class RedisServer:
    """``redis-server`` on ``127.0.0.1:<port>``, writing nothing to disk, its log in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self._directory = directory
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start it (empty) and wait until it answers PING."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self._directory)]
        with (self._directory / "redis.log").open("ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        eventually(self._answers, timeout=15, what=f"redis-server on port {self.port}")
        return self

    def kill(self) -> None:
        """SIGKILL it: every key is gone."""
        if self._process is not None and self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait(10)

    def keys(self) -> int:
        client = redis.Redis.from_url(self.url)
        try:
            return int(client.dbsize())
        finally:
            client.close()

    def _answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()
