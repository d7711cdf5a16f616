"""The outbound leg's channel writers: a channel told of the ERP's stock and shipments."""

from tasks.outbound.channels import ChannelWriters
from tasks.outbound.writer import ChannelWriter

__all__ = ["ChannelWriter", "ChannelWriters"]
