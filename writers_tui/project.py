"""A project folder: making one, its manuscript files in binder order, and its word counts.

Binder order is the order a writer sees in the sidebar: folders and files sorted
*naturally*, so ``2 Chapter.md`` comes before ``10 Chapter.md`` and ``1.2.3 Title.md``
before ``1.10 Title.md``. Only ``.md`` files count as manuscript.

New projects come from templates that are plain data files under
``writers_tui/data/templates/<name>/`` (``{title}`` in them becomes the project's title),
so a writer or a contributor can change a template without touching code. The demo is a
fixed tree under ``writers_tui/data/demo/``. Both are copied with the durable
:func:`~writers_tui.atomic.atomic_write_text`, and all-or-nothing: a project that
did not exist is built in a hidden sibling folder and renamed into place, and one written
into an existing folder is rolled back on failure. Existing files are never overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from writers_tui.atomic import USER_FILE_MODE, atomic_write_text, fsync_dir
from writers_tui.paths import REPORTS_DIR, SESSION_DIR, ProjectPaths
from writers_tui.wordcount import NotTextError, count_words, decode_text

MANUSCRIPT_SUFFIXES = (".md", ".markdown")
CONFLICT_MARK = ".conflict-"
_NUMBER_RUN = re.compile(r"(\d+)")

#: The folders every project has, even when a template ships no file in them.
SKELETON_DIRS: tuple[str, ...] = (
    "manuscript",
    "reference/characters",
    "reference/places",
    "planning",
    REPORTS_DIR,
)
TITLE_PLACEHOLDER = "{title}"
MAX_TITLE_LENGTH = 200
DEFAULT_TEMPLATE = "novel"
DEMO_TITLE = "Pride and Prejudice (sample)"
#: A folder holding this file is the demo; ``make_demo`` reuses it instead of refusing.
DEMO_MARKER = "ABOUT-THIS-DEMO.md"
_GITIGNORE_LINE = f"{SESSION_DIR}/"


class ProjectError(ValueError):
    """A project cannot be made or opened here; the message is one line for the writer."""


# -- binder order ------------------------------------------------------------------------


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


def _inside(path: Path, root: Path | None) -> bool:
    """Does ``path`` resolve to somewhere inside ``root`` (always true without a root)?"""
    if root is None:
        return True
    try:
        path.resolve().relative_to(root)
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop (3.11)
        return False
    return True


def markdown_files_under(folder: Path, *, within: Path | None = None) -> list[Path]:
    """The manuscript Markdown files under ``folder`` in binder order: hidden entries and
    conflict copies (``NAME.conflict-<time>.md``) left out; unreadable folders are skipped.

    Symbolic links are followed, but each real folder and each real file is visited once
    (by device and inode), so a link loop ends and a file linked twice is counted once.
    With ``within`` (the project folder), links that lead outside it are left out: a
    project is untrusted input and must not pull in the rest of the disk.
    """
    root = within.resolve() if within is not None else None
    seen: set[tuple[int, int]] = set()
    found: list[Path] = []

    def first_visit(path: Path) -> bool:
        try:
            info = path.stat()
        except OSError:
            return False
        identity = (info.st_dev, info.st_ino)
        if identity in seen:
            return False
        seen.add(identity)
        return True

    def walk(current: Path) -> None:
        try:
            entries = sorted(current.iterdir(), key=lambda entry: natural_key(entry.name))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() and not _inside(entry, root):
                continue
            if entry.is_dir():
                if first_visit(entry):
                    walk(entry)
            elif (
                entry.suffix.lower() in MANUSCRIPT_SUFFIXES
                and CONFLICT_MARK not in entry.name
                and entry.is_file()
                and first_visit(entry)
            ):
                found.append(entry)

    if first_visit(folder):
        walk(folder)
    return found


def manuscript_files(root: Path) -> list[Path]:
    """Every manuscript Markdown file under ``root/manuscript`` in binder order.

    Conflict copies (``NAME.conflict-<time>.md``, written when a save found the file
    changed by someone else) are the writer's to review, not part of the manuscript, so
    they are left out of the binder order and of word counts. Links inside the project
    are followed (each real file once); links leading outside it are left out.
    """
    return markdown_files_under(ProjectPaths(root).manuscript, within=ProjectPaths(root).root)


# -- word counts -------------------------------------------------------------------------


def word_counts(root: Path) -> list[tuple[Path, int]]:
    """Each manuscript file with its word count, in binder order.

    Counts use :func:`writers_tui.wordcount.count_words`, the app's one word rule (front
    matter, comments, code, URLs and headings are not prose), on text read by
    :func:`writers_tui.wordcount.decode_text` (UTF-16 and legacy 8-bit files count their
    real words; a binary file renamed ``.md`` counts 0), the reading the analysis uses.
    A file deleted or unreadable between listing and reading is left out.
    """
    counts: list[tuple[Path, int]] = []
    for path in manuscript_files(root):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        try:
            words = count_words(decode_text(data).text)
        except NotTextError:
            words = 0
        counts.append((path, words))
    return counts


def total_words(root: Path) -> int:
    """Words in the whole manuscript."""
    return sum(count for _, count in word_counts(root))


async def word_counts_async(root: Path) -> list[tuple[Path, int]]:
    """:func:`word_counts` in a thread: reading a whole manuscript must not stall the UI."""
    return await asyncio.to_thread(word_counts, root)


# -- templates ---------------------------------------------------------------------------


def _data_dir(*parts: str) -> Traversable:
    folder = resources.files("writers_tui").joinpath("data")
    for part in parts:
        folder = folder.joinpath(part)
    return folder


def template_names() -> list[str]:
    """The templates ``new_project`` accepts, from the folders shipped as package data."""
    return sorted(entry.name for entry in _data_dir("templates").iterdir() if entry.is_dir())


def _walk(folder: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, str]]:
    for entry in folder.iterdir():
        relative = prefix / entry.name
        if entry.is_dir():
            yield from _walk(entry, relative)
        elif entry.is_file():
            yield relative, entry.read_text(encoding="utf-8")


def _tree(source: Traversable, title: str) -> dict[PurePosixPath, str]:
    """Every file of a data tree, relative path → text with the title filled in.

    ``str.replace`` rather than ``str.format``: prose and Markdown are full of braces.
    """
    return {
        relative: text.replace(TITLE_PLACEHOLDER, title)
        for relative, text in _walk(source, PurePosixPath())
    }


def _clean_title(title: str | None, path: Path) -> str:
    if title is None:
        words = re.sub(r"[-_]+", " ", path.name).strip()
        return words.title() if words.islower() else words or "Untitled"
    cleaned = title.strip()
    if not cleaned:
        raise ProjectError("the title is empty")
    if any(ch in cleaned for ch in "\r\n\x00"):
        raise ProjectError("the title must be a single line")
    if len(cleaned) > MAX_TITLE_LENGTH:
        raise ProjectError(f"the title is longer than {MAX_TITLE_LENGTH} characters")
    return cleaned


# -- writing a tree ----------------------------------------------------------------------


def _target_state(path: Path) -> str:
    """``absent``, ``empty`` or ``project``; anything else is refused."""
    if not path.exists():
        if path.is_symlink():
            raise ProjectError(f"{path} is a broken symbolic link")
        return "absent"
    if not path.is_dir():
        raise ProjectError(f"{path} exists and is not a folder")
    if ProjectPaths(path).is_project():
        return "project"
    try:
        empty = not any(path.iterdir())
    except OSError as error:
        raise ProjectError(f"cannot read {path}: {error.strerror}") from error
    if not empty:
        raise ProjectError(
            f"{path} is not empty and is not a writers-tui project; choose a new or empty folder"
        )
    return "empty"


def _gitignore_text(root: Path) -> str | None:
    """The new ``.gitignore`` text, or None when it already ignores ``.session/``."""
    target = ProjectPaths(root).gitignore
    try:
        current = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _GITIGNORE_LINE + "\n"
    lines = {line.strip() for line in current.splitlines()}
    if lines & {_GITIGNORE_LINE, SESSION_DIR, f"/{_GITIGNORE_LINE}", f"/{SESSION_DIR}"}:
        return None
    separator = "" if current.endswith("\n") or not current else "\n"
    return f"{current}{separator}{_GITIGNORE_LINE}\n"


def _fill(root: Path, files: dict[PurePosixPath, str], created: list[Path]) -> None:
    """Create the skeleton folders and every missing file under ``root``.

    Everything made is appended to ``created`` (parents before children) so a failure can
    be undone. The ``.gitignore`` goes last: if it fails, nothing before it is kept, and an
    existing ``.gitignore`` is only ever replaced atomically.
    """
    folders = {PurePosixPath(name) for name in SKELETON_DIRS}
    folders.update(relative.parent for relative in files)
    for folder in sorted(folders, key=lambda p: len(p.parts)):
        for depth in range(1, len(folder.parts) + 1):
            target = root.joinpath(*folder.parts[:depth])
            if not target.is_dir():
                target.mkdir()
                created.append(target)
                fsync_dir(target.parent)
    for relative, text in sorted(files.items()):
        target = root.joinpath(*relative.parts)
        if target.exists():
            continue
        atomic_write_text(target, text, new_file_mode=USER_FILE_MODE)
        created.append(target)
    gitignore = _gitignore_text(root)
    if gitignore is not None:
        existed = ProjectPaths(root).gitignore.exists()
        atomic_write_text(ProjectPaths(root).gitignore, gitignore, new_file_mode=USER_FILE_MODE)
        if not existed:
            created.append(ProjectPaths(root).gitignore)


def _undo(created: list[Path]) -> None:
    for path in reversed(created):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()


def _top_missing(path: Path) -> Path:
    """The highest ancestor of ``path`` (or ``path`` itself) that does not exist yet."""
    top = path
    while not top.parent.exists() and top.parent != top:
        top = top.parent
    return top


def _build_beside(path: Path, files: dict[PurePosixPath, str]) -> None:
    """Build the project in a hidden sibling folder, then rename it into place.

    When the parents are missing too, the sibling stands in for the highest missing one,
    so a failure leaves none of them behind either.
    """
    top = _top_missing(path)
    staging = top.with_name(f".{top.name}.new-{uuid.uuid4().hex[:12]}")
    staging.mkdir()  # mode 0o777 less the umask, like any folder the writer makes
    try:
        root = staging.joinpath(*path.relative_to(top).parts)
        root.mkdir(parents=True, exist_ok=True)
        _fill(root, files, [])
        fsync_dir(root)
        os.rename(staging, top)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(top.parent)


def _materialize(path: Path, files: dict[PurePosixPath, str]) -> Path:
    path = Path(path).absolute()
    state = _target_state(path)
    try:
        if state == "absent":
            _build_beside(path, files)
        else:
            created: list[Path] = []
            try:
                _fill(path, files, created)
            except BaseException:
                _undo(created)
                raise
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectError(f"cannot create the project at {path}: {reason}") from error
    return path


# -- public entry points ------------------------------------------------------------------


def new_project(path: Path, template: str = DEFAULT_TEMPLATE, title: str | None = None) -> Path:
    """Scaffold a project at ``path`` from a template; return its absolute path.

    ``path`` may be missing, an empty folder, or an existing project (then only missing
    skeleton files are added, nothing is overwritten). Anything else raises
    :class:`ProjectError` with nothing written.
    """
    names = template_names()
    if template not in names:
        raise ProjectError(f"unknown template {template!r}; choose one of: {', '.join(names)}")
    files = _tree(_data_dir("templates", template), _clean_title(title, Path(path).absolute()))
    return _materialize(path, files)


def is_demo(path: Path) -> bool:
    return (Path(path) / DEMO_MARKER).is_file()


def make_demo(path: Path) -> Path:
    """The sample project at ``path``: made if missing, reused as it is when already there.

    A demo the writer has played with is never reset; a different project at ``path`` is
    refused rather than filled with someone else's novel.
    """
    path = Path(path).absolute()
    if is_demo(path):
        return path
    if path.exists() and path.is_dir() and ProjectPaths(path).is_project():
        raise ProjectError(f"{path} is a project but not the demo; choose another folder")
    return _materialize(path, _tree(_data_dir("demo"), DEMO_TITLE))


__all__ = [
    "DEMO_TITLE",
    "ProjectError",
    "is_demo",
    "make_demo",
    "manuscript_files",
    "markdown_files_under",
    "natural_key",
    "new_project",
    "template_names",
    "total_words",
    "word_counts",
    "word_counts_async",
]
