"""The outbound leg's reading side: the ERP's stock changes and done shipments, published on the
outbound lane for the outbound workers to tell the channels."""

from outbound.poll import OutboundPoller, PollReport

__all__ = ["OutboundPoller", "PollReport"]
