"""An Amazon channel's options: the SQS queue its SP-API notifications arrive on, and the SP-API
the worker fetches their orders from."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from channels.lwa import LwaOptions

__all__ = ["SP_API_NORTH_AMERICA", "AmazonOptions"]

#: SP-API's North America endpoint; Europe's is ``https://sellingpartnerapi-eu.amazon.com``, the
#: Far East's ``https://sellingpartnerapi-fe.amazon.com``.
SP_API_NORTH_AMERICA = "https://sellingpartnerapi-na.amazon.com"


class AmazonOptions(LwaOptions):
    """The SQS queue an Amazon channel's notifications arrive on, and the SP-API the worker
    fetches their orders from.

    ``queue_url`` is the queue's URL; ``region`` its AWS region (default: the AWS environment's,
    ``AWS_DEFAULT_REGION``); ``endpoint_url`` another SQS endpoint than AWS's (a local one);
    ``wait_seconds`` how long one receive waits for messages (SQS long polling, 1 to 20 s).
    Credentials come from the usual AWS chain (``AWS_ACCESS_KEY_ID``..., a profile, a role).

    ``api_base_url`` is the seller's SP-API regional endpoint (default North America's), read
    with Login with Amazon access tokens (sent as ``x-amz-access-token``): exchanged for the
    seller's refresh token as they expire, or one fixed token (see :class:`LwaOptions`).
    Without either, order changes cannot become sales.

    ``seller_id`` (the seller's merchant token) and ``marketplace_id`` (``ATVPDKIKX0DER`` for
    amazon.com) address the listings the ERP's stock levels are written to and the orders its
    shipments are confirmed on: give both or neither; without them, Amazon is not written to.
    """

    queue_url: str
    region: str | None = None
    endpoint_url: str | None = None
    wait_seconds: int = Field(default=20, ge=1, le=20)
    api_base_url: str = SP_API_NORTH_AMERICA
    seller_id: str | None = Field(default=None, min_length=1)
    marketplace_id: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _seller_and_marketplace(self) -> AmazonOptions:
        if (self.seller_id is None) != (self.marketplace_id is None):
            raise ValueError("give both seller_id and marketplace_id, or neither")
        return self

    @field_validator("queue_url", "endpoint_url", "api_base_url")
    @classmethod
    def _an_http_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return url
