"""The palette's quick model switch: which model a stage's AI operations use.

The choice is the ``model_preferences.<stage>`` setting, saved through the workspace like
any other (validated; a provider that is not configured is refused with how to set it up),
so the Preferences screen, the CLI and the next session all see it. The palette offers the
writer's models and each configured provider's default for the stage the palette was
opened on (Writing from the other screens), plus "another model…" to type one.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App

from writers_tui.ui.commands import PaletteCommand
from writers_tui.ui.modals.binder_ops import TitlePrompt
from writers_tui.ui.stages import stage_title

if TYPE_CHECKING:
    from textual.screen import Screen

    from writers_tui.ui.ports import WorkspaceLike

STAGES = ("creation", "writing", "enhancing", "analyzing", "scoring")


def stage_of(screen: Screen[Any] | None) -> str:
    """The stage a screen belongs to (Writing for Costs, History, Preferences)."""
    mode = getattr(getattr(screen, "place", None), "mode", "")
    return mode if mode in STAGES else "writing"


def model_commands(
    app: App[Any], workspace: WorkspaceLike, screen: Screen[Any] | None
) -> list[PaletteCommand]:
    """The palette's entries for the stage's model (or how to turn AI on)."""
    stage = stage_of(screen)
    title = stage_title(stage)
    if workspace.read_only:
        return []
    ai = workspace.ai
    status = ai.status(stage)
    if not status.on and not ai.model_choices():
        return [
            PaletteCommand(
                "AI is off: how to turn it on",
                status.message,
                partial(app.notify, status.message, title="AI is off", timeout=15, markup=False),
            )
        ]
    commands = []
    for model in ai.model_choices():
        current = " (in use)" if model == status.model else ""
        commands.append(
            PaletteCommand(
                f"AI model for {title}: {model}{current}",
                f"Use {model} for the {title} stage's AI operations",
                partial(use_model, app, workspace, stage, model),
            )
        )
    commands.append(
        PaletteCommand(
            f"AI model for {title}: another model…",
            "Type provider/model, e.g. anthropic/claude-sonnet-4-6 or ollama/llama3.1",
            partial(ask_for_model, app, workspace, stage),
        )
    )
    return commands


async def set_model(workspace: WorkspaceLike, stage: str, model: str) -> str:
    """Save the stage's model (ValueError, one line, when it cannot be used)."""
    model = workspace.ai.check_model(model.strip())
    await workspace.update_setting(f"model_preferences.{stage}", model)
    return model


async def use_model(app: App[Any], workspace: WorkspaceLike, stage: str, model: str) -> None:
    try:
        chosen = await set_model(workspace, stage, model)
    except ValueError as problem:  # SettingsError, NotConfigured's message via check_model
        app.notify(str(problem), title="AI model", severity="warning", timeout=10, markup=False)
        return
    app.notify(f"{stage_title(stage)} now uses {chosen}.", timeout=4, markup=False)


def ask_for_model(app: App[Any], workspace: WorkspaceLike, stage: str) -> None:
    async def submit(model: str) -> str:
        return await set_model(workspace, stage, model)

    def chosen(model: str | None) -> None:
        if model:
            app.notify(f"{stage_title(stage)} now uses {model}.", timeout=4, markup=False)

    current = workspace.ai.status(stage).model or ""
    app.push_screen(
        TitlePrompt(
            f"AI model for {stage_title(stage)}",
            submit,
            value=current,
            placeholder="provider/model",
            action="Use",
            what="A model",
        ),
        chosen,
    )
