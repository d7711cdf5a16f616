"""Login with Amazon's token endpoint standing in for Amazon's: a real local HTTP server (uvicorn in
a thread) exchanging the one refresh token it knows for new access tokens, as LWA answers.

    >>> with FakeSpApi() as sp_api, FakeLwa(on_issue=sp_api.accept) as lwa:
    ...     tokens = LwaTokens(LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, channel="amz", token_url=lwa.url)
    ...     AmazonApi(sp_api.url, tokens).fetch(AmazonResource("order", "902-1"))
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.servers import ScriptedApi

__all__ = ["LWA_CLIENT_ID", "LWA_CLIENT_SECRET", "LWA_REFRESH_TOKEN", "FakeLwa"]

#: The app's credentials and the seller's refresh token the fake knows; any other is refused.
LWA_CLIENT_ID = "amzn1.application-oa2-client.weir-test"
LWA_CLIENT_SECRET = "weir-test-lwa-client-secret"
LWA_REFRESH_TOKEN = "Atzr|weir-test-refresh-token"


class FakeLwa(ScriptedApi):
    """``POST /auth/o2/token`` with ``grant_type=refresh_token``: each exchange issues a new
    access token (``Atza|weir-lwa-<n>``), valid ``expires_in`` seconds by what it says (the fake
    expires nothing itself), and hands it to ``on_issue`` (a :class:`FakeSpApi`'s ``accept``).

    A wrong client is refused with 401 ``invalid_client``, a wrong refresh token with 400
    ``invalid_grant``, as LWA does. ``forms`` records every request's form, ``issued`` every
    token; :meth:`answer_next` and :meth:`stall` change the next answers.
    """

    def __init__(self, *, on_issue: Callable[[str], None] | None = None, expires_in: int = 3600) -> None:
        super().__init__([Route("/auth/o2/token", self._token, methods=["POST"])])
        self.forms: list[dict[str, str]] = []
        self.issued: list[str] = []
        self.expires_in = expires_in
        self._on_issue = on_issue
        self._serials = itertools.count(1)

    @property
    def url(self) -> str:
        """The token endpoint's URL."""
        return f"{super().url}/auth/o2/token"

    def _error_body(self, status: int) -> Any:
        return {"error": "server_error", "error_description": f"HTTP {status} from the fake LWA"}

    async def _token(self, request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        self.forms.append(form)
        if (scripted := await self._scripted()) is not None:
            return scripted
        if form.get("grant_type") != "refresh_token":
            return _error(400, "unsupported_grant_type", "The authorization grant type is not supported")
        if (form.get("client_id"), form.get("client_secret")) != (LWA_CLIENT_ID, LWA_CLIENT_SECRET):
            return _error(401, "invalid_client", "Client authentication failed")
        if form.get("refresh_token") != LWA_REFRESH_TOKEN:
            return _error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        token = f"Atza|weir-lwa-{next(self._serials)}"
        self.issued.append(token)
        if self._on_issue is not None:
            self._on_issue(token)
        return JSONResponse({"access_token": token, "expires_in": self.expires_in, "token_type": "bearer"})


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status)
