"""A gate in front of a shared downstream, enforced for the whole fleet through Redis.

Every call asks :meth:`FleetGate.admit` first and reports with :meth:`FleetGate.settle` after,
so the fleet together never exceeds the :class:`~throttling.policy.GatePolicy`, however many
processes and hosts share the gate. Both run one Lua script each (``admit.lua``, ``settle.lua``),
so a decision is one round trip and atomic. Time is Redis's clock unless a test supplies one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import redis
from redis.commands.core import Script

from throttling.background import BackgroundWrites
from throttling.errors import GateUnavailable
from throttling.lean_redis import LeanRedis, LuaScript
from throttling.policy import GatePolicy
from throttling.scripts import lua
from throttling.tokens import new_token

__all__ = ["LATENCY_BOUNDS_MS", "Admission", "CallCounters", "FleetGate", "GateState", "Outcome"]

#: The upper bounds of the latency histogram's buckets, in ms (Prometheus's defaults, in ms).
LATENCY_BOUNDS_MS = (5, 10, 25, 50, 75, 100, 250, 500, 750, 1_000, 2_500, 5_000, 7_500, 10_000)

Outcome = Literal["ok", "failure", "throttled"]
Cause = Literal["ok", "breaker_open", "probing", "paused", "concurrency", "rate"]


@dataclass(frozen=True, slots=True)
class Admission:
    """The gate's answer: ``granted`` with a ``ticket`` to settle, or a ``wait_ms`` and its ``cause``."""

    granted: bool
    wait_ms: int
    cause: Cause
    ticket: str = ""
    probe: bool = False


@dataclass(frozen=True, slots=True)
class GateState:
    """What the gate holds now: the breaker, and until when (Unix ms) it is open or paused."""

    breaker: Literal["closed", "open", "half"]
    open_until_ms: int
    paused_until_ms: int
    now_ms: int

    @property
    def blocked_for_ms(self) -> int:
        """How long no call will be admitted, at least (0 if calls may go now)."""
        blocked = self.paused_until_ms
        if self.breaker == "open":
            blocked = max(blocked, self.open_until_ms)
        return max(0, blocked - self.now_ms)


@dataclass(frozen=True, slots=True)
class CallCounters:
    """Every call the gate was told about since it began: by outcome, and a latency histogram
    (``buckets`` maps each bound of :data:`LATENCY_BOUNDS_MS`, and ``inf``, to the calls at or
    under it: cumulative, as Prometheus has it)."""

    outcomes: dict[str, int]
    buckets: dict[float, int]
    latency_count: int
    latency_sum_ms: float


