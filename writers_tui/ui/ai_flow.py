"""Starting an AI call from the UI: off → say how to turn it on; dear → confirm; over → ask.

Every AI action in the app goes through :func:`start_call`, so the rules hold in one place:

1. AI off (no provider, read-only window): a notification says how to configure one, and
   nothing else happens.
2. The call would break a budget limit (calls running now included): :class:`BudgetBlocked`
   shows each limit and the cost; only an explicit override sends it.
3. Otherwise, above the writer's confirm threshold: :class:`ConfirmCall` shows the model,
   tokens and cost; nothing is sent unless the writer says so.
4. Another call took the room meanwhile (the engine checks and reserves in one step): the
   budget dialog again, with the limits as they are now.

Run it from a worker: the dialogs are awaited with ``push_screen_wait``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import App

from writers_tui.ui.modals.ai_call import BudgetBlocked, ConfirmCall
from writers_tui.workspace_ai import AIError, BudgetExceeded, Estimate, NotConfigured

if TYPE_CHECKING:
    from writers_tui.workspace_ai import AICall, WorkspaceAI


def say_off(app: App[object], message: str) -> None:
    app.notify(message, title="AI is off", severity="warning", timeout=12, markup=False)


async def start_call(
    app: App[object],
    ai: WorkspaceAI,
    stage: str,
    estimate_it: Callable[[], Awaitable[Estimate]],
) -> AICall | None:
    """Estimate, confirm, check the budget and start; None when nothing was sent."""
    status = ai.status(stage)
    if not status.on:
        say_off(app, status.message)
        return None
    try:
        estimate = await estimate_it()
    except NotConfigured as off:
        say_off(app, str(off))
        return None
    except (AIError, ValueError) as problem:
        app.notify(str(problem), title="AI", severity="warning", timeout=8, markup=False)
        return None
    override = False
    if estimate.over_budget:  # the budget dialog shows the cost too: one dialog, not two
        if not await _budget_allows(app, estimate):
            return None
        override = True
    elif estimate.needs_confirmation and not await app.push_screen_wait(ConfirmCall(estimate)):
        app.notify("Nothing was sent.", timeout=3)
        return None
    try:
        try:
            return await ai.start(estimate, confirmed=True, override_budget=override)
        except BudgetExceeded as blocked:  # a call started meanwhile took what was left
            if not await _budget_allows(app, replace(estimate, budget=blocked.check)):
                return None
            return await ai.start(estimate, confirmed=True, override_budget=True)
    except AIError as problem:
        app.notify(str(problem), title="AI", severity="error", timeout=10, markup=False)
        return None


async def _budget_allows(app: App[object], estimate: Estimate) -> bool:
    """The budget dialog: True only on the writer's explicit override."""
    if await app.push_screen_wait(BudgetBlocked(estimate)):
        return True
    app.notify("Nothing was sent: the budget holds.", timeout=4)
    return False
