"""How a reconciliation run fails for one channel.

ReconcileError
├── ChannelUnreachable   the channel's API did not give every page (down, refusing, throttling
│                        without end): the run stops for that channel and its cursor stays
└── RunInProgress        another run of the channel holds its lease: this one does not start
"""

from __future__ import annotations

from weir.errors import WeirError

__all__ = ["ChannelUnreachable", "ReconcileError", "RunInProgress"]


class ReconcileError(WeirError):
    """A reconciliation run could not finish."""


class ChannelUnreachable(ReconcileError):
    """The channel's API did not answer every page of the window; nothing past the cursor is
    taken as seen, so the next run lists the same window again."""


class RunInProgress(ReconcileError):
    """Another process is reconciling the channel now."""
