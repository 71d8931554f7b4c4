"""The real studio on a temp project, for the Creation and Enhancing screen tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from tests.ui.apphelpers import until, writing_ready
from tests.ui.conftest import frozen_clock
from writers_tui.config import Settings
from writers_tui.project import new_project
from writers_tui.ui.app import WritersApp, make_app

SCENE = "manuscript/1 Chapter One/1.1 Opening.md"
SIZE = (120, 36)


def project(tmp_path: Path) -> Path:
    return new_project(tmp_path / "novel", title="Stage Novel")


def stage_app(root: Path) -> WritersApp:
    return make_app(
        Settings(),
        root=root,
        clock=frozen_clock,
        handle_signals=False,
    )


async def show(pilot: Pilot[Any], screen: Screen[Any], ready: Any) -> None:
    """Wait for Writing, push ``screen`` on top, wait until ``ready()`` and workers end."""
    await writing_ready(pilot)
    await pilot.app.push_screen(screen)
    await until(pilot, ready)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
