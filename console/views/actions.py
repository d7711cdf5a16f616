"""Replay and purge: ``GET /replay`` and ``GET /purge`` show the plan for a filter and ask for a
reason; the confirmation posts back to the same path, acts, and redirects to ``/outcome``.

As with ``weir dlq``: acting needs a reason (for the audit log), a filter or an explicit
``all=1``, and ``force=1`` to replay dead letters past the replay limit. The confirmation
carries the count the plan showed; if the selection changed meanwhile, nothing is done and the
new plan is shown (409).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.context import context_of
from console.errors import BadRequest, NotFound, PlanChanged
from console.filters import EVERYTHING, Params, parse_filter
from console.forms import action_form
from console.guard import operator_of
from console.operations import Action, act, propose
from console.views.params import bounded_int, flag
from queues.dead import DeadLetterFilter

__all__ = ["confirm", "outcome_page", "plan_page"]

_WHY_LIMIT = 500
_COUNT_LIMIT = 10**9


async def plan_page(request: Request) -> Response:
    """``GET /replay`` or ``GET /purge``: the plan, and the confirmation form."""
    action = _action(request)
    where = parse_filter(request.query_params)
    force = action is Action.REPLAY and flag(request.query_params, "force")
    return await _plan(request, action, where, force=force)


async def confirm(request: Request) -> Response:
    """``POST /replay`` or ``POST /purge``: act as planned, then show the outcome."""
    action = _action(request)
    form = await action_form(request)
    where = parse_filter(form)
    if where == EVERYTHING and not flag(form, "all"):
        raise BadRequest("name a filter, or confirm every dead letter (all=1)")
    why = _why(form)
    force = action is Action.REPLAY and flag(form, "force")
    expected = bounded_int(form, "expected", default=-1, low=0, high=_COUNT_LIMIT)
    who = operator_of(request).who
    context = context_of(request)
    try:
        outcome = await run_in_threadpool(
            lambda: act(context.oncall, action, where, who=who, why=why, force=force, expected=expected)
        )
    except PlanChanged as changed:
        return await _plan(request, action, where, force=force, notice=str(changed), status_code=changed.status_code)
    counts = {
        "done": outcome.done,
        "quarantined": outcome.quarantined,
        "missing": len(outcome.missing),
        "released": outcome.released,
    }
    return RedirectResponse(f"/outcome?{urlencode({'action': action.value, **counts})}", status_code=303)


async def outcome_page(request: Request) -> Response:
    """``GET /outcome``: what the last action did (its counts travel in the query)."""
    params = request.query_params
    action = params.get("action")
    if action not in tuple(Action):
        raise BadRequest("action: expected replay or purge")
    names = ("done", "quarantined", "missing", "released")
    counts = {name: bounded_int(params, name, default=0, low=0, high=_COUNT_LIMIT) for name in names}
    page = {"title": "Done", "action": action, **counts}
    return context_of(request).pages.render(request, "outcome.html", page)


async def _plan(
    request: Request,
    action: Action,
    where: DeadLetterFilter,
    *,
    force: bool,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    context = context_of(request)
    proposal = await run_in_threadpool(lambda: propose(context.oncall, action, where, force=force))
    page = {
        "title": f"{action.value.capitalize()}: plan",
        "action": action.value,
        "where": where,
        "everything": where == EVERYTHING,
        "force": force,
        "proposal": proposal,
        "notice": notice,
    }
    return context.pages.render(request, "plan.html", page, status_code=status_code)


def _action(request: Request) -> Action:
    try:
        return Action(request.url.path.strip("/"))
    except ValueError:
        raise NotFound("no such action") from None


def _why(form: Params) -> str:
    why = form.get("why")
    why = why.strip() if isinstance(why, str) else ""
    if not why:
        raise BadRequest("say why, for the audit log (e.g. 'SKU-0099 added to the catalogue')")
    if len(why) > _WHY_LIMIT:
        raise BadRequest(f"why: at most {_WHY_LIMIT} characters")
    return why
