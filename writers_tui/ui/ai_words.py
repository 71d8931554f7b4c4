"""How AI things are named for the writer: operations and the bible files a call carries.

Shared by the dialogs (:mod:`writers_tui.ui.modals.ai_call`), the streaming view and the
ask panel, so an operation is called the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from writers_tui.ui.textsafe import visible

#: What each AI operation is called (unknown ids are shown as they are).
OPERATION_NAMES: dict[str, str] = {
    "continue": "Continue from the cursor",
    "draft_scene": "Draft this scene",
    "ask": "Ask the story bible",
}


def operation_name(operation: str) -> str:
    """``Continue from the cursor`` for ``continue``; an unknown id as it is."""
    return OPERATION_NAMES.get(operation, visible(operation))


def sources_line(sources: Sequence[str], *, room: int = 100) -> str:
    """``3 story-bible files: Jane, Pemberley, outline``; past ``room`` characters,
    ``… and N more``. Files are named by their stem (``reference/characters/Jane.md``)."""
    count = len(sources)
    if not count:
        return "no story-bible files (reference/ and planning/ are empty)"
    shown: list[str] = []
    used = 0
    for source in sources:
        name = visible(PurePosixPath(source).stem or source)
        if shown and used + len(name) > room:
            break
        shown.append(name)
        used += len(name) + 2
    more = f" … and {count - len(shown)} more" if len(shown) < count else ""
    return f"{count} story-bible file{'s' if count != 1 else ''}: {', '.join(shown)}{more}"
