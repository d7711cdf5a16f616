"""Per-channel provider options: a channel's ``[channels.<name>.options]`` table.

Each provider that takes options declares them as a subclass of :class:`ProviderOptions`; the
channels file is checked against it at start-up, so a misspelt or misplaced option stops the
process instead of being ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["NoOptions", "ProviderOptions"]


class ProviderOptions(BaseModel):
    """One provider's options for one channel. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def inline_secrets(self) -> tuple[str, ...]:
        """Secrets written in the options themselves (not the signing secrets), which production
        refuses when they are this repository's demo values."""
        return ()


class NoOptions(ProviderOptions):
    """The options of providers that take none: any key is refused."""
