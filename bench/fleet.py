"""Weir's processes for a benchmark: the receiver, workers bound to lanes, and the ERP simulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

__all__ = ["Processes", "wait_until"]

REPO = Path(__file__).resolve().parents[1]


def wait_until(check: object, *, timeout: float, what: str) -> None:
    """Poll ``check()`` until it is true, or exit the benchmark after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gave up waiting for {what} after {timeout:.0f} s")


class Processes:
    """Child processes sharing one environment; their output goes to ``logs``."""

    def __init__(self, env: Mapping[str, str], logs: Path) -> None:
        self._env = {**os.environ, **env}
        self._logs = logs
        self._children: list[tuple[str, subprocess.Popen[bytes]]] = []
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, *args: str, niceness: int = 0) -> subprocess.Popen[bytes]:
        """Start ``python *args`` as ``name``; a negative ``niceness`` (root only) schedules it
        ahead of the others."""
        log = (self._logs / f"{name}-{len(self._children)}.log").open("ab")
        child = subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO,
            env=self._env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if niceness:
            os.setpriority(os.PRIO_PROCESS, child.pid, niceness)
        self._children.append((name, child))
        return child

    def stop(self, prefix: str = "") -> None:
        """SIGTERM the children whose name starts with ``prefix`` (all by default) and wait."""
        chosen = [child for name, child in reversed(self._children) if name.startswith(prefix)]
        for child in chosen:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in chosen:
            try:
                child.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
