"""A thread-safe JSON-RPC client for Tryton 8, over httpx, that raises only :mod:`erp.errors`.

    >>> client = TrytonClient("http://127.0.0.1:8100/", "erp", "weir", "secret")
    >>> client.call("model.sale.sale.search_read", [["reference", "=", "shop:1"]], 0, 1, None, ["state"])
    [{'id': 7, 'state': 'processing'}]

It logs in once (``common.db.login``), sends the session token with every call, appends the
user's context (company, language) as the last parameter as Tryton requires, and logs in again
once when the session has expired. Every failure is classified here, in :mod:`.classify`.
"""

from __future__ import annotations

import base64
import itertools
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from erp.errors import ErpUnavailable
from erp.settings import ErpSettings
from erp.tryton import classify
from erp.tryton.codec import decode, encode

__all__ = ["TrytonClient"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Session:
    authorization: str
    context: Mapping[str, Any]


class _SessionExpired(Exception):
    """The server answered 401 to a call made with a session: log in again. Carries the body."""


class TrytonClient:
    """Calls Tryton's JSON-RPC at ``<url>/<database>/rpc/`` as ``user``.

    ``timeout_seconds`` bounds each phase of one HTTP call (connect, send, wait for the answer).
    ``transport`` replaces the network, for tests. Safe to share between threads.
    """

    def __init__(
        self,
        url: str,
        database: str,
        user: str,
        password: str,
        *,
        timeout_seconds: float = 30.0,
        language: str = "en",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._endpoint = f"{url.rstrip('/')}/{database}/rpc/"
        self._user, self._password, self._language = user, password, language
        self._timeout_seconds = timeout_seconds
        self._http = httpx.Client(timeout=timeout_seconds, transport=transport)
        self._ids = itertools.count(1)
        self._login_lock = threading.Lock()
        self._session: _Session | None = None

    @classmethod
    def from_settings(cls, settings: ErpSettings, *, transport: httpx.BaseTransport | None = None) -> TrytonClient:
        """A client for the ERP that ``settings`` describes."""
        return cls(
            str(settings.url),
            settings.database,
            settings.user,
            settings.password.get_secret_value(),
            timeout_seconds=settings.timeout_seconds,
            transport=transport,
        )

    @property
    def context(self) -> Mapping[str, Any]:
        """The context sent with every call (``company``, ``language``); logs in if needed."""
        return self._current_session().context

    def call(self, method: str, *params: Any, context: Mapping[str, Any] | None = None) -> Any:
        """Call ``method`` (``model.<model>.<method>``) with ``params`` and return its result.

        ``context`` is merged over the session's context, which is appended last to the
        parameters of every model and wizard method (``common.*`` methods take none).

        Raises:
            ErpRejected: Tryton refused the call (validation, access, unique constraint...).
            ErpThrottled: Tryton is overloaded (429, a locked database).
            ErpUnavailable: no answer, a server failure, or credentials refused after re-login.
        """
        session = self._current_session()
        try:
            return self._call_as(session, method, params, context)
        except _SessionExpired:
            logger.info("Tryton session of %s expired; logging in again before %s.", self._user, method)
            session = self._renew(session)
        try:
            return self._call_as(session, method, params, context)
        except _SessionExpired as refused:
            raise ErpUnavailable(
                f"ERP refused Weir's fresh session on {method}", status=401, excerpt=str(refused)
            ) from None

    def login(self) -> None:
        """Log in now (and fetch the context) rather than on the first call.

        Raises:
            ErpUnavailable: the ERP is unreachable or refused the credentials.
        """
        self._renew(self._session)

    def close(self) -> None:
        """Close the connection pool; the client must not be used afterwards."""
        self._http.close()

    def _call_as(
        self, session: _Session, method: str, params: tuple[Any, ...], context: Mapping[str, Any] | None
    ) -> Any:
        if method.startswith("common."):
            # Server-level methods (login, logout, version) take no context.
            return self._post(method, list(params), session.authorization)
        full_context = {**session.context, **(context or {})}
        return self._post(method, [*params, full_context], session.authorization)

    def _current_session(self) -> _Session:
        session = self._session
        return session if session is not None else self._renew(None)

    def _renew(self, stale: _Session | None) -> _Session:
        """Log in, unless another thread already replaced the ``stale`` session meanwhile."""
        with self._login_lock:
            if self._session is not None and self._session is not stale:
                return self._session
            self._session = self._login()
            return self._session

    def _login(self) -> _Session:
        answer = self._post("common.db.login", [self._user, {"password": self._password}, self._language], None)
        if not isinstance(answer, list) or len(answer) < 2:
            raise ErpUnavailable(f"ERP refused Weir's credentials: {answer!r}", status=200)
        user_id, token = answer[0], answer[1]
        raw = f"{self._user}:{user_id}:{token}".encode()
        authorization = "Session " + base64.b64encode(raw).decode("ascii")
        preferences = self._post("model.res.user.get_preferences", [True, {}], authorization)
        context = {"company": preferences.get("company"), "language": self._language}
        logger.info("Logged in to Tryton at %s as %s (user id %s).", self._endpoint, self._user, user_id)
        return _Session(authorization, context)

    def _post(self, method: str, params: list[Any], authorization: str | None) -> Any:
        body = encode({"id": next(self._ids), "method": method, "params": params})
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        try:
            response = self._http.post(self._endpoint, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise classify.transport_error(exc, method=method, timeout_seconds=self._timeout_seconds) from exc
        return self._result(response, method, authenticated=authorization is not None)

    def _result(self, response: httpx.Response, method: str, *, authenticated: bool) -> Any:
        if response.status_code == 401 and authenticated:
            raise _SessionExpired(response.text)
        if response.status_code != 200:
            raise classify.http_error(response, method=method)
        try:
            answer = decode(response.content)
        except ValueError as exc:
            raise ErpUnavailable(
                f"ERP answered {method} with something that is not JSON", status=200, excerpt=response.text
            ) from exc
        if isinstance(answer, dict) and "error" in answer:
            raise classify.rpc_error(answer["error"], method=method, excerpt=response.text)
        if not isinstance(answer, dict) or "result" not in answer:
            raise ErpUnavailable(f"ERP answered {method} without a result", status=200, excerpt=response.text)
        return answer["result"]
