"""A Square channel's options: the notification URL its signatures cover, and the Orders API the
worker fetches full orders from."""

from __future__ import annotations

from pydantic import Field, field_validator

from channels.options import AccessTokenOptions

__all__ = ["SquareOptions"]


class SquareOptions(AccessTokenOptions):
    """``notification_url``: the subscription's URL exactly as registered with Square.

    Where the worker fetches the full order a summary names: ``api_base_url`` is Square's API
    root (``https://connect.squareup.com``, or ``https://connect.squareupsandbox.com``), read
    with the access token (see :class:`AccessTokenOptions`). Both are optional for receiving.

    ``location_id`` is the location whose inventory the ERP's stock levels are written to; without
    it, a seller's one active location (a seller with several must name one).
    """

    notification_url: str
    api_base_url: str | None = None
    location_id: str | None = Field(default=None, min_length=1)

    @field_validator("notification_url")
    @classmethod
    def _an_http_url(cls, url: str) -> str:
        if not url.startswith(("https://", "http://")) or any(char.isspace() for char in url):
            raise ValueError("notification_url must be the http(s) URL registered with Square, exactly")
        return url

    @field_validator("api_base_url")
    @classmethod
    def _an_api_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError("api_base_url must be an http(s) URL")
        return url
