"""``writers-tui [PROJECT]`` and ``writers-tui demo``: open the studio in this terminal.

Textual is imported only here, when the app really opens, so the headless commands stay
quick to start and never touch the terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

from writers_tui.cli_common import fail
from writers_tui.config import SettingsError, load_settings
from writers_tui.paths import ProjectPaths


def can_open_studio() -> bool:
    """The studio needs a terminal on both ends; a pipe or a test runner gets text."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_studio(folder: Path, *, debug: bool = False) -> int:
    """Run the app on ``folder`` until the writer quits; returns the exit code.

    A folder that is not a project opens the welcome screen (create one here, a recent
    project, the demo); a held project offers read-only; an interrupted one, recovery.
    """
    if not folder.is_dir():
        fail(f"{folder}: no such folder")
    root = folder.resolve()
    try:
        settings = load_settings(root if ProjectPaths(root).is_project() else None).settings
    except SettingsError as error:
        fail(str(error))
    from writers_tui.ui.app import make_app  # Textual loads only for the studio

    app = make_app(settings, root=root, debug=debug)
    code = app.run()
    return code if isinstance(code, int) else 0
