"""A signed sample order for any HTTP channel, as its provider would post it (``weir send-sample``),
and what the workers will make of it: a sale, or why none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from channels import GenericHmacOptions, ProviderOptions, SquareOptions
from events import topics
from samples import payloads

__all__ = ["NoSale", "SampleChannel", "SignedSample", "signed_sample_order"]

Lines = Sequence[tuple[str, int, str]]
OptionsT = TypeVar("OptionsT", bound=ProviderOptions)


@dataclass(frozen=True)
class NoSale:
    """Why the workers make no sale of a sample (a sentence without its full stop), and whether
    its event ends in the dead letters."""

    why: str
    dead_letter: bool


@dataclass(frozen=True)
class SignedSample:
    """A request to post: its body and headers, and the order id its ERP reference is built from.
    ``no_sale`` says why the workers make no sale of it; ``None`` when they make the sale."""

    body: bytes
    headers: dict[str, str]
    order_key: str
    no_sale: NoSale | None = None


@dataclass(frozen=True)
class SampleChannel:
    """What a sample is signed for: the channel's name, its provider's name, its secrets and its
    provider's options (a receivers' channel holds all four)."""

    name: str
    provider: str
    secrets: Sequence[str] = field(repr=False)
    options: ProviderOptions = field(repr=False)


def signed_sample_order(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    """A new order for ``channel``, signed with its first secret.

    Raises:
        ValueError: the channel's provider does not post over HTTP (Amazon reads from SQS).
    """
    build = _SAMPLES.get(channel.provider)
    if build is None:
        raise ValueError(f"{channel.provider} channels are not posted to: they read from a queue")
    return build(channel, order_id, lines)


def _shopify(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    body = payloads.encode(payloads.shopify_order(order_id, lines=lines))
    return SignedSample(body, payloads.shopify_headers(body, channel.secrets[0]), str(order_id))


def _standard(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    body = payloads.encode(payloads.standard_order(f"PO-{order_id}", lines=lines))
    return SignedSample(body, payloads.standard_headers(body, channel.secrets[0]), f"PO-{order_id}")


def _woocommerce(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    body = payloads.php_encode(payloads.woocommerce_order(order_id, lines=lines))
    return SignedSample(body, payloads.woocommerce_headers(body, channel.secrets[0]), str(order_id))


def _bigcommerce(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    body = payloads.encode(payloads.bigcommerce_event("store/order/created", order_id))
    headers = payloads.bigcommerce_headers(body, channel.secrets[0])
    return SignedSample(body, headers, str(order_id), _thin("BigCommerce", order_id))


def _square(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    url = _options(channel, SquareOptions).notification_url
    body = payloads.encode(payloads.square_event("order.created", str(order_id)))
    headers = payloads.square_headers(body, channel.secrets[0], url)
    return SignedSample(body, headers, str(order_id), _thin("Square", order_id))


def _stripe(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    intent = {"id": f"pi_{order_id}", "object": "payment_intent", "metadata": {"order_id": str(order_id)}}
    body = payloads.encode(payloads.stripe_event("payment_intent.succeeded", intent))
    why = (
        f"the sample is a Stripe payment (pi_{order_id}) for order {order_id}, and a payment carries no "
        "order lines: the order's own channel makes the sale, and the workers change nothing in the ERP for it"
    )
    headers = payloads.stripe_headers(body, channel.secrets[0])
    return SignedSample(body, headers, f"pi_{order_id}", NoSale(why, dead_letter=False))


def _hmac(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    options = _options(channel, GenericHmacOptions)
    body = payloads.encode(payloads.standard_order(f"PO-{order_id}", lines=lines)["data"])
    names = (options.signature_header, options.delivery_header, options.topic_header)
    topic = _order_topic(options)
    headers = payloads.hmac_headers(body, channel.secrets[0], topic=topic or topics.ORDER_CREATED, names=names)
    if topic is not None:
        return SignedSample(body, headers, f"PO-{order_id}")
    translated = options.topics[topics.ORDER_CREATED]
    why = (
        f"channel {channel.name} reads no topic as {topics.ORDER_CREATED}: its topics option turns the "
        f"sample's {topics.ORDER_CREATED} into {translated}"
    )
    return SignedSample(body, headers, f"PO-{order_id}", NoSale(why, dead_letter=False))


def _order_topic(options: GenericHmacOptions) -> str | None:
    """The topic the channel reads as a new order (``None`` if it reads none so)."""
    for sent, canonical in options.topics.items():
        if canonical == topics.ORDER_CREATED:
            return sent
    return None if topics.ORDER_CREATED in options.topics else topics.ORDER_CREATED


def _thin(provider: str, order_id: int) -> NoSale:
    # The sample names the order only, as the provider's webhook does; the worker fetches it from
    # the store, where a made-up order does not exist (or finds no API configured to ask).
    why = (
        f"{provider}'s webhook names the order only, and the worker fetches order {order_id} from the "
        "channel's store API, which holds no sample order (the --sku lines are not sent)"
    )
    return NoSale(why, dead_letter=True)


def _options(channel: SampleChannel, kind: type[OptionsT]) -> OptionsT:
    if not isinstance(channel.options, kind):
        raise ValueError(f"channel {channel.name} has no {kind.__name__}")
    return channel.options


_SAMPLES: Mapping[str, Callable[[SampleChannel, int, Lines], SignedSample]] = MappingProxyType(
    {
        "shopify": _shopify,
        "standard": _standard,
        "woocommerce": _woocommerce,
        "bigcommerce": _bigcommerce,
        "square": _square,
        "stripe": _stripe,
        "hmac": _hmac,
    }
)
