"""The console's routes: a trailing slash is answered as without it, and no POST is redirected
to be posted again (307/308). A POST that completes an action is followed by a 303 See Other,
which a browser follows with a GET."""

from __future__ import annotations

import re

import httpx
import pytest

from console import build_config, create_app
from tests.console.conftest import TOKEN


def console_paths() -> list[str]:
    """Every route's path, its parameters filled in."""
    app = create_app(build_config())
    return sorted({re.sub(r"\{[^}]+\}", "0f" * 16, route.path) for route in app.routes})  # type: ignore[attr-defined]


@pytest.mark.usefixtures("console_env")
def test_no_route_redirects_a_post_to_be_posted_again_with_or_without_a_trailing_slash(script: httpx.Client) -> None:
    form = {"token": TOKEN, "name": "ana", "next": "/"}
    for path in [*console_paths(), "/nowhere"]:
        bare, slashed, doubled = (script.post(sent, data=form) for sent in (path, path + "/", path + "//"))

        redirects = [answer.status_code for answer in (bare, slashed, doubled) if answer.is_redirect]
        assert set(redirects) <= {303}, (path, redirects)
        assert slashed.status_code == bare.status_code, path
