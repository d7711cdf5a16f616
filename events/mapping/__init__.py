"""From a provider's payload to the canonical model, for every provider Weir reads."""

from events.mapping.dispatch import customer_from, order_from

__all__ = ["customer_from", "order_from"]
