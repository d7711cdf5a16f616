"""From a provider's payload to the canonical model, for every provider Weir reads."""

from events.mapping.amazon import AmazonResource
from events.mapping.bigcommerce import BigCommerceResource
from events.mapping.dispatch import MAPPINGS, ThinResource, canonical_events, thin_resource
from events.mapping.shopify_lookups import ShopifyResource
from events.mapping.square import SquareResource

__all__ = [
    "MAPPINGS",
    "AmazonResource",
    "BigCommerceResource",
    "ShopifyResource",
    "SquareResource",
    "ThinResource",
    "canonical_events",
    "thin_resource",
]
