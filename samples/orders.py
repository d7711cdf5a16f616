"""A signed sample order for any HTTP channel, as its provider would post it (``weir send-sample``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from channels import GenericHmacOptions, ProviderOptions, SquareOptions
from samples import payloads

__all__ = ["SampleChannel", "SignedSample", "signed_sample_order"]

Lines = Sequence[tuple[str, int, str]]
OptionsT = TypeVar("OptionsT", bound=ProviderOptions)


@dataclass(frozen=True)
class SignedSample:
    """A request to post: its body and headers, and the order id its ERP reference is built from."""

    body: bytes
    headers: dict[str, str]
    order_key: str


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
    return SignedSample(body, payloads.bigcommerce_headers(body, channel.secrets[0]), str(order_id))


def _square(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    url = _options(channel, SquareOptions).notification_url
    body = payloads.encode(payloads.square_event("order.created", str(order_id)))
    headers = payloads.square_headers(body, channel.secrets[0], url)
    return SignedSample(body, headers, str(order_id))


def _stripe(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    intent = {"id": f"pi_{order_id}", "object": "payment_intent", "metadata": {"order_id": str(order_id)}}
    body = payloads.encode(payloads.stripe_event("payment_intent.succeeded", intent))
    return SignedSample(body, payloads.stripe_headers(body, channel.secrets[0]), f"pi_{order_id}")


def _hmac(channel: SampleChannel, order_id: int, lines: Lines) -> SignedSample:
    options = _options(channel, GenericHmacOptions)
    body = payloads.encode(payloads.standard_order(f"PO-{order_id}", lines=lines)["data"])
    names = (options.signature_header, options.delivery_header, options.topic_header)
    return SignedSample(body, payloads.hmac_headers(body, channel.secrets[0], names=names), f"PO-{order_id}")


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
