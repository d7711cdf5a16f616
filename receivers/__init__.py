"""Receivers: verify, deduplicate, classify and enqueue provider webhooks. They never call the ERP."""

from receivers.app import ReceiverConfig, create_app
from receivers.intake import Intake, Receipt

__all__ = ["Intake", "Receipt", "ReceiverConfig", "create_app"]
