"""Running the real studio on a temp project in a Pilot, and waiting for what it does."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button

from writers_tui.config import Settings
from writers_tui.ui.app import WritersApp, make_app

SIZE = (120, 40)
SCENE = "manuscript/1 Chapter One/1.1 Opening.md"
SECOND = "manuscript/1 Chapter One/1.2 Second Scene.md"
REPO = Path(__file__).resolve().parents[2]


def studio(root: Path, **kwargs: Any) -> WritersApp:
    """The app as ``writers-tui ROOT`` starts it (it opens the project itself)."""
    return make_app(Settings(), root=root, handle_signals=False, **kwargs)


async def until(pilot: Pilot[Any], check: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the app run until ``check()`` is true (or fail after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


async def dialog_ready(pilot: Pilot[Any], kind: type) -> None:
    """Wait until a dialog of ``kind`` is on top, has its widgets and takes its keys (an
    unbidden dialog ignores them for a grace period)."""
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, kind)
            and bool(app.screen.query(Button))
            and not getattr(app.screen, "in_grace", False)
        ),
    )
    await pilot.pause()


async def writing_ready(pilot: Pilot[Any]) -> None:
    from writers_tui.ui.screens.writing import WritingScreen

    app = pilot.app
    await until(
        pilot,
        lambda: isinstance(app.screen, WritingScreen) and app.screen.path is not None,
    )
    await pilot.pause()


def set_preferences(root: Path, **values: Any) -> None:
    (root / ".session").mkdir(exist_ok=True)
    (root / ".session" / "preferences.json").write_text(
        json.dumps({"schema_version": 1, **values}), encoding="utf-8"
    )


_INTERRUPTED = """
import asyncio, sys
from pathlib import Path
from writers_tui.workspace import Workspace

async def main():
    ws = await Workspace.open(Path(sys.argv[1]))
    await ws.set_stage("writing")
    opened = await ws.open_file(sys.argv[2])
    ws.set_cursor(opened.path, 2, 5)
    text = "Lost words? " + opened.text
    ws.note_edit(opened.path, lambda: text)
    await ws.save_now()
    print("ready", flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def interrupt_a_session(root: Path, path: str) -> None:
    """A writers-tui that saved an edit and was then killed with SIGKILL."""
    process = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED, str(root), path],
        stdout=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    finally:
        process.kill()
        process.wait()


async def no_wait() -> None:
    await asyncio.sleep(0)


async def tables_settled(pilot: Pilot[Any]) -> None:
    """Wait until every DataTable on screen has sized its columns to its rows.

    A DataTable measures new rows on its next idle (``_on_idle``), so a picture taken
    just after rows were added can show the columns at their header widths ("anthr",
    "$1.0"): snapshots wait for this first.
    """
    from textual.widgets import DataTable

    def settled() -> bool:
        return all(
            not table._require_update_dimensions and not table._new_rows
            for table in pilot.app.screen.query(DataTable)
        )

    await until(pilot, settled)
    await pilot.pause(0.1)
