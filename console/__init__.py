"""The on-call web console: the fleet's status, dead letters by cause, replay and purge with a
plan and a confirmation, the audit log; guarded by ``WEIR_CONSOLE_TOKEN``."""

from console.app import create_app
from console.settings import ConsoleConfig, ConsoleSettings, build_config

__all__ = ["ConsoleConfig", "ConsoleSettings", "build_config", "create_app"]
