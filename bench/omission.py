"""Latency percentiles as wrk reports them: corrected for coordinated omission.

A closed-loop generator (each connection waits for its answer before sending again) stops
sending while the server stalls, so it never times the requests that would have arrived during
the stall. wrk 4 makes up for them after its run: for every latency ``L`` at least twice the
expected interval ``E`` between one connection's requests, it adds synthetic samples ``L - E``,
``L - 2E``, ... down to ``E``. Its p99 is therefore an open-loop estimate, not what any request
measured; this module applies the same correction to a Python generator's latencies, so the two
generators' figures can be compared on one footing.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["corrected_latencies"]


def corrected_latencies(latencies_ms: Sequence[float], *, connections: int, seconds: float) -> list[float]:
    """``latencies_ms`` (of requests on ``connections`` closed-loop connections over ``seconds``)
    with wrk's synthetic samples added, in milliseconds, unsorted."""
    if not latencies_ms:
        return []
    expected = seconds * 1000 / (len(latencies_ms) / connections)
    corrected = list(latencies_ms)
    for latency in latencies_ms:
        if latency < 2 * expected:
            continue
        synthetic = latency - expected
        while synthetic > expected:
            corrected.append(synthetic)
            synthetic -= expected
    return corrected
