"""From a provider's payload to the canonical model, for every provider Weir reads."""

from events.mapping.bigcommerce import BigCommerceResource
from events.mapping.dispatch import MAPPINGS, canonical_events, thin_resource

__all__ = ["MAPPINGS", "BigCommerceResource", "canonical_events", "thin_resource"]
