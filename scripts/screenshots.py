"""Regenerate the SVG screenshots in ``screenshots/`` (the README shows writing.svg).

    .venv/bin/python scripts/screenshots.py

Builds the demo project in a temp folder with a hermetic HOME (no user config, recent
projects or AI keys leak in), runs the real studio in a Pilot at 120×36 with a frozen
clock and local time in UTC, and saves each screen with ``app.save_screenshot()``: the
Writing stage, focus mode, the recovery, read-only and conflict dialogs (real dialogs
over the demo, fed fixed data so the times never change), and the welcome screen. The
project is shown as ``~/novels/sample-novel``: no machine path reaches an image.

The AI shots (a suggestion, the ask panel, the confirm and budget dialogs) come from a
second run with OpenAI configured at the tests' loopback server (127.0.0.1, a fake key):
real estimates, a real stream, a real ledger — and a check that the key is in no image.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "screenshots"
SIZE = (120, 36)
SHOWN = "~/novels/sample-novel"
NOW = datetime(2024, 11, 13, 15, 45, 10, tzinfo=UTC)


def _hermetic(home: Path) -> None:
    for name in list(os.environ):
        if name.startswith("WRITERS_TUI_") or name.endswith("_API_KEY"):
            del os.environ[name]
    os.environ["HOME"] = str(home)
    for variable, folder in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        os.environ[variable] = str(home / folder)
    os.environ["TZ"] = "UTC"
    time.tzset()


def frozen() -> datetime:
    return NOW


@dataclass(frozen=True)
class _OpenFile:
    path: str
    cursor_line: int
    cursor_col: int


@dataclass(frozen=True)
class _Journal:
    path: str
    journal: str
    saved_at: str
    size: int


@dataclass(frozen=True)
class _Recovery:
    last_saved_at: datetime | None
    duration_minutes: int
    stage: str
    open_files: list[_OpenFile] = field(default_factory=list)
    active_file: str | None = None
    journals: list[_Journal] = field(default_factory=list)


@dataclass(frozen=True)
class _Holder:
    host: str
    pid: int
    started_at: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.started_at}"


def sample_recovery(active: str, other: str | None) -> _Recovery:
    files = [_OpenFile(active, 2, 14)] + ([_OpenFile(other, 0, 0)] if other else [])
    return _Recovery(
        last_saved_at=datetime(2024, 11, 13, 15, 40, 2, tzinfo=UTC),
        duration_minutes=95,
        stage="writing",
        open_files=files,
        active_file=active,
        journals=[
            _Journal(
                active, ".session/recovery/scene.20241113T154002Z.md", "2024-11-13T15:40:02Z", 2048
            )
        ],
    )


#: Every stage and side screen, after Writing: (key, file name).
PLACES_SHOT = (
    ("f1", "creation"),
    ("f3", "enhancing"),
    ("f4", "analyzing"),
    ("f5", "scoring"),
    ("f6", "costs"),
    ("f7", "history"),
    ("f8", "preferences"),
)


async def _settled(app: Any, pilot: Any) -> None:
    """Let a screen's workers (analysis, loading tables) finish before the picture."""
    for _ in range(3):
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
    await pilot.pause(0.3)


async def _ready(pilot: Any) -> None:
    from writers_tui.ui.screens.writing import WritingScreen

    app = pilot.app
    for _ in range(300):
        if isinstance(app.screen, WritingScreen) and app.screen.path is not None:
            break
        await pilot.pause(0.02)
    screen = app.screen
    assert isinstance(screen, WritingScreen), "the Writing stage did not open"
    screen.editor.cursor_blink = False
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)


def _save(app: Any, name: str) -> Path:
    path = OUT / f"{name}.svg"
    app.save_screenshot(filename=path.name, path=str(OUT))
    print(f"saved {path.relative_to(REPO)}")
    return path


async def _modal_shot(app: Any, pilot: Any, screen: Any, name: str) -> None:
    app.push_screen(screen)
    await pilot.pause(0.3)
    _save(app, name)
    app.pop_screen()
    await pilot.pause(0.1)


async def shoot(demo: Path) -> None:
    from writers_tui.config import Settings
    from writers_tui.project import template_names
    from writers_tui.ui.app import make_app
    from writers_tui.ui.modals.conflict import ConflictDialog
    from writers_tui.ui.modals.read_only import ReadOnlyOffer
    from writers_tui.ui.modals.recovery import RecoveryDialog
    from writers_tui.ui.recent import RecentProject
    from writers_tui.ui.screens.welcome import WelcomeScreen
    from writers_tui.ui.screens.writing import WritingScreen

    app = make_app(Settings(), root=demo, clock=frozen, handle_signals=False, shown_root=SHOWN)
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        # The cursor a little way into the scene, as a writer would have it.
        screen.editor.cursor_location = (2, 0)
        await pilot.pause(0.2)
        _save(app, "writing")
        await pilot.press("f9")
        await pilot.pause(0.3)
        _save(app, "focus-mode")
        await pilot.press("f9")
        await pilot.pause(0.2)
        scenes = [item.path for item in screen.binder.items if not item.is_folder]
        recovery = sample_recovery(screen.path or scenes[0], scenes[1] if len(scenes) > 1 else None)
        await _modal_shot(app, pilot, RecoveryDialog(recovery, clock=frozen), "recovery")
        holder = _Holder("writing-desk", 4242, "2024-11-13T09:05:00Z")
        await _modal_shot(app, pilot, ReadOnlyOffer("sample-novel", holder), "read-only")
        path = screen.path or ""
        mine = screen.editor.text
        lines = mine.splitlines()
        theirs = "\n".join([*lines[:2], "(a sentence added in another editor)", *lines[2:]])
        title = path.rsplit("/", 1)[-1].removesuffix(".md")
        await _modal_shot(app, pilot, ConflictDialog(path, title, mine, theirs), "conflict")
        recent = [
            RecentProject(Path("/home/writer/novels/pride"), "Pride and Prejudice", ""),
            RecentProject(Path("/home/writer/novels/sample-novel"), "Sample Novel", ""),
        ]
        welcome = WelcomeScreen(
            Path("/home/writer/untitled"), template_names(), recent, shown_folder="~/untitled"
        )
        await _modal_shot(app, pilot, welcome, "welcome")
        for key, name in PLACES_SHOT:
            await pilot.press(key)
            await _settled(app, pilot)
            _save(app, name)
        await app.workspace.close() if app.workspace is not None else None
        app.exit(0)


