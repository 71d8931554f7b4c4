"""Recently opened projects, kept in the user data folder for the welcome screen and the
palette.

A small JSON document (``{"schema_version": 1, "projects": [{"path", "title",
"opened_at"}]}``), newest first, at most :data:`MAX_RECENT`. It is a convenience, not the
writer's work: a missing or unreadable file is an empty list, and a write that fails is
logged and forgotten. Reads and writes run in a thread (callers use the ``*_async``
functions from the event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from writers_tui.paths import ProjectPaths, user_data_dir
from writers_tui.values import utc_iso, utc_now

#: The file's name inside :func:`writers_tui.paths.user_data_dir` (one place; the lead may
#: move it into ``paths.py``).
RECENT_PROJECTS_FILE = "recent-projects.json"
MAX_RECENT = 10
_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class RecentProject:
    path: Path
    title: str
    opened_at: str


def recent_projects_path() -> Path:
    return user_data_dir() / RECENT_PROJECTS_FILE


def load_recent(path: Path | None = None) -> list[RecentProject]:
    """The recent projects that still exist as projects, newest first."""
    target = path or recent_projects_path()
    try:
        with open(target, "rb") as handle:
            raw = json.loads(handle.read(_MAX_BYTES + 1)[:_MAX_BYTES] or b"{}")
    except (OSError, ValueError):
        return []
    found: list[RecentProject] = []
    entries = raw.get("projects", []) if isinstance(raw, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            continue
        folder = Path(entry["path"])
        if folder.is_absolute() and ProjectPaths(folder).is_project():
            found.append(
                RecentProject(
                    folder, str(entry.get("title") or folder.name), str(entry.get("opened_at", ""))
                )
            )
    return found[:MAX_RECENT]


def remember(root: Path, title: str | None = None, path: Path | None = None) -> None:
    """Put ``root`` first in the list (written atomically: temp file, fsync, rename)."""
    target = path or recent_projects_path()
    root = Path(root).absolute()
    kept = [entry for entry in load_recent(target) if entry.path != root]
    entries = [RecentProject(root, title or root.name, utc_iso(utc_now())), *kept][:MAX_RECENT]
    document = {
        "schema_version": 1,
        "projects": [
            {"path": str(e.path), "title": e.title, "opened_at": e.opened_at} for e in entries
        ],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


async def load_recent_async(path: Path | None = None) -> list[RecentProject]:
    return await asyncio.to_thread(load_recent, path)


async def remember_async(root: Path, title: str | None = None, path: Path | None = None) -> None:
    await asyncio.to_thread(remember, root, title, path)
