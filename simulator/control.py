"""A client of the simulator's admin API, for tests and benchmarks.

>>> control = SimulatorControl("http://127.0.0.1:8201")
>>> control.set_policy(concurrency_limit=4, latency={"kind": "fixed", "ms": 50})
>>> control.stats().max_concurrency
0
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from pydantic import BaseModel

from simulator.policy import OutageMode, OutagePlan, Policy, StormPlan
from simulator.stats import StatsSnapshot

__all__ = ["SimulatorControl"]


class SimulatorControl:
    """Programs a running simulator at ``admin_url`` (its admin port, which never closes).

    Every method raises :class:`httpx.HTTPError` if the simulator cannot be reached or refuses.
    """

    def __init__(self, admin_url: str, *, timeout_seconds: float = 10.0) -> None:
        self._http = httpx.Client(base_url=f"{admin_url.rstrip('/')}/_admin/", timeout=timeout_seconds)

    def stats(self) -> StatsSnapshot:
        return StatsSnapshot.model_validate(self._call("GET", "stats"))

    def writes(self) -> dict[str, int]:
        """Order writes per reference, every reference."""
        writes: dict[str, int] = self._call("GET", "writes")
        return writes

    def stored(self) -> dict[str, dict[str, int]]:
        """When each sale (by reference) and customer (by code) was first stored, in Unix ms."""
        stored: dict[str, dict[str, int]] = self._call("GET", "stored")
        return stored

    def set_policy(self, **fields: Any) -> Policy:
        """Replace the policy by ``Policy(**fields)`` (omitted fields: no limit); return it."""
        return Policy.model_validate(self._call("PUT", "policy", Policy(**fields)))

    def add_outage(
        self, mode: OutageMode = "unavailable", *, start_in_seconds: float = 0.0, duration_seconds: float | None = None
    ) -> None:
        """Add an outage; one starting now holds when this returns."""
        plan = OutagePlan(mode=mode, start_in_seconds=start_in_seconds, duration_seconds=duration_seconds)
        self._call("POST", "outages", plan)

    def clear_outages(self) -> None:
        """End every outage; the public port listens again when this returns."""
        self._call("DELETE", "outages")

    def add_storm(
        self, retry_after_seconds: int, *, start_in_seconds: float = 0.0, duration_seconds: float | None = None
    ) -> None:
        plan = StormPlan(
            retry_after_seconds=retry_after_seconds,
            start_in_seconds=start_in_seconds,
            duration_seconds=duration_seconds,
        )
        self._call("POST", "storms", plan)

    def clear_storms(self) -> None:
        self._call("DELETE", "storms")

    def sell(self, skus: list[str]) -> None:
        """Sell exactly ``skus`` from now on."""
        self._call("PUT", "catalogue", {"skus": skus})

    def release(self) -> int:
        """Answer every request waiting out its latency now; return how many there were."""
        return int(self._call("POST", "release")["released"])

    def reset_stats(self) -> None:
        self._call("DELETE", "stats")

    def reset(self) -> None:
        """Everything back to the start (see ``POST /_admin/reset``)."""
        self._call("POST", "reset")

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: BaseModel | dict[str, Any] | None = None) -> Any:
        content = (
            body.model_dump_json() if isinstance(body, BaseModel) else None if body is None else orjson.dumps(body)
        )
        response = self._http.request(method, path, content=content, headers={"Content-Type": "application/json"})
        response.raise_for_status()
        return response.json()