CONTINUATION = (
    "Mrs. Bennet, who had waited some minutes for an answer, declared at last that she "
    "would call on Lady Lucas herself; and Mr. Bennet, returning to his book, observed "
    "only that he wished her joy of the conversation."
)
ANSWER = (
    "Mr. Darcy is Mr. Bingley's friend: a proud, very rich gentleman of Derbyshire, master "
    "of Pemberley (reference/characters/Mr. Darcy.md; reference/places/Pemberley.md)."
)


def _loopback() -> Any:
    """The tests' loopback provider (by path: a ``tests`` package elsewhere may shadow it)."""
    path = REPO / "tests" / "ai" / "ai_loopback.py"
    spec = importlib.util.spec_from_file_location("ai_loopback", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ai_loopback"] = module
    spec.loader.exec_module(module)
    return module


def _words(text: str) -> list[str]:
    return [word + " " for word in text.split(" ")]


async def shoot_ai(demo: Path) -> str:
    """The AI panels and dialogs, streamed from the loopback server; returns the fake key."""
    from writers_tui.config import Settings
    from writers_tui.paths import user_config_file
    from writers_tui.ui.app import make_app
    from writers_tui.ui.modals.ai_call import BudgetBlocked, ConfirmCall
    from writers_tui.ui.modals.ask_bible import AskBible
    from writers_tui.ui.screens.start import StartScreen
    from writers_tui.ui.screens.writing import WritingScreen

    loop = _loopback()
    with loop.serving() as server:
        config = user_config_file()
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(json.dumps({"providers": {"openai": {"base_url": server.url + "/v1"}}}))
        os.environ["OPENAI_API_KEY"] = loop.KEY
        server.reply(
            loop.Reply(events=loop.openai_events(_words(CONTINUATION), prompt=6120, completion=52)),
            loop.Reply(events=loop.openai_events(_words(ANSWER), prompt=5480, completion=41)),
        )
        app = make_app(Settings(), root=demo, clock=frozen, handle_signals=False)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(300):  # the first run ended in Scoring: the project opens there
                if app.workspace is not None and not isinstance(app.screen, StartScreen):
                    break
                await pilot.pause(0.02)
            await pilot.press("f2")
            await _ready(pilot)
            screen = app.screen
            assert isinstance(screen, WritingScreen)
            editor = screen.editor
            editor.cursor_location = (16, len(editor.document.get_line(16)))
            await pilot.press("ctrl+g")
            for _ in range(200):
                if screen.suggestion.stream.outcome is not None:
                    break
                await pilot.pause(0.05)
            await pilot.pause(0.3)
            _save(app, "ai-suggestion")
            await pilot.press("alt+r")
            workspace = app.workspace
            assert workspace is not None
            before = editor.document.get_text_range((0, 0), editor.cursor_location)
            await workspace.update_setting("ai.confirm_threshold", "0.0005")
            estimate = await workspace.ai.estimate_continue(before)
            assert estimate.needs_confirmation
            await _modal_shot(app, pilot, ConfirmCall(estimate), "ai-confirm")
            await workspace.update_setting("budget.daily_limit", "0.002")
            tight = await workspace.ai.estimate_draft(
                "Chapter 1", "Mrs. Bennet hears that Netherfield is let", target_words=2400
            )
            assert tight.over_budget
            await _modal_shot(app, pilot, BudgetBlocked(tight), "ai-budget")
            await workspace.update_setting("budget.daily_limit", None)
            ask = AskBible(workspace.ai, "writing")
            app.push_screen(ask)
            await pilot.pause(0.3)
            ask.query_one("#ask-question").value = "Who is Mr. Darcy?"  # type: ignore[attr-defined]
            await pilot.press("enter")
            for _ in range(200):
                if ask.answer.outcome is not None:
                    break
                await pilot.pause(0.05)
            await pilot.pause(0.3)
            _save(app, "ai-ask")
            app.pop_screen()
            await workspace.close()
            app.exit(0)
    return str(loop.KEY)


def main() -> int:
    sys.path.insert(0, str(REPO))
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="writers-tui-shots-") as tmp:
        _hermetic(Path(tmp) / "home")
        from writers_tui.project import make_demo

        demo = make_demo(Path(tmp) / "sample-novel")
        asyncio.run(shoot(demo))
        key = asyncio.run(shoot_ai(demo))
        # No machine path, and no key, may reach an image.
        for svg in OUT.glob("*.svg"):
            text = svg.read_text(encoding="utf-8")
            if tmp in text or str(REPO) in text or key in text:
                raise SystemExit(f"{svg.name} shows a machine path or the key")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
