"""The real studio on a temp project, for the Creation and Enhancing screen tests.

Creation lists the bible with ``Workspace.bible_files()``, which the Workspace does not
have yet (reported to the lead). Until it lands, :class:`StageWorkspace` adds it on top of
the real :class:`Workspace` as a plain listing of ``reference/`` and ``planning/``; a method
the Workspace already has is never replaced, so the tests use the real one once it exists.
Everything else the screens call is the real Workspace.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from tests.ui.apphelpers import until, writing_ready
from tests.ui.conftest import frozen_clock
from writers_tui.config import Settings
from writers_tui.project import new_project
from writers_tui.ui.app import WritersApp, make_app
from writers_tui.wordcount import count_words
from writers_tui.workspace import Workspace

SCENE = "manuscript/1 Chapter One/1.1 Opening.md"
SIZE = (120, 36)


@dataclass(frozen=True)
class BibleFile:
    path: str
    title: str
    words: int
    depth: int
    is_folder: bool


def _bible_listing(root: Path) -> list[BibleFile]:
    found: list[BibleFile] = []

    def walk(folder: Path, depth: int) -> None:
        children = sorted(folder.iterdir(), key=lambda p: (p.is_file(), p.name.lower()))
        for child in children:
            relative = child.relative_to(root).as_posix()
            if child.is_dir():
                found.append(BibleFile(relative, child.name, 0, depth, True))
                walk(child, depth + 1)
            elif child.suffix == ".md":
                words = count_words(child.read_text(encoding="utf-8"))
                found.append(BibleFile(relative, child.stem, words, depth, False))

    for top in ("reference", "planning"):
        if (root / top).is_dir():
            found.append(BibleFile(top, top, 0, 0, True))
            walk(root / top, 1)
    return found


async def _bible_files(self: Workspace) -> list[BibleFile]:
    """Stand-in for ``Workspace.bible_files()`` (reference/ and planning/ by folder)."""
    return await asyncio.to_thread(_bible_listing, self.root)


STAND_INS: dict[str, Any] = {"bible_files": _bible_files}
#: The Workspace methods these tests had to stand in for.
MISSING_FROM_WORKSPACE = [name for name in STAND_INS if not hasattr(Workspace, name)]

StageWorkspace: type[Workspace] = type(
    "StageWorkspace", (Workspace,), {name: STAND_INS[name] for name in MISSING_FROM_WORKSPACE}
)


async def open_stage_workspace(path: Path, read_only: bool) -> Any:
    return await StageWorkspace.open(path, read_only=read_only)


def project(tmp_path: Path) -> Path:
    return new_project(tmp_path / "novel", title="Stage Novel")


def stage_app(root: Path) -> WritersApp:
    return make_app(
        Settings(),
        root=root,
        opener=open_stage_workspace,
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
