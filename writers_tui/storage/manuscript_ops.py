"""Binder operations: create, rename, delete (undoably) and reorder scenes and chapters.

The binder order *is* the file names: ``manuscript/`` is listed depth first with each
folder sorted naturally (:func:`writers_tui.project.natural_key`), so every operation here
is a rename. The numbering rule, for writers and for code:

* A binder name is ``PREFIX TITLE`` (plus ``.md`` for a scene): ``1.2 The Letter.md``,
  ``3 Longbourn/``. The prefix is dot-separated numbers; its last number is the entry's
  *position*, the numbers before it its *series* (``1.`` for ``1.2``). Entries without a
  prefix are left alone and cannot be placed by number.
* A new entry after ``1.2`` is ``1.3``. If ``1.3`` is taken, that sibling moves to ``1.4``
  (and so on up the run of consecutive numbers, highest first): following siblings are
  renumbered only as far as needed, so ``1.5`` stays ``1.5`` when only ``1.3`` was taken.
  A new entry with no ``after`` goes at the end of its folder, continuing the last
  numbered sibling's series (or the folder's own number: ``2.1`` in ``2 Chapter Two/``).
* Moving up or down swaps the prefixes with the neighbour; moving into a chapter gives the
  entry the next number at the end of that chapter. When a chapter folder's number
  changes, the children whose prefix starts with it follow (``2 Two/2.1 x.md`` becomes
  ``3 Two/3.1 x.md``), so the names keep saying where they are.
* Renaming changes the title part only; the prefix (and the ``.md``) stays. The file's
  text is never touched.

Deleting moves the entry to ``.session/trash/<UTC time>/<its project path>`` next to a
``manifest.json`` that says where it came from; :func:`undo_delete` puts it back with the
same bytes, mode and times (a rename), refusing when the original place is taken again.

**Safety.** A project folder is untrusted input. Paths given here are project-relative,
must lie in the writer's folders (``manuscript/``, and for delete ``reference/`` and
``planning/`` too) and must not contain ``..``; every folder on the way is opened with
``O_NOFOLLOW`` relative to the one above it and every rename is made relative to those
descriptors, so a linked chapter folder (pointing anywhere on the disk) is refused with
:class:`~writers_tui.atomic.UnsafePath` instead of followed. Entries that are themselves
links are refused too: moving a relative link would silently break it.

**Durability.** Each folder a rename touched is fsync'd before the call returns; new files
go through :func:`~writers_tui.atomic.atomic_write_text`; trash folders are made with
:func:`~writers_tui.atomic.ensure_dir`. A crash in the middle of a multi-rename operation
(a renumbering) can leave some siblings renumbered and others not: no text is lost, and
the binder order is still sensible.

Every function blocks on the disk: the Workspace runs them in a thread. Each returns a
:class:`BinderChange` listing every path that appeared, moved or went to the trash, so
open buffers and the session's open files can be re-pointed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from writers_tui.atomic import (
    USER_FILE_MODE,
    UnsafePath,
    atomic_write_text,
    ensure_dir,
    open_folder,
    read_file,
)
from writers_tui.paths import MANUSCRIPT_DIR, TRACKED_DIRS, ProjectPaths
from writers_tui.project import CONFLICT_MARK, MANUSCRIPT_SUFFIXES, natural_key

__all__ = [
    "MAX_NAME_LENGTH",
    "BinderChange",
    "Moved",
    "TrashEntry",
    "create_chapter",
    "create_file",
    "create_scene",
    "delete",
    "move_down",
    "move_into",
    "move_up",
    "rename",
    "split_name",
    "trash_entries",
    "undo_delete",
]

#: Longest title accepted (a file name must stay under the usual 255-byte limit).
MAX_NAME_LENGTH = 200
MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA_VERSION = 1
SCENE_SUFFIX = ".md"

_PREFIX = re.compile(r"^(\d+(?:\.\d+)*)(?: +(.*))?$", re.S)
_TRASH_ID = re.compile(r"^\d{8}T\d{12}Z(?:-\d+)?$")
_BAD_TITLE_CHARS = re.compile(r"[/\\\x00-\x1f\x7f]")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | os.O_NOFOLLOW
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK, errno.ENOTDIR}


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moved:
    """One path that changed: project-relative POSIX paths, before and after."""

    old: str
    new: str
    is_folder: bool = False


@dataclass(frozen=True, slots=True)
class BinderChange:
    """What an operation did, so the caller can re-point buffers and refresh the binder.

    ``moved`` lists every file *and* folder whose path changed, including everything
    under a moved folder, parents before children. ``deleted`` likewise lists everything
    that went to the trash.
    """

    created: tuple[str, ...] = ()
    moved: tuple[Moved, ...] = ()
    deleted: tuple[str, ...] = ()
    trash_id: str | None = None

    def new_path(self, old: str) -> str | None:
        """Where ``old`` is now (itself if untouched, None if it went to the trash)."""
        if old in self.deleted:
            return None
        for change in self.moved:
            if change.old == old:
                return change.new
        return old


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """One deleted entry waiting in ``.session/trash``."""

    id: str
    path: str
    deleted_at: datetime
    is_folder: bool


# -- names ---------------------------------------------------------------------------------


def split_name(name: str, *, is_folder: bool) -> tuple[str | None, str, str]:
    """``(prefix, title, suffix)`` of a binder name: ``"1.2 Letter.md"`` →
    ``("1.2", "Letter", ".md")``; no number gives a None prefix."""
    suffix = ""
    stem = name
    if not is_folder:
        for candidate in MANUSCRIPT_SUFFIXES:
            if name.lower().endswith(candidate):
                suffix = name[-len(candidate) :]
                stem = name[: -len(candidate)]
                break
    match = _PREFIX.match(stem)
    if match is None:
        return None, stem, suffix
    return match.group(1), match.group(2) or "", suffix


def _join_name(prefix: str | None, title: str, suffix: str) -> str:
    if prefix is None:
        return title + suffix
    return f"{prefix} {title}{suffix}" if title else prefix + suffix


def _numbers(prefix: str) -> tuple[int, ...]:
    return tuple(int(part) for part in prefix.split("."))


def _prefix_text(numbers: Sequence[int]) -> str:
    return ".".join(str(number) for number in numbers)


def _clean_title(title: str) -> str:
    """The title as it will appear in a name, or :class:`ValueError` saying what is wrong."""
    cleaned = title.strip()
    if not cleaned:
        raise ValueError("the title is empty")
    if _BAD_TITLE_CHARS.search(cleaned):
        raise ValueError(f"the title {cleaned!r} contains '/', '\\' or a control character")
    if cleaned.startswith("."):
        raise ValueError(f"the title {cleaned!r} starts with '.', which would hide it")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(f"the title is longer than {MAX_NAME_LENGTH} characters")
    return cleaned


# -- paths and folders ---------------------------------------------------------------------


def _relative(path: str, *, allowed: Sequence[str], what: str = "path") -> PurePosixPath:
    """A checked project-relative path under one of the ``allowed`` top folders."""
    if not path or "\x00" in path or "\\" in path:
        raise ValueError(f"the {what} {path!r} is not a project path")
    relative = PurePosixPath(path)
    if relative.is_absolute() or any(part in ("..", ".") for part in relative.parts):
        raise ValueError(f"the {what} {path!r} must be inside the project (no '..', not absolute)")
    if not relative.parts or relative.parts[0] not in allowed:
        raise ValueError(f"the {what} {path!r} is not under {' or '.join(allowed)}/")
    return relative


class _Folders:
    """Descriptors of project folders, each reached from the root with ``O_NOFOLLOW``.

    Every rename and stat goes through these descriptors, so a folder swapped for a link
    after the check cannot redirect anything. Folders renamed into are remembered and
    fsync'd by :meth:`sync`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._fds: dict[tuple[str, ...], int] = {}
        self._touched: set[tuple[str, ...]] = set()

    def fd(self, parts: tuple[str, ...], *, create: bool = False) -> int:
        found = self._fds.get(parts)
        if found is not None:
            return found
        if not parts:
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        else:
            parent = self.fd(parts[:-1], create=create)
            fd = self._open_child(parent, parts, create)
        self._fds[parts] = fd
        return fd

    def _open_child(self, parent: int, parts: tuple[str, ...], create: bool) -> int:
        shown = self.root.joinpath(*parts)
        try:
            return os.open(parts[-1], _DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
            os.mkdir(parts[-1], dir_fd=parent)
            self._touched.add(parts[:-1])
            return os.open(parts[-1], _DIR_FLAGS, dir_fd=parent)
        except OSError as error:
            if error.errno in _LINK_ERRNOS:
                kind = _lstat(parent, parts[-1])
                if kind is not None and stat.S_ISLNK(kind.st_mode):
                    raise UnsafePath(shown) from None
                raise ValueError(f"{PurePosixPath(*parts)} is not a folder") from None
            raise

    def entry(self, relative: PurePosixPath) -> os.stat_result:
        """The entry's ``lstat``; links are :class:`UnsafePath`, a missing one ValueError."""
        found = _lstat(self.fd(relative.parts[:-1]), relative.name)
        if found is None:
            raise ValueError(f"{relative} does not exist")
        if stat.S_ISLNK(found.st_mode):
            raise UnsafePath(self.root / relative)
        return found

    def exists(self, relative: PurePosixPath) -> bool:
        return _lstat(self.fd(relative.parts[:-1]), relative.name) is not None

    def listing(self, parts: tuple[str, ...]) -> list[tuple[str, bool]]:
        """``(name, is_folder)`` of the binder entries in a folder, in binder order (as
        :func:`writers_tui.project.markdown_files_under` lists them: no hidden names, no
        conflict copies; linked folders are not entries to number or swap with)."""
        fd = self.fd(parts)
        entries: list[tuple[str, bool]] = []
        for name in os.listdir(fd):
            if name.startswith("."):
                continue
            info = _lstat(fd, name)
            if info is None:
                continue
            if stat.S_ISDIR(info.st_mode):
                entries.append((name, True))
            elif name.lower().endswith(MANUSCRIPT_SUFFIXES) and CONFLICT_MARK not in name:
                entries.append((name, False))
        return sorted(entries, key=lambda entry: natural_key(entry[0]))

    def rename(self, source: PurePosixPath, target: PurePosixPath) -> None:
        """Rename without replacing anything (a taken target is refused, not overwritten)."""
        src_fd = self.fd(source.parts[:-1])
        dst_fd = self.fd(target.parts[:-1])
        existing = _lstat(dst_fd, target.name)
        if existing is not None:
            here = _lstat(src_fd, source.name)
            same = here is not None and (here.st_dev, here.st_ino) == (
                existing.st_dev,
                existing.st_ino,
            )
            if not same:  # a case-only rename on a case-insensitive disk is the same file
                raise ValueError(f"{target} already exists")
        os.rename(source.name, target.name, src_dir_fd=src_fd, dst_dir_fd=dst_fd)
        self._touched.update({source.parts[:-1], target.parts[:-1]})

    def forget_below(self, parts: tuple[str, ...]) -> None:
        """Before a folder moves: fsync what changed inside it, then drop the descriptors
        at and below it (their paths are about to change)."""
        below = [key for key in self._fds if key[: len(parts)] == parts]
        for key in below:
            if key in self._touched:
                os.fsync(self._fds[key])
                self._touched.discard(key)
        for key in below:
            os.close(self._fds.pop(key))

    def touch(self, parts: tuple[str, ...]) -> None:
        self._touched.add(parts)

    def sync(self) -> None:
        for parts in sorted(self._touched, key=len, reverse=True):
            os.fsync(self.fd(parts))
        self._touched.clear()

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()


@contextlib.contextmanager
def _folders(root: Path) -> Iterator[_Folders]:
    folders = _Folders(ProjectPaths(root).root)
    try:
        yield folders
        folders.sync()
    finally:
        folders.close()


def _lstat(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _posix(relative: PurePosixPath) -> str:
    return relative.as_posix()


def _tree(folders: _Folders, relative: PurePosixPath) -> list[tuple[PurePosixPath, bool]]:
    """``relative`` and everything under it (parents first); links inside are refused."""
    info = folders.entry(relative)
    if not stat.S_ISDIR(info.st_mode):
        return [(relative, False)]
    found: list[tuple[PurePosixPath, bool]] = [(relative, True)]
    fd = folders.fd(relative.parts)
    for name in sorted(os.listdir(fd), key=natural_key):
        found.extend(_tree(folders, relative / name))
    return found


# -- planning renames ----------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    """Renames to make in order; ``moved`` is what the caller is told."""

    renames: list[tuple[PurePosixPath, PurePosixPath]] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)


def _renumbered(name: str, is_folder: bool, old: tuple[int, ...], new: tuple[int, ...]) -> str:
    """``name`` with a leading ``old`` prefix replaced by ``new`` (unchanged otherwise)."""
    prefix, title, suffix = split_name(name, is_folder=is_folder)
    if prefix is None:
        return name
    numbers = _numbers(prefix)
    if len(numbers) <= len(old) or numbers[: len(old)] != old:
        return name
    return _join_name(_prefix_text(new + numbers[len(old) :]), title, suffix)


def _plan_move(
    folders: _Folders, plan: _Plan, source: PurePosixPath, target: PurePosixPath
) -> None:
    """Plan ``source`` → ``target``. When a folder's number changes, the entries inside it
    whose prefix starts with that number follow, at every depth (renamed in place, deepest
    first, before the folder itself moves)."""
    is_folder = stat.S_ISDIR(folders.entry(source).st_mode)
    inner: list[tuple[PurePosixPath, PurePosixPath]] = []
    new_names: dict[PurePosixPath, str] = {}

    def renumber_inside(folder: PurePosixPath, old: tuple[int, ...], new: tuple[int, ...]) -> None:
        listing = folders.listing(folder.parts)
        names = {name for name, _ in listing}
        for name, child_is_folder in listing:
            renamed = _renumbered(name, child_is_folder, old, new)
            if renamed == name:
                continue
            if renamed in names:
                raise ValueError(f"cannot renumber {folder / name}: {renamed!r} exists")
            if child_is_folder:
                before = split_name(name, is_folder=True)[0]
                after = split_name(renamed, is_folder=True)[0]
                assert before is not None and after is not None  # renumbered means numbered
                renumber_inside(folder / name, _numbers(before), _numbers(after))
            inner.append((folder / name, folder / renamed))
            new_names[folder / name] = renamed

    old_prefix = split_name(source.name, is_folder=is_folder)[0]
    new_prefix = split_name(target.name, is_folder=is_folder)[0]
    if is_folder and old_prefix is not None and new_prefix is not None:
        renumber_inside(source, _numbers(old_prefix), _numbers(new_prefix))
    tree = _tree(folders, source)
    plan.renames.extend(inner)
    plan.renames.append((source, target))
    for path, path_is_folder in tree:
        current = source
        tail: list[str] = []
        for part in path.relative_to(source).parts:
            current = current / part
            tail.append(new_names.get(current, part))
        moved_to = target.joinpath(*tail)
        if moved_to != path:
            plan.moved.append(Moved(_posix(path), _posix(moved_to), path_is_folder))


def _run(folders: _Folders, plan: _Plan) -> BinderChange:
    for source, target in plan.renames:
        if stat.S_ISDIR(folders.entry(source).st_mode):
            folders.forget_below(source.parts)
        folders.rename(source, target)
    return BinderChange(moved=tuple(plan.moved))


def _numbered(listing: Sequence[tuple[str, bool]]) -> list[tuple[str, bool, tuple[int, ...]]]:
    found = []
    for name, is_folder in listing:
        prefix = split_name(name, is_folder=is_folder)[0]
        if prefix is not None:
            found.append((name, is_folder, _numbers(prefix)))
    return found


def _make_room(
    folders: _Folders, plan: _Plan, folder: PurePosixPath, wanted: tuple[int, ...]
) -> None:
    """Shift the run of siblings from ``wanted`` up by one (highest first) so that
    ``wanted`` is free; siblings after the first gap are left alone."""
    numbered = _numbered(folders.listing(folder.parts))
    taken = {numbers for _, _, numbers in numbered}
    series, position = wanted[:-1], wanted[-1]
    run: list[tuple[int, ...]] = []
    while (*series, position) in taken:
        run.append((*series, position))
        position += 1
    for numbers in reversed(run):
        bumped = (*numbers[:-1], numbers[-1] + 1)
        for name, is_folder, own in numbered:
            if own == numbers:
                _, title, suffix = split_name(name, is_folder=is_folder)
                target = folder / _join_name(_prefix_text(bumped), title, suffix)
                _plan_move(folders, plan, folder / name, target)


def _next_at_end(
    listing: Sequence[tuple[str, bool]], folder: PurePosixPath, *, excluding: str | None = None
) -> tuple[int, ...]:
    """The number a new entry gets at the end of a folder."""
    numbered = [item for item in _numbered(listing) if item[0] != excluding]
    if numbered:
        last = numbered[-1][2]
        return (*last[:-1], last[-1] + 1)
    own = split_name(folder.name, is_folder=True)[0] if len(folder.parts) > 1 else None
    return (*_numbers(own), 1) if own is not None else (1,)


def _placement(
    folders: _Folders, plan: _Plan, after: str | None, folder: str | None
) -> tuple[PurePosixPath, tuple[int, ...]]:
    """Where a new entry goes and its number, planning any renumbering it needs."""
    if after is not None:
        sibling = _relative(after, allowed=(MANUSCRIPT_DIR,), what="scene")
        info = folders.entry(sibling)
        prefix = split_name(sibling.name, is_folder=stat.S_ISDIR(info.st_mode))[0]
        if prefix is None:
            raise ValueError(f"{sibling.name!r} has no number, so nothing can be placed after it")
        numbers = _numbers(prefix)
        wanted = (*numbers[:-1], numbers[-1] + 1)
        _make_room(folders, plan, sibling.parent, wanted)
        return sibling.parent, wanted
    parent = _relative(
        MANUSCRIPT_DIR if folder is None else folder, allowed=(MANUSCRIPT_DIR,), what="folder"
    )
    folders.fd(parent.parts)  # refuses links and non-folders
    return parent, _next_at_end(folders.listing(parent.parts), parent)


def _refuse_existing(found: os.stat_result | None) -> None:
    if found is not None:
        raise FileExistsError(errno.EEXIST, "a file appeared at the new name")


def _write_new(folders: _Folders, relative: PurePosixPath, text: str) -> None:
    """Write a new file durably, never over one that exists (even one made meanwhile)."""
    folders.fd(relative.parts[:-1])  # the folder chain, checked for links
    if folders.exists(relative):
        raise ValueError(f"{relative} already exists")
    try:
        atomic_write_text(
            folders.root / relative,
            text,
            new_file_mode=USER_FILE_MODE,
            before_replace=_refuse_existing,
        )
    except FileExistsError:
        raise ValueError(f"{relative} already exists") from None


# -- creating ------------------------------------------------------------------------------


def create_scene(
    root: Path,
    title: str,
    *,
    after: str | None = None,
    folder: str | None = None,
    text: str | None = None,
) -> BinderChange:
    """A new scene file right after ``after`` (its sibling), or at the end of ``folder``
    (default: the top of ``manuscript/``). ``text`` defaults to a heading of the title.

    Siblings that must shift to make room are in ``moved``.
    """
    cleaned = _clean_title(title)
    with _folders(root) as folders:
        plan = _Plan()
        parent, numbers = _placement(folders, plan, after, folder)
        name = _join_name(_prefix_text(numbers), cleaned, SCENE_SUFFIX)
        change = _run(folders, plan)
        target = parent / name
        _write_new(folders, target, f"# {cleaned}\n\n" if text is None else text)
        return BinderChange(created=(_posix(target),), moved=change.moved)


def create_chapter(
    root: Path,
    title: str,
    *,
    after: str | None = None,
    parent: str | None = None,
    scene_text: str | None = None,
) -> BinderChange:
    """A new chapter folder after ``after`` or at the end of ``parent`` (default the top
    of ``manuscript/``); with ``scene_text``, also its first scene, ``N.1 TITLE.md``."""
    cleaned = _clean_title(title)
    with _folders(root) as folders:
        plan = _Plan()
        where, numbers = _placement(folders, plan, after, parent)
        change = _run(folders, plan)
        chapter = where / _join_name(_prefix_text(numbers), cleaned, "")
        if folders.exists(chapter):
            raise ValueError(f"{chapter} already exists")
        folders.fd(chapter.parts, create=True)
        created = [_posix(chapter)]
        if scene_text is not None:
            scene = chapter / _join_name(_prefix_text((*numbers, 1)), cleaned, SCENE_SUFFIX)
            _write_new(folders, scene, scene_text)
            created.append(_posix(scene))
        return BinderChange(created=tuple(created), moved=change.moved)


def create_file(root: Path, folder: str, title: str, text: str) -> BinderChange:
    """A new ``TITLE.md`` in one of the writer's folders (``reference/characters`` …),
    made if missing; refused when the name is taken. For story-bible entries."""
    cleaned = _clean_title(title)
    parent = _relative(folder, allowed=TRACKED_DIRS, what="folder")
    with _folders(root) as folders:
        folders.fd(parent.parts, create=True)
        target = parent / (cleaned + SCENE_SUFFIX)
        _write_new(folders, target, text)
        return BinderChange(created=(_posix(target),))


# -- renaming and moving -------------------------------------------------------------------


def rename(root: Path, path: str, title: str) -> BinderChange:
    """Give a scene or chapter a new title, keeping its number and suffix."""
    cleaned = _clean_title(title)
    source = _relative(path, allowed=(MANUSCRIPT_DIR,), what="scene")
    if len(source.parts) < 2:
        raise ValueError("the manuscript folder itself cannot be renamed")
    with _folders(root) as folders:
        is_folder = stat.S_ISDIR(folders.entry(source).st_mode)
        prefix, _, suffix = split_name(source.name, is_folder=is_folder)
        target = source.with_name(_join_name(prefix, cleaned, suffix))
        if target == source:
            return BinderChange()
        plan = _Plan()
        _plan_move(folders, plan, source, target)
        return _run(folders, plan)


def _neighbour(folders: _Folders, source: PurePosixPath, step: int) -> tuple[str, bool]:
    listing = folders.listing(source.parent.parts)
    names = [name for name, _ in listing]
    if source.name not in names:
        raise ValueError(f"{source} is not a scene or chapter")
    index = names.index(source.name) + step
    if not 0 <= index < len(listing):
        raise ValueError(f"{source.name!r} is already {'first' if step < 0 else 'last'}")
    return listing[index]


def _swap(root: Path, path: str, step: int) -> BinderChange:
    source = _relative(path, allowed=(MANUSCRIPT_DIR,), what="scene")
    with _folders(root) as folders:
        is_folder = stat.S_ISDIR(folders.entry(source).st_mode)
        other_name, other_is_folder = _neighbour(folders, source, step)
        other = source.with_name(other_name)
        mine = split_name(source.name, is_folder=is_folder)
        theirs = split_name(other_name, is_folder=other_is_folder)
        if mine[0] is None or theirs[0] is None:
            unnumbered = source.name if mine[0] is None else other_name
            raise ValueError(f"{unnumbered!r} has no number, so it cannot be reordered")
        if _numbers(mine[0]) == _numbers(theirs[0]):
            raise ValueError(f"{source.name!r} and {other_name!r} have the same number")
        if mine[1].casefold() == theirs[1].casefold():
            raise ValueError(f"{source.name!r} and {other_name!r} have the same title")
        new_mine = _join_name(theirs[0], mine[1], mine[2])
        new_theirs = _join_name(mine[0], theirs[1], theirs[2])
        plan = _Plan()
        _plan_move(folders, plan, source, source.with_name(new_mine))
        _plan_move(folders, plan, other, other.with_name(new_theirs))
        return _run(folders, plan)


def move_up(root: Path, path: str) -> BinderChange:
    """Swap numbers with the entry above in the binder (same folder)."""
    return _swap(root, path, -1)


def move_down(root: Path, path: str) -> BinderChange:
    """Swap numbers with the entry below in the binder (same folder)."""
    return _swap(root, path, +1)


def move_into(root: Path, path: str, folder: str) -> BinderChange:
    """Move a scene (or chapter) to the end of another folder, numbered to fit there.

    ``folder`` is ``manuscript`` for the top level or a chapter folder.
    """
    source = _relative(path, allowed=(MANUSCRIPT_DIR,), what="scene")
    target_folder = _relative(folder, allowed=(MANUSCRIPT_DIR,), what="folder")
    if len(source.parts) < 2:
        raise ValueError("the manuscript folder itself cannot be moved")
    if target_folder == source.parent:
        raise ValueError(f"{source.name!r} is already in {folder}")
    if target_folder.parts[: len(source.parts)] == source.parts:
        raise ValueError(f"{source.name!r} cannot be moved into itself")
    with _folders(root) as folders:
        is_folder = stat.S_ISDIR(folders.entry(source).st_mode)
        folders.fd(target_folder.parts)  # refuses links and non-folders
        _, title, suffix = split_name(source.name, is_folder=is_folder)
        numbers = _next_at_end(folders.listing(target_folder.parts), target_folder)
        target = target_folder / _join_name(_prefix_text(numbers), title, suffix)
        plan = _Plan()
        _plan_move(folders, plan, source, target)
        return _run(folders, plan)


# -- the trash -----------------------------------------------------------------------------


def _trash_id(when: datetime, taken: set[str]) -> str:
    base = when.strftime("%Y%m%dT%H%M%S%fZ")
    candidate, count = base, 1
    while candidate in taken:
        count += 1
        candidate = f"{base}-{count}"
    return candidate


def delete(root: Path, path: str, *, now: datetime | None = None) -> BinderChange:
    """Move a scene, chapter or bible file to ``.session/trash/<id>/`` (undoable).

    The manifest is written first: a crash before the move leaves a manifest with nothing
    to restore (listed as nothing), never content without a record of where it belongs.
    """
    source = _relative(path, allowed=TRACKED_DIRS)
    if len(source.parts) < 2:
        raise ValueError(f"{path}/ itself cannot be deleted")
    paths = ProjectPaths(root)
    bin_root = paths.trash
    ensure_dir(bin_root)
    with open_folder(bin_root) as bin_fd:
        taken = set(os.listdir(bin_fd))
    when = (now or datetime.now(UTC)).astimezone(UTC)
    trash_id = _trash_id(when, taken)
    entry = bin_root / trash_id
    with _folders(root) as folders:
        tree = _tree(folders, source)
        ensure_dir(entry.joinpath(*source.parts[:-1]))
        manifest = {
            "schema_version": MANIFEST_SCHEMA_VERSION,
            "id": trash_id,
            "path": _posix(source),
            "is_folder": tree[0][1],
            "deleted_at": when.isoformat(),
        }
        atomic_write_text(entry / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
        if tree[0][1]:
            folders.forget_below(source.parts)
        with open_folder(entry.joinpath(*source.parts[:-1])) as into:
            os.rename(
                source.name, source.name, src_dir_fd=folders.fd(source.parts[:-1]), dst_dir_fd=into
            )
            os.fsync(into)
        folders.touch(source.parts[:-1])
    return BinderChange(deleted=tuple(_posix(item) for item, _ in tree), trash_id=trash_id)


def _read_manifest(paths: ProjectPaths, trash_id: str) -> TrashEntry | None:
    """The manifest of one trash entry, or None when it is unreadable or names a path
    outside the writer's folders (the ``.session`` folder is untrusted input too)."""
    try:
        data = json.loads(read_file(paths.trash / trash_id / MANIFEST_NAME))
        relative = _relative(str(data["path"]), allowed=TRACKED_DIRS)
        deleted_at = datetime.fromisoformat(str(data["deleted_at"]))
        is_folder = bool(data["is_folder"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(relative.parts) < 2 or deleted_at.tzinfo is None:
        return None
    return TrashEntry(trash_id, _posix(relative), deleted_at, is_folder)


def trash_entries(root: Path) -> list[TrashEntry]:
    """What can be restored, newest first (entries already restored are left out)."""
    paths = ProjectPaths(root)
    try:
        with open_folder(paths.trash) as fd:
            names = os.listdir(fd)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        if not _TRASH_ID.match(name):
            continue
        entry = _read_manifest(paths, name)
        if entry is not None and _held(paths, entry):
            found.append(entry)
    return sorted(found, key=lambda entry: entry.id, reverse=True)


def _held(paths: ProjectPaths, entry: TrashEntry) -> bool:
    relative = PurePosixPath(entry.path)
    try:
        with open_folder(paths.trash / entry.id / relative.parent) as fd:
            found = _lstat(fd, relative.name)
    except (OSError, ValueError):
        return False
    return found is not None and not stat.S_ISLNK(found.st_mode)


def undo_delete(root: Path, trash_id: str) -> BinderChange:
    """Put a deleted entry back where it was, exactly (a rename: bytes, mode and times
    unchanged). Refused when something is at its old path again; missing parent
    folders are made again."""
    if not _TRASH_ID.match(trash_id):
        raise ValueError(f"{trash_id!r} is not a trash entry")
    paths = ProjectPaths(root)
    entry = _read_manifest(paths, trash_id)
    if entry is None or not _held(paths, entry):
        raise ValueError(f"nothing to restore in trash entry {trash_id}")
    relative = PurePosixPath(entry.path)
    holder = paths.trash / trash_id
    with _folders(root) as folders:
        folders.fd(relative.parts[:-1], create=True)
        if folders.exists(relative):
            raise ValueError(f"{relative} exists again; rename or move it first, then undo")
        with open_folder(holder / relative.parent) as source_fd:
            os.rename(
                relative.name,
                relative.name,
                src_dir_fd=source_fd,
                dst_dir_fd=folders.fd(relative.parts[:-1]),
            )
            os.fsync(source_fd)
        folders.touch(relative.parts[:-1])
        restored = tuple(_posix(item) for item, _ in _tree(folders, relative))
    _remove_entry(holder, relative)
    return BinderChange(created=restored)


def _remove_entry(holder: Path, relative: PurePosixPath) -> None:
    """Remove a restored entry's manifest and the (now empty) folders it was kept in."""
    with open_folder(holder) as fd:
        os.unlink(MANIFEST_NAME, dir_fd=fd)
    for depth in range(len(relative.parts) - 1, 0, -1):
        with (
            contextlib.suppress(OSError),
            open_folder(holder.joinpath(*relative.parts[: depth - 1])) as fd,
        ):
            os.rmdir(relative.parts[depth - 1], dir_fd=fd)
    with contextlib.suppress(OSError), open_folder(holder.parent) as fd:
        os.rmdir(holder.name, dir_fd=fd)
        os.fsync(fd)
