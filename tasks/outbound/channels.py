"""The channels' writers, each behind its channel's fleet-wide gate.

A channel's gate is the one its API lookups and reconciliation pass (``<namespace>:channel-api:
<channel>:``), so the workers' lookups, reconciliation and the outbound leg share one rate per
channel API, fleet-wide, and one breaker. A call the gate holds back (rate spent, breaker open,
the channel's own pause after a 429) defers its message instead of waiting in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tasks.channel_gate import call_admitted
from tasks.errors import ChannelApiDeferred, ChannelApiRejected
from tasks.outbound.writer import ChannelWriter
from throttling import FleetGate

__all__ = ["ChannelWriters"]


class ChannelWriters:
    """``writers`` by channel; ``gates`` the gate each channel's calls pass (none: unlimited)."""

    def __init__(self, writers: Mapping[str, ChannelWriter], gates: Mapping[str, FleetGate] | None = None) -> None:
        self._writers = dict(writers)
        self._gates = dict(gates or {})

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels with a writer, in name order."""
        return tuple(sorted(self._writers))

    def tell(self, channel: str, call: Callable[[ChannelWriter], None]) -> None:
        """``call(writer)`` with ``channel``'s writer, once its gate lets a call go.

        Raises:
            ChannelApiRejected: ``channel`` has no writer (no API credentials in the channels file).
            ChannelApiDeferred: the gate holds calls back, or the channel answered 429.
            ChannelApiError: as the writer raised it.
        """
        writer = self._writers.get(channel)
        if writer is None:
            raise ChannelApiRejected(f"channel {channel} has no API credentials to be told outbound notices")
        gate = self._gates.get(channel)
        if gate is None:
            call(writer)
            return
        admission = gate.admit(tier=1)
        if not admission.granted:
            raise ChannelApiDeferred(
                f"channel {channel}'s API gate holds calls back ({admission.cause})", delay_ms=admission.wait_ms
            )
        call_admitted(admission, lambda: call(writer), gate.settle)

    def close(self) -> None:
        """Close every writer's connections."""
        for writer in self._writers.values():
            writer.close()
