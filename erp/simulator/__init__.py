"""The ERP simulator (see the top-level ``simulator`` package) as Weir's ERP: client and adapter."""

from erp.simulator.adapter import SimulatorErp, customer_code
from erp.simulator.client import SimulatorClient

__all__ = ["SimulatorClient", "SimulatorErp", "customer_code"]
