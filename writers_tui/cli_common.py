"""What every CLI command shares: finding the project, failing cleanly, printing JSON.

The CLI contract (ARCHITECTURE.md): exit 0 means done and durable; bad input is a
one-line error naming what is wrong, exit 2, no traceback, nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import click

from writers_tui.paths import ProjectPaths

BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Print a one-line error to stderr and exit 2."""
    click.echo(f"writers-tui: {message}", err=True)
    raise SystemExit(BAD_INPUT)


def resolve_project(path: str | Path | None) -> Path:
    """The project folder named (or the current one); a non-project is bad input."""
    root = Path(path) if path is not None else Path.cwd()
    if not root.exists():
        fail(f"{root}: no such folder")
    if not root.is_dir():
        fail(f"{root}: not a folder")
    if not ProjectPaths(root).is_project():
        fail(f"{root}: not a writers-tui project (no manuscript/); make one with 'writers-tui new'")
    return root.resolve()


def echo_json(payload: Any) -> None:
    """Stable, readable JSON on stdout (Decimals and paths as strings)."""
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
