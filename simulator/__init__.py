"""An ERP simulator for load tests and benchmarks: ``python -m simulator --port 8200``."""

from simulator.app import create_app
from simulator.control import SimulatorControl
from simulator.policy import OutagePlan, Policy, RateLimit, StormPlan
from simulator.settings import SimulatorSettings
from simulator.stats import StatsSnapshot

__all__ = [
    "OutagePlan",
    "Policy",
    "RateLimit",
    "SimulatorControl",
    "SimulatorSettings",
    "StatsSnapshot",
    "StormPlan",
    "create_app",
]
