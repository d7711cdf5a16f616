"""The outbound leg's channel writers: a channel told of the ERP's stock and shipments."""
