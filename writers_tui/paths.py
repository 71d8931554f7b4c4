"""Every path the app uses, decided in one place.

A project is a folder of Markdown the writer owns; the app keeps its own state in a hidden
``.session/`` folder beside it. User-wide folders (config, data, logs) come from
platformdirs. Nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "writers-tui"

SESSION_DIR = ".session"
MANUSCRIPT_DIR = "manuscript"
REFERENCE_DIR = "reference"
PLANNING_DIR = "planning"
OUTPUT_DIR = "output"
REPORTS_DIR = "output/reports"

#: The welcome screen's and palette's recent projects, in :func:`user_data_dir`.
RECENT_PROJECTS_FILE = "recent-projects.json"

#: Folders whose files are the writer's work, watched for outside edits.
TRACKED_DIRS: tuple[str, ...] = (MANUSCRIPT_DIR, REFERENCE_DIR, PLANNING_DIR)

#: Folders only the app writes in. A project folder is untrusted input (a co-author's zip,
#: a cloned repo), so nothing at or below these names is ever reached through a link.
GUARDED_DIRS: tuple[str, ...] = (SESSION_DIR, OUTPUT_DIR)


def guarded_split(folder: Path) -> tuple[Path, tuple[str, ...]]:
    """``(anchor, names)``: where a walk to ``folder`` that follows no link starts, and the
    folder names it takes from there.

    Inside a project's ``.session/`` or ``output/`` the anchor is the project root (the
    folder the writer chose, links and all) and every name from the guarded folder down
    must be a real folder. Anywhere else (the writer's own folders, user data dirs)
    ``folder`` itself is the anchor and there is nothing below it to check. The innermost
    guarded name wins, so a project kept inside a folder called ``output`` still works.
    """
    parts = Path(folder).absolute().parts
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] in GUARDED_DIRS:
            return Path(*parts[:index]), parts[index:]
    return Path(*parts), ()


class ProjectPaths:
    """The layout of one project folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()

    @property
    def session_dir(self) -> Path:
        return self.root / SESSION_DIR

    @property
    def manuscript(self) -> Path:
        return self.root / MANUSCRIPT_DIR

    @property
    def reference(self) -> Path:
        return self.root / REFERENCE_DIR

    @property
    def characters(self) -> Path:
        return self.reference / "characters"

    @property
    def style_lists(self) -> Path:
        """Per-project extensions of the style-flag word lists (``*.txt``)."""
        return self.reference / "style"

    @property
    def planning(self) -> Path:
        return self.root / PLANNING_DIR

    @property
    def reports(self) -> Path:
        return self.root / REPORTS_DIR

    @property
    def scores_log(self) -> Path:
        return self.reports / "scores.jsonl"

    @property
    def lock(self) -> Path:
        return self.session_dir / "lock"

    @property
    def current(self) -> Path:
        return self.session_dir / "current.json"

    @property
    def history(self) -> Path:
        return self.session_dir / "history.json"

    @property
    def history_gz(self) -> Path:
        return self.session_dir / "history.json.gz"

    @property
    def costs(self) -> Path:
        return self.session_dir / "costs.json"

    @property
    def ledger(self) -> Path:
        return self.session_dir / "costs.jsonl"

    @property
    def preferences(self) -> Path:
        return self.session_dir / "preferences.json"

    @property
    def trash(self) -> Path:
        """Deleted binder entries, each restorable (``storage/manuscript_ops.py``)."""
        return self.session_dir / "trash"

    @property
    def snapshots(self) -> Path:
        """Revision snapshots, one folder per file (``storage/snapshots.py``)."""
        return self.session_dir / "snapshots"

    @property
    def recovery(self) -> Path:
        return self.session_dir / "recovery"

    @property
    def analysis_cache(self) -> Path:
        return self.session_dir / "cache" / "analysis"

    @property
    def keeps(self) -> Path:
        """Flags the writer marked "keep" in the Enhancing stage."""
        return self.session_dir / "keeps.json"

    @property
    def ai_calls(self) -> Path:
        """AI calls in flight: a crash-proof note of each call until it is in the ledger."""
        return self.session_dir / "ai-calls"

    @property
    def logs(self) -> Path:
        return self.session_dir / "logs"

    @property
    def metrics(self) -> Path:
        return self.session_dir / "metrics"

    @property
    def gitignore(self) -> Path:
        return self.root / ".gitignore"

    def tracked_dirs(self) -> list[Path]:
        return [self.root / name for name in TRACKED_DIRS]

    def contains(self, relative: str) -> bool:
        """Whether a path read from a state file names something inside the project.

        ``current.json``, journal sidecars and breadcrumbs come from an untrusted folder:
        absolute paths, ``..`` and a path that leaves the project through a linked folder
        are all refused (the last one is why this resolves links).
        """
        candidate = Path(relative)
        if not relative or candidate.is_absolute() or ".." in candidate.parts:
            return False
        real_root = os.path.realpath(self.root)
        real = os.path.realpath(self.root / candidate)
        return os.path.commonpath([real_root, real]) == real_root

    def is_project(self) -> bool:
        """A folder is a project when it has a manuscript/ or a .session/ folder."""
        return self.manuscript.is_dir() or self.session_dir.is_dir()


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def user_log_dir() -> Path:
    """Where logs go when the project folder must not be written (read-only mode)."""
    return Path(platformdirs.user_state_dir(APP_NAME)) / "logs"


def user_recovery_dir() -> Path:
    """Where unsaved prose goes when the project folder itself cannot be written."""
    return user_data_dir() / "recovery"


def user_config_file() -> Path:
    return user_config_dir() / "config.json"


def user_approved_guards_file() -> Path:
    """Budget and confirm-threshold values the writer saved per project from Preferences:
    a project file may loosen the guards on their money only to a value recorded here."""
    return user_data_dir() / "approved-guards.json"
