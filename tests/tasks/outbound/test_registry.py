"""Which channels of a channels file get a writer: every provider with one, given credentials."""

from __future__ import annotations

from pathlib import Path

from tasks.outbound.amazon import AmazonWriter
from tasks.outbound.bigcommerce import BigCommerceWriter
from tasks.outbound.registry import channel_writers
from tasks.outbound.shopify import ShopifyWriter
from tasks.outbound.square import SquareWriter
from tasks.outbound.woocommerce import WooCommerceWriter

CHANNELS = """
[channels.shop]
provider = "shopify"
secrets = ["s1"]
options = { api_base_url = "https://shop.example", access_token_env = "SHOP_TOKEN" }

[channels.shop-bare]
provider = "shopify"
secrets = ["s2"]

[channels.woo]
provider = "woocommerce"
secrets = ["s3"]
options = { api_base_url = "https://woo.example", consumer_key = "ck_1", consumer_secret_env = "WOO_SECRET" }

[channels.bc]
provider = "bigcommerce"
secrets = ["s4"]
options = { api_base_url = "https://api.bigcommerce.example/stores/abc/", api_token = "bc-token" }

[channels.sq]
provider = "square"
secrets = ["s5"]
[channels.sq.options]
notification_url = "https://weir.example/webhooks/sq"
api_base_url = "https://connect.squareupsandbox.com"
access_token = "sq-token"

[channels.amz]
provider = "amazon"
[channels.amz.options]
queue_url = "https://sqs.us-east-1.amazonaws.com/1/weir"
access_token = "amz-token"
seller_id = "A1SELLER"
marketplace_id = "ATVPDKIKX0DER"

[channels.pos]
provider = "standard"
secrets = ["whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"]
"""


def test_each_channel_with_credentials_gets_its_providers_writer(tmp_path: Path) -> None:
    path = tmp_path / "channels.toml"
    path.write_text(CHANNELS)

    writers = channel_writers(path, {"SHOP_TOKEN": "shpat_1", "WOO_SECRET": "cs_1"})

    kinds = {name: type(writer) for name, writer in writers.items()}
    for writer in writers.values():
        writer.close()
    assert kinds == {
        "shop": ShopifyWriter,
        "woo": WooCommerceWriter,
        "bc": BigCommerceWriter,
        "sq": SquareWriter,
        "amz": AmazonWriter,
    }
