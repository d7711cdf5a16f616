"""What a receiver counts itself, for ``GET /metrics``: webhook answers by channel and status.

With several server processes (``WEIR_WEB_PROCESSES``) a scrape reaches any one of them, so
their counters are shared through prometheus-client's multiprocess mode: ``python -m
receivers`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before it starts them (the
client library decides by that variable, at import), and each scrape sums every process's files.
"""

from __future__ import annotations

import os
from collections.abc import Collection

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

__all__ = ["MULTIPROCESS_VARIABLE", "ReceiverMetrics"]

#: The variable by which prometheus-client shares metrics between processes.
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

#: The channel label of requests to channels nobody configured (their names are the caller's
#: choice, so they must not become labels).
UNKNOWN_CHANNEL = "unknown"


class ReceiverMetrics:
    """The registry a receiver serves: its webhook counter, for ``channels``, and ``fleet`` (the
    whole fleet's metrics, from :mod:`oncall.metrics`) if given."""

    def __init__(self, channels: Collection[str], fleet: Collector | None = None) -> None:
        self.registry = CollectorRegistry()
        shared = os.environ.get(MULTIPROCESS_VARIABLE)
        self._answers = Counter(
            "weir_webhooks",
            "Webhook requests answered by this receiver, by channel and HTTP status.",
            ["channel", "status"],
            registry=None if shared else self.registry,
        )
        if shared:
            MultiProcessCollector(self.registry, path=shared)  # type: ignore[no-untyped-call]
        if fleet is not None:
            self.registry.register(fleet)
        self._channels = frozenset(channels)
        self._children: dict[tuple[str, int], Counter] = {}

    def count_answer(self, channel: str, status: int) -> None:
        """Count one webhook answered with ``status`` (cheap: it is on every webhook's path)."""
        key = (channel if channel in self._channels else UNKNOWN_CHANNEL, status)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._answers.labels(key[0], str(status))
        child.inc()
