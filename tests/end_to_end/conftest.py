"""The fleet as ``make run`` starts it: ``python -m receivers`` and ``python -m workers <lane>``
as real processes, on the real RabbitMQ, Redis and Tryton, isolated in the test's namespace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis

from erp.settings import ErpSettings
from tests.support.failures import has_failed
from tests.support.net import eventually, free_port
from tests.support.servers import ServiceProcess


@dataclass
class Fleet:
    """Starts and stops Weir's processes with one environment."""

    env: dict[str, str]
    logs: Path
    processes: list[ServiceProcess] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    def receiver(self) -> ServiceProcess:
        process = self._start(["-m", "receivers"], "receiver")
        eventually(self._ready, timeout=30, interval=0.2, what="the receiver to be ready")
        return process

    def sqs_receiver(self) -> ServiceProcess:
        """``python -m receivers.sqs``, polling the Amazon channels' queues."""
        return self._start(["-m", "receivers.sqs"], "sqs")

    def worker(self, lane: str = "critical", *, threads: int = 2, **env: str) -> ServiceProcess:
        return self._start(["-m", "workers", lane, "--threads", str(threads)], f"worker-{lane}", env)

    def reconcile(self, **env: str) -> ServiceProcess:
        """``python -m reconcile``, with extra ``WEIR_*`` settings."""
        return self._start(["-m", "reconcile"], "reconcile", env)

    def outbound(self, **env: str) -> ServiceProcess:
        """``python -m outbound``, with extra ``WEIR_*`` settings."""
        return self._start(["-m", "outbound"], "outbound", env)

    def post(self, channel: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(f"{self.url}/webhooks/{channel}", content=body, headers=headers, timeout=10)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}" for path in sorted(self.logs.glob("*.log"))
        )

    def _start(self, args: list[str], name: str, extra: dict[str, str] | None = None) -> ServiceProcess:
        log = self.logs / f"{name}-{len(self.processes)}.log"
        process = ServiceProcess(args, {**self.env, **(extra or {})}, log).start()
        self.processes.append(process)
        return process

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


def await_first_reads(redis_client: redis.Redis, namespace: str) -> None:
    """Wait until ``python -m outbound`` has made its first reads (both cursors stored). Its first
    read looks back only ``WEIR_OUTBOUND_FIRST_LOOKBACK_SECONDS``: a change the ERP made before a
    slow start is never read."""
    keys = [f"{namespace}:outbound:cursor:{which}" for which in ("stock", "shipments")]
    eventually(lambda: all(redis_client.exists(key) for key in keys), timeout=60, what="the outbound first reads")


def simulator_env(namespace: str, url: str, **settings: object) -> dict[str, str]:
    """A fleet whose ERP is the simulator at ``url``, with extra ``WEIR_*`` settings."""
    return {
        "WEIR_NAMESPACE": namespace,
        "PORT": str(free_port()),
        "WEIR_ERP_KIND": "simulator",
        "WEIR_ERP_URL": url,
        "WEIR_ERP_TIMEOUT_SECONDS": "5",
        "WEIR_ENTITY_LEASE_SECONDS": "2",
        "WEIR_LOG_LEVEL": "INFO",
        **{name: str(value) for name, value in settings.items()},
    }


def fleet_env(namespace: str, erp: ErpSettings) -> dict[str, str]:
    return {
        "WEIR_NAMESPACE": namespace,
        "PORT": str(free_port()),
        "WEIR_ERP_URL": str(erp.url),
        "WEIR_ERP_DATABASE": erp.database,
        "WEIR_ERP_USER": erp.user,
        "WEIR_ERP_PASSWORD": erp.password.get_secret_value(),
        # A killed worker's unfinished sales are resumed 5 s after its last write, not 30.
        "WEIR_ERP_RESUME_AFTER_SECONDS": "5",
        "WEIR_ENTITY_LEASE_SECONDS": "2",
        "WEIR_LOG_LEVEL": "INFO",
    }


@contextmanager
def running_fleet(env: dict[str, str], logs: Path, request: pytest.FixtureRequest) -> Iterator[Fleet]:
    """A fleet stopped on the way out whatever happened, its output printed if the test failed."""
    fleet = Fleet(env=env, logs=logs)
    try:
        yield fleet
    finally:
        fleet.stop()
    if has_failed(request.node):
        print(fleet.output())


@pytest.fixture
def fleet(namespace: str, tryton: ErpSettings, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Fleet]:
    with running_fleet(fleet_env(namespace, tryton), tmp_path, request) as fleet:
        yield fleet
