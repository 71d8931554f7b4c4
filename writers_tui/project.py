"""A project folder: its manuscript files in binder order.

Binder order is the order a writer sees in the sidebar: folders and files sorted
*naturally*, so ``2 Chapter.md`` comes before ``10 Chapter.md`` and ``1.2.3 Title.md``
before ``1.10 Title.md``. Only ``.md`` files count as manuscript.
"""

from __future__ import annotations

import re
from pathlib import Path

from writers_tui.paths import ProjectPaths

MANUSCRIPT_SUFFIXES = (".md", ".markdown")
_NUMBER_RUN = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that compares digit runs as numbers and text case-insensitively.

    Each part is tagged (0 for numbers, 1 for text) so numbers and text never get
    compared with each other, which would raise in Python 3.
    """
    parts: list[tuple[int, int | str]] = []
    for chunk in _NUMBER_RUN.split(name):
        if not chunk:
            continue
        if chunk.isdigit():
            parts.append((0, int(chunk)))
        else:
            parts.append((1, chunk.casefold()))
    return tuple(parts)


def _binder_walk(folder: Path) -> list[Path]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    entries.sort(key=lambda entry: natural_key(entry.name))
    found: list[Path] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.extend(_binder_walk(entry))
        elif entry.suffix.lower() in MANUSCRIPT_SUFFIXES and entry.is_file():
            found.append(entry)
    return found


def manuscript_files(root: Path) -> list[Path]:
    """Every manuscript Markdown file under ``root/manuscript`` in binder order."""
    return _binder_walk(ProjectPaths(root).manuscript)
