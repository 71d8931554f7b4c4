"""The Workspace's AI operations: what the app's panels call, over :mod:`writers_tui.ai`.

``workspace.ai`` is one :class:`WorkspaceAI`. It knows the project (root, settings, the
cost tracker the status bar reads), so the UI only says *what* it wants::

    status = workspace.ai.status("writing")      # on/off, the model, how to turn it on
    estimate = await workspace.ai.estimate_continue(text_before_cursor)
    # confirm above the threshold, offer the override when over budget (the UI's dialogs)
    call = await workspace.ai.start(estimate, confirmed=True, override_budget=False)
    async for chunk in call: panel.append(chunk.text)
    outcome = await call.wait()                  # or: await call.cancel() — still billed

Every call ends in one ledger record; the workspace hears of it (``on_outcome``) and emits
``CostRecorded`` (and ``BudgetWarning`` once per period) at once, so the status bar's cost
moves as soon as a call ends. The story bible is read in a thread. A read-only window
records nothing, so AI is off there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from writers_tui.ai.bible import load_bible
from writers_tui.ai.engine import AICall, AIEngine, CallOutcome, Estimate
from writers_tui.ai.errors import AIError, BudgetExceeded, NotConfigured
from writers_tui.ai.operations import ask_request, continue_request, draft_scene_request
from writers_tui.ai.providers import DEFAULT_MODELS, configured_providers, default_model
from writers_tui.ai.types import AIRequest
from writers_tui.config import Settings
from writers_tui.model_names import check_model_name
from writers_tui.storage.costs import CostTracker

#: What the UI may use: the call, its estimate and outcome, and the errors it shows.
__all__ = [
    "AICall",
    "AIError",
    "AIStatus",
    "BudgetExceeded",
    "CallOutcome",
    "Estimate",
    "NotConfigured",
    "WorkspaceAI",
]

READ_ONLY_OFF = (
    "AI is off in a read-only window: its costs could not be recorded. Use the window "
    "that holds the project."
)
MAX_QUESTION_CHARS = 4_000


@dataclass(frozen=True)
class AIStatus:
    """Whether AI can be used for a stage now: the model, or why not (one line)."""

    on: bool
    model: str | None
    message: str  # the model when on; how to configure a provider when off


class WorkspaceAI:
    """AI calls for one open project. Built by the Workspace; the UI never builds one."""

    def __init__(
        self,
        root: Path,
        *,
        settings: Callable[[], Settings],
        tracker: Callable[[], CostTracker],
        environ: Mapping[str, str] | None,
        read_only: bool,
        on_outcome: Callable[[CallOutcome], None],
        remember_query: Callable[[str], None],
    ) -> None:
        self._settings = settings
        self._tracker = tracker
        self._environ = environ
        self._read_only = read_only
        self._remember_query = remember_query
        self._engine = AIEngine(
            root,
            settings(),
            tracker(),
            environ=environ,
            on_outcome=on_outcome,
        )

    # -- what is on ------------------------------------------------------------------------

    def status(self, stage: str) -> AIStatus:
        """AI for ``stage``: on with its model, or off with how to turn it on. No I/O."""
        if self._read_only:
            return AIStatus(False, None, READ_ONLY_OFF)
        try:
            model = self.model_for(stage)
            self._engine.provider(model)
        except NotConfigured as off:
            return AIStatus(False, None, str(off))
        except ValueError as bad:  # a malformed model name in the preferences
            return AIStatus(False, None, f"model_preferences.{stage}: {bad}")
        return AIStatus(True, model, model)

    def model_for(self, stage: str) -> str:
        """The stage's model: its preference, else a configured provider's default."""
        return default_model(self._settings(), stage, self._environ)

    def model_choices(self) -> list[str]:
        """Models to offer in the quick switch: the writer's, then configured defaults."""
        settings = self._settings()
        choices = [str(model) for model in settings.model_preferences.values()]
        for provider in configured_providers(settings, self._environ):
            if provider in DEFAULT_MODELS:
                choices.append(DEFAULT_MODELS[provider])
        return list(dict.fromkeys(choices))

    def check_model(self, model: str) -> str:
        """``provider/model`` checked (ValueError naming the problem) and known to be on."""
        settings = self._settings()
        check_model_name(model, settings.providers)
        try:
            self._engine.provider(model)
        except NotConfigured as off:
            raise ValueError(str(off)) from None
        return model

    # -- estimates (offline; the bible is read in a thread) ------------------------------

    async def estimate_continue(self, text_before_cursor: str) -> Estimate:
        """Continue the scene from the cursor (the text before it is the prompt)."""
        model = self._model("writing")
        bible = await asyncio.to_thread(load_bible, self._engine.root, text_before_cursor[-2000:])
        return await self._estimate(continue_request(model, text_before_cursor, bible))

    async def estimate_draft(
        self, title: str, brief: str, *, previous_text: str = "", target_words: int = 1_200
    ) -> Estimate:
        """Draft a scene from its beat or synopsis (``brief``)."""
        if not brief.strip():
            raise ValueError("the scene has no synopsis or beat to draft from")
        model = self._model("writing")
        bible = await asyncio.to_thread(load_bible, self._engine.root, f"{title} {brief}")
        request = draft_scene_request(
            model, title, brief, bible, previous_text=previous_text, target_words=target_words
        )
        return await self._estimate(request)

    async def estimate_ask(self, question: str, stage: str) -> Estimate:
        """Ask the story bible and planning notes a question."""
        question = question.strip()
        if not question or len(question) > MAX_QUESTION_CHARS:
            raise ValueError(f"a question is 1-{MAX_QUESTION_CHARS:,} characters")
        model = self._model(stage)
        bible = await asyncio.to_thread(load_bible, self._engine.root, question)
        if not bible.files:
            raise ValueError(
                "the story bible is empty: add notes to reference/ or planning/, then ask"
            )
        return await self._estimate(ask_request(model, question, bible, stage=stage))

    def _model(self, stage: str) -> str:
        status = self.status(stage)
        if not status.on or status.model is None:
            raise NotConfigured(status.message)
        return status.model

    async def _estimate(self, request: AIRequest) -> Estimate:
        self._sync()
        return await self._engine.estimate(request)

    # -- the call ------------------------------------------------------------------------

    async def start(
        self, estimate: Estimate, *, confirmed: bool = False, override_budget: bool = False
    ) -> AICall:
        """Reserve the estimate and begin streaming (see :meth:`AIEngine.start`).

        Raises :class:`ConfirmationRequired` or :class:`BudgetExceeded` before anything is
        sent. A question asked of the bible goes to the session's recent queries.
        """
        if self._read_only:
            raise NotConfigured(READ_ONLY_OFF)
        self._sync()
        call = await self._engine.start(
            estimate, confirmed=confirmed, override_budget=override_budget
        )
        if estimate.operation == "ask":
            question = estimate.request.messages[-1].content
            self._remember_query(question)
        return call

    async def aclose(self) -> None:
        await self._engine.aclose()

    def _sync(self) -> None:
        """Settings and the tracker are replaced when a setting changes: follow them."""
        self._engine.settings = self._settings()
        self._engine.tracker = self._tracker()
