"""AMQP 0-9-1 framing: publish frames packed by hand (the hot path), the rest through pamqp.

A frame is ``type (1 byte) | channel (2) | size (4) | payload (size) | 0xCE``.
"""

from __future__ import annotations

import struct

from pamqp import frame as pamqp_frame
from pamqp.base import Frame

__all__ = [
    "ACK",
    "HEARTBEAT",
    "METHOD",
    "PROTOCOL_HEADER",
    "FrameBuffer",
    "ack_of",
    "method",
    "publish",
    "unmarshal",
]

METHOD, HEADER, BODY, HEARTBEAT = 1, 2, 3, 8
PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"
HEARTBEAT_FRAME = struct.pack(">BHI", HEARTBEAT, 0, 0) + b"\xce"

#: Method payloads start with class id and method id; Basic.Ack is (60, 80).
ACK = b"\x00\x3c\x00\x50"
_PUBLISH = b"\x00\x3c\x00\x28\x00\x00\x00"  # Basic.Publish, ticket 0, exchange "" (default)
_MANDATORY = b"\x01"
# Property flags: content-type (bit 15), delivery-mode (bit 12), message-id (bit 7).
_PROPERTY_FLAGS = struct.pack(">H", 0x9080)
_JSON = b"\x10application/json"
_PERSISTENT = b"\x02"
_FRAME = struct.Struct(">BHI")
_FRAME_END = b"\xce"
_OVERHEAD = 8  # frame header and end byte


def method(channel: int, value: Frame) -> bytes:
    """A method frame, marshalled by pamqp."""
    return pamqp_frame.marshal(value, channel)


def publish(channel: int, routing_key: bytes, body: bytes, message_id: bytes, frame_max: int) -> list[bytes]:
    """The frames of one mandatory, persistent JSON publish to the default exchange.

    ``routing_key`` and ``message_id`` must be at most 255 bytes; ``frame_max`` is the
    negotiated largest frame, in bytes, which splits the body.
    """
    if len(routing_key) > 255 or len(message_id) > 255:
        raise ValueError("routing keys and message ids are at most 255 bytes")
    publish_payload = _PUBLISH + bytes((len(routing_key),)) + routing_key + _MANDATORY
    properties = _PROPERTY_FLAGS + _JSON + _PERSISTENT + bytes((len(message_id),)) + message_id
    header_payload = struct.pack(">HHQ", 60, 0, len(body)) + properties
    frames = [_FRAME.pack(METHOD, channel, len(publish_payload)), publish_payload, _FRAME_END]
    frames += [_FRAME.pack(HEADER, channel, len(header_payload)), header_payload, _FRAME_END]
    step = frame_max - _OVERHEAD
    for start in range(0, len(body), step):
        chunk = body[start : start + step]
        frames += [_FRAME.pack(BODY, channel, len(chunk)), chunk, _FRAME_END]
    return frames


def ack_of(payload: bytes) -> tuple[int, bool]:
    """Delivery tag and ``multiple`` flag of a Basic.Ack method payload."""
    tag, bits = struct.unpack_from(">QB", payload, 4)
    return tag, bool(bits & 1)


class FrameBuffer:
    """Cuts a byte stream into frames: ``(type, channel, payload)``, or raw frames for pamqp."""

    def __init__(self) -> None:
        self._data = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, int, bytes, bytes]]:
        """Every complete frame so far, as ``(type, channel, payload, whole frame)``.

        Raises:
            ValueError: the stream is not AMQP framing.
        """
        self._data += data
        frames = []
        offset = 0
        while len(self._data) - offset >= 7:
            frame_type, channel, size = _FRAME.unpack_from(self._data, offset)
            end = offset + 7 + size
            if len(self._data) < end + 1:
                break
            if self._data[end] != 0xCE:
                raise ValueError("malformed AMQP frame (no frame end)")
            whole = bytes(self._data[offset : end + 1])
            frames.append((frame_type, channel, whole[7:-1], whole))
            offset = end + 1
        del self._data[:offset]
        return frames


def unmarshal(whole: bytes) -> object:
    """A complete frame as pamqp's object for it."""
    return pamqp_frame.unmarshal(whole)[2]
