"""What every CLI command shares: finding the project, failing cleanly, printing JSON.

The CLI contract (ARCHITECTURE.md): exit 0 means done and durable; bad input is a
one-line error naming what is wrong, exit 2, no traceback, nothing written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.markup import escape

from writers_tui.paths import ProjectPaths

BAD_INPUT = 2


#: Characters a terminal acts on instead of showing: C0/C1 controls (ESC starts colour,
#: title and clipboard sequences) and the bidi overrides that reverse what follows.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every unshowable character written as an escape (``\\x1b``).

    File names come from a folder someone may have sent: printed raw, a name could drive
    the writer's terminal (set its title, write the clipboard, hide text).
    """
    return _UNSHOWABLE.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def markup_safe(text: str) -> str:
    """:func:`printable`, and Rich markup in it shown as written, not applied."""
    return escape(printable(text))


def fail(message: str) -> NoReturn:
    """Print a one-line error to stderr and exit 2."""
    click.echo(f"writers-tui: {printable(message)}", err=True)
    raise SystemExit(BAD_INPUT)


def resolve_project(path: str | Path | None, *, inspect_broken: bool = False) -> Path:
    """The project folder named (or the current one); a non-project is bad input.

    A ``.session`` that is not a folder is refused too, except for ``doctor``
    (``inspect_broken``), whose job is to report it.
    """
    root = Path(path) if path is not None else Path.cwd()
    if not root.exists():
        fail(f"{root}: no such folder")
    if not root.is_dir():
        fail(f"{root}: not a folder")
    session_dir = ProjectPaths(root).session_dir
    if os.path.lexists(session_dir) and not session_dir.is_dir() and not inspect_broken:
        fail(f"{session_dir}: not a folder; move it aside (writers-tui doctor explains)")
    if not ProjectPaths(root).is_project():
        fail(f"{root}: not a writers-tui project (no manuscript/); make one with 'writers-tui new'")
    return root.resolve()


def echo_json(payload: Any) -> None:
    """Stable, readable JSON on stdout (Decimals and paths as strings)."""
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