class FleetGate:
    """Rate, concurrency, tier shares and a circuit breaker, shared through one Redis.

    ``clock`` returns the time in Unix ms to use instead of Redis's (tests move it by hand).
    An unmetered policy asks Redis only while the breaker or a pause holds calls back: the
    gate's state is read at most every ``state_cache_ms`` and calls go without a round trip
    while it says closed (their outcomes still reach the breaker through :meth:`settle`).
    With ``lean``, :meth:`admit` (the worker's hot path) goes through it rather than through
    redis-py's pooling and argument handling.

    >>> gate = FleetGate(client, prefix="weir:erp:", policy=GatePolicy(rate_per_second=100, concurrency=8))
    >>> admission = gate.admit(tier=1)
    >>> if admission.granted:
    ...     gate.settle(admission, "ok")
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str,
        policy: GatePolicy,
        clock: Callable[[], int] | None = None,
        background: BackgroundWrites | None = None,
        state_cache_ms: int = 250,
        lean: LeanRedis | None = None,
    ) -> None:
        self._client = client
        self._lean = lean
        self._policy = policy
        self._clock = clock
        self._background = background
        self._state_cache_ms = state_cache_ms
        self._cached: tuple[float, bool] = (-1e9, False)
        self._cache_lock = threading.Lock()
        self._keys = [f"{prefix}state", f"{prefix}inflight", f"{prefix}window", f"{prefix}calls", f"{prefix}recent"]
        self._admit: Script = client.register_script(lua("admit"))
        self._settle: Script = client.register_script(lua("settle"))
        self._settle_script = LuaScript(lua("settle"))
        self._admit_script = LuaScript(lua("admit"))

    @property
    def policy(self) -> GatePolicy:
        return self._policy

    def admit(self, tier: int) -> Admission:
        """Ask to make one call now as ``tier`` (1 = highest priority).

        Raises:
            GateUnavailable: Redis did not answer.
        """
        if not 1 <= tier <= self._policy.tiers:
            raise ValueError(f"tier must be within 1..{self._policy.tiers}")
        if self._policy.unmetered and self._open_recently():
            return Admission(True, 0, "ok", ticket=new_token())
        policy = self._policy
        ticket = new_token()
        args: list[str | int | float] = [
            self._now(), tier, ticket, policy.rate_per_second, policy.burst, policy.concurrency,
            policy.lease_ms, ",".join(str(share) for share in policy.tier_shares) or "0",
            policy.breaker_probes, policy.ramp_per_ms, policy.probe_wait_ms,
        ]  # fmt: skip
        granted, wait, cause, probe = self._run_admit(args)
        return Admission(bool(granted), int(wait), _text(cause), ticket if granted else "", bool(probe))  # type: ignore[arg-type]

    def settle(
        self, admission: Admission, outcome: Outcome, *, pause_ms: int = 0, latency_ms: float | None = None
    ) -> str:
        """Report how a granted call went; ``pause_ms`` is the downstream's Retry-After, if any,
        ``latency_ms`` how long the call took.

        Returns the breaker's state after it. Raises :class:`GateUnavailable` (the call's slot
        is then freed when its lease ends).
        """
        args = self._settle_args(admission, outcome, pause_ms, latency_ms)
        return _text(self._run(self._settle, args, self._keys))

    def settle_later(
        self, admission: Admission, outcome: Outcome, *, pause_ms: int = 0, latency_ms: float | None = None
    ) -> None:
        """:meth:`settle` without waiting: through the gate's background writes if it has them.

        Raises:
            GateUnavailable: only when there are no background writes and Redis did not answer.
        """
        if self._background is None:
            self.settle(admission, outcome, pause_ms=pause_ms, latency_ms=latency_ms)
            return
        args = self._settle_args(admission, outcome, pause_ms, latency_ms)
        self._background.submit(self._settle_script, self._keys, args)

    def recent_calls(self, window_seconds: int) -> tuple[int, float | None]:
        """Calls settled in the last ``window_seconds`` full seconds (at most 120), and their
        average latency in ms (``None`` when none was measured)."""
        raw, now = self._read(lambda pipeline: pipeline.hgetall(self._keys[4]))
        latest = now // 1000 - 1
        calls, summed = 0, 0.0
        for field, value in raw.items():
            kind, _, second = _text(field).partition(":")
            if kind in ("n", "ms") and latest - window_seconds < int(second) <= latest:
                if kind == "n":
                    calls += int(value)
                else:
                    summed += float(value)
        return calls, (summed / calls if calls and summed else None)

    def factor(self) -> float:
        """The fraction of the rate the gate allows now, after throttles and slow starts (1 = all)."""
        (factor, since), now = self._read(lambda pipeline: pipeline.hmget(self._keys[0], ["factor", "factor_at"]))
        if factor is None:
            return 1.0
        at = float(since) if since is not None else now
        return min(1.0, float(factor) + self._policy.ramp_per_ms * max(0.0, now - at))

    def counters(self) -> CallCounters:
        """Every call settled since the gate began, by outcome and latency."""
        raw, _ = self._read(lambda pipeline: pipeline.hgetall(self._keys[3]))
        fields = {_text(name): value for name, value in raw.items()}
        outcomes = {
            name.removeprefix("outcome:"): int(value) for name, value in fields.items() if name.startswith("outcome:")
        }
        buckets: dict[float, int] = {}
        running = 0
        for bound in (*LATENCY_BOUNDS_MS, "+Inf"):
            running += int(fields.get(f"le:{bound}", 0))
            buckets[float("inf") if bound == "+Inf" else float(bound)] = running
        return CallCounters(
            outcomes=outcomes,
            buckets=buckets,
            latency_count=int(fields.get("latency_count", 0)),
            latency_sum_ms=float(fields.get("latency_sum_ms", 0)),
        )

    def state(self) -> GateState:
        """The breaker and pause as they stand (one round trip, no script)."""
        fields, now = self._read(
            lambda pipeline: pipeline.hmget(self._keys[0], ["breaker", "open_until", "paused_until"])
        )
        breaker, open_until, paused_until = fields
        return GateState(
            breaker=_text(breaker or b"closed"),  # type: ignore[arg-type]
            open_until_ms=int(float(open_until or 0)),
            paused_until_ms=int(float(paused_until or 0)),
            now_ms=now,
        )

    def _open_recently(self) -> bool:
        """Whether the gate was neither broken nor paused when last read (at most a cache ago)."""
        with self._cache_lock:
            read_at, clear = self._cached
            now = time.monotonic()
            if (now - read_at) * 1000 < self._state_cache_ms:
                return clear
            state = self.state()
            clear = state.breaker == "closed" and state.blocked_for_ms == 0
            self._cached = (now, clear)
            return clear

    def _read(self, query: Callable[[Any], object]) -> tuple[Any, int]:
        """One read and Redis's clock (or the test's), in one round trip: (answer, now in ms)."""
        pipeline = self._client.pipeline(transaction=False)
        query(pipeline)
        pipeline.time()
        try:
            answer, (seconds, micros) = pipeline.execute()
        except redis.RedisError as exc:
            raise GateUnavailable(f"cannot read the gate: {exc}") from exc
        return answer, self._clock() if self._clock else int(seconds) * 1000 + int(micros) // 1000

    def _settle_args(
        self, admission: Admission, outcome: Outcome, pause_ms: int, latency_ms: float | None
    ) -> list[str | int | float]:
        policy = self._policy
        return [
            self._now(), admission.ticket, outcome, pause_ms, int(admission.probe),
            policy.breaker_window_seconds, policy.breaker_min_calls, policy.breaker_failure_rate,
            policy.breaker_cooldown_ms, policy.min_factor, policy.default_pause_ms, policy.ramp_per_ms,
            "" if latency_ms is None else round(latency_ms, 3), _BOUNDS,
        ]  # fmt: skip

    def _now(self) -> int | str:
        return self._clock() if self._clock else ""

    def _run_admit(self, args: list[str | int | float]) -> Any:
        if self._lean is None:
            return self._run(self._admit, args, self._keys[:2])
        try:
            reply = self._lean.run(self._admit_script, self._keys[:2], args)
        except redis.RedisError as exc:
            raise GateUnavailable(f"the gate did not answer: {exc}") from exc
        if isinstance(reply, Exception):
            raise GateUnavailable(f"the gate failed: {reply}")
        return reply

    def _run(self, script: Script, args: Sequence[str | int | float], keys: list[str]) -> Any:
        try:
            return script(keys=keys, args=args)
        except redis.RedisError as exc:
            raise GateUnavailable(f"the gate did not answer: {exc}") from exc


_BOUNDS = ",".join(str(bound) for bound in LATENCY_BOUNDS_MS)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
