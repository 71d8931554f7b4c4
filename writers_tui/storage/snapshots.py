"""Revision snapshots: a scene's text kept before revising it, to compare and go back to.

A snapshot is taken by hand ("before I cut this chapter"), and by the Workspace before any
bulk change (a project-wide replace), tagged with that change's ``bulk_id`` so the change
can be undone from them. Each is two files in
``.session/snapshots/<escaped project path>/``:

* ``<UTC time>.md``: the text exactly as given, encoded as the prose store writes it
  (UTF-8; bytes a file had that were not UTF-8 come back unchanged);
* ``<UTC time>.json``: the sidecar (path, time, word count, label, hash, bulk id). It is
  written second, so a snapshot without one is an interrupted write and is not listed.

Both go through :func:`~writers_tui.atomic.atomic_write_text`, which refuses links in
``.session/``, so a planted link cannot make a snapshot land outside the project.

**Bounded.** At most :data:`MAX_SNAPSHOTS_PER_FILE` per file: taking one removes the
oldest beyond that. Snapshots of a bulk change that is still undoable are *protected* and
never removed (they may exceed the bound until :func:`release_bulk` is called, when the
change is undone or can no longer be).

Restoring returns the text; the caller puts it in the editor's buffer, so the normal save
rules (conflict check, journal on failure) apply and the restore is itself undoable by the
editor. Diffs are data (hunks with line numbers) plus the usual unified text.

Every function blocks on the disk; the Workspace runs them in a thread.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import quote

from writers_tui.atomic import (
    atomic_write_bytes,
    atomic_write_text,
    ensure_dir,
    open_folder,
    read_file,
)
from writers_tui.paths import ProjectPaths
from writers_tui.storage.text_codec import decode, encode_and_hash
from writers_tui.wordcount import count_words

__all__ = [
    "MAX_SNAPSHOTS_PER_FILE",
    "DiffHunk",
    "DiffLine",
    "SnapshotInfo",
    "TextDiff",
    "diff_snapshot",
    "diff_texts",
    "list_snapshots",
    "read_snapshot",
    "release_bulk",
    "restore_snapshot",
    "take_snapshot",
    "text_sha256",
]

#: Snapshots kept per file (protected ones of an undoable bulk change come on top).
MAX_SNAPSHOTS_PER_FILE = 50
SCHEMA_VERSION = 1
#: Longest escaped folder name used as is; longer paths are cut and given a hash.
_MAX_FOLDER_NAME = 180
_ID = re.compile(r"^\d{8}T\d{12}Z$")
_SAFE = " -_.,()'&+!~"


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """One snapshot, as listed (the text is read separately: lists stay cheap)."""

    id: str
    path: str
    taken_at: datetime
    words: int
    label: str | None
    sha256: str
    bulk_id: str | None = None
    protected: bool = False


def text_sha256(text: str) -> str:
    """The hash snapshots and replace plans use to tell whether a text changed (of the
    bytes the prose store would write)."""
    return encode_and_hash(text)[1]


def _check_path(path: str) -> str:
    relative = PurePosixPath(path)
    if (
        not path
        or "\x00" in path
        or "\\" in path
        or relative.is_absolute()
        or any(part in ("..", ".") for part in relative.parts)
    ):
        raise ValueError(f"{path!r} is not a path inside the project")
    return relative.as_posix()


def _folder(paths: ProjectPaths, path: str) -> Path:
    """The file's snapshot folder: its path with ``/`` (and anything unusual) escaped, so
    the name is readable and reversible; very long paths are cut and made unique by hash."""
    escaped = quote(path, safe=_SAFE)
    if len(escaped) > _MAX_FOLDER_NAME:
        digest = hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]
        escaped = f"{escaped[: _MAX_FOLDER_NAME - 17]}~{digest}"
    return paths.snapshots / escaped


def _new_id(folder: Path, now: datetime) -> str:
    """A time-ordered id not used yet in ``folder`` (a microsecond later when taken)."""
    with open_folder(folder) as fd:
        taken = set(os.listdir(fd))
    when = now.astimezone(UTC)
    while True:
        candidate = when.strftime("%Y%m%dT%H%M%S%fZ")
        if f"{candidate}.md" not in taken and f"{candidate}.json" not in taken:
            return candidate
        when += timedelta(microseconds=1)


def take_snapshot(
    root: Path,
    path: str,
    text: str,
    *,
    label: str | None = None,
    bulk_id: str | None = None,
    now: datetime | None = None,
) -> SnapshotInfo:
    """Keep ``text`` as a snapshot of ``path`` (project-relative); durable on return.

    ``bulk_id`` marks it as taken before a bulk change: protected until
    :func:`release_bulk`. The oldest unprotected snapshots beyond the bound go.
    """
    path = _check_path(path)
    cleaned_label = label.strip() if label is not None else None
    paths = ProjectPaths(root)
    folder = _folder(paths, path)
    ensure_dir(folder)
    snapshot_id = _new_id(folder, now or datetime.now(UTC))
    info = SnapshotInfo(
        id=snapshot_id,
        path=path,
        taken_at=_id_time(snapshot_id),
        words=count_words(text),
        label=cleaned_label or None,
        sha256=text_sha256(text),
        bulk_id=bulk_id,
        protected=bulk_id is not None,
    )
    atomic_write_bytes(folder / f"{snapshot_id}.md", encode_and_hash(text)[0])
    _write_sidecar(folder, info)
    _prune(folder, list_snapshots(root, path))
    return info


def _id_time(snapshot_id: str) -> datetime:
    return datetime.strptime(snapshot_id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)


def _write_sidecar(folder: Path, info: SnapshotInfo) -> None:
    document = {
        "schema_version": SCHEMA_VERSION,
        "id": info.id,
        "path": info.path,
        "taken_at": info.taken_at.isoformat().replace("+00:00", "Z"),
        "words": info.words,
        "label": info.label,
        "sha256": info.sha256,
        "bulk_id": info.bulk_id,
        "protected": info.protected,
    }
    atomic_write_text(folder / f"{info.id}.json", json.dumps(document, indent=2) + "\n")


def _read_sidecar(folder: Path, snapshot_id: str, path: str) -> SnapshotInfo | None:
    """A sidecar, or None when it is unreadable or not about ``path`` (``.session`` is
    untrusted input: a bad file is skipped, never trusted, never a crash)."""
    try:
        data = json.loads(read_file(folder / f"{snapshot_id}.json"))
        if data["path"] != path or data["id"] != snapshot_id:
            return None
        label = data.get("label")
        bulk_id = data.get("bulk_id")
        return SnapshotInfo(
            id=snapshot_id,
            path=path,
            taken_at=_id_time(snapshot_id),
            words=int(data["words"]),
            label=label if isinstance(label, str) else None,
            sha256=str(data["sha256"]),
            bulk_id=bulk_id if isinstance(bulk_id, str) else None,
            protected=data.get("protected") is True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def list_snapshots(root: Path, path: str) -> list[SnapshotInfo]:
    """The snapshots of ``path``, newest first."""
    path = _check_path(path)
    folder = _folder(ProjectPaths(root), path)
    try:
        with open_folder(folder) as fd:
            names = set(os.listdir(fd))
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        stem = name.removesuffix(".json")
        if stem == name or not _ID.match(stem) or f"{stem}.md" not in names:
            continue
        info = _read_sidecar(folder, stem, path)
        if info is not None:
            found.append(info)
    return sorted(found, key=lambda info: info.id, reverse=True)


def read_snapshot(root: Path, path: str, snapshot_id: str) -> str:
    """The text of one snapshot; :class:`ValueError` when there is no such snapshot."""
    path = _check_path(path)
    if not _ID.match(snapshot_id):
        raise ValueError(f"{snapshot_id!r} is not a snapshot id")
    folder = _folder(ProjectPaths(root), path)
    if _read_sidecar(folder, snapshot_id, path) is None:
        raise ValueError(f"no snapshot {snapshot_id} of {path}")
    try:
        return decode(read_file(folder / f"{snapshot_id}.md"))
    except FileNotFoundError as error:
        raise ValueError(f"snapshot {snapshot_id} of {path} is unreadable") from error


def restore_snapshot(root: Path, path: str, snapshot_id: str) -> str:
    """The text to put back in the buffer (the caller saves it with the usual rules;
    taking a snapshot of the current text first makes the restore itself reversible)."""
    return read_snapshot(root, path, snapshot_id)


def release_bulk(root: Path, paths: Sequence[str], bulk_id: str) -> int:
    """Unprotect the snapshots a bulk change took of ``paths`` (the change was undone, or
    can no longer be); they are then bounded like the rest. Returns how many changed."""
    released = 0
    for path in paths:
        checked = _check_path(path)
        folder = _folder(ProjectPaths(root), checked)
        snapshots = list_snapshots(root, checked)
        for info in snapshots:
            if info.bulk_id == bulk_id and info.protected:
                _write_sidecar(folder, _unprotected(info))
                released += 1
        _prune(folder, list_snapshots(root, checked))
    return released


def _unprotected(info: SnapshotInfo) -> SnapshotInfo:
    return SnapshotInfo(
        info.id, info.path, info.taken_at, info.words, info.label, info.sha256, info.bulk_id
    )


def _prune(folder: Path, snapshots: Sequence[SnapshotInfo]) -> None:
    """Remove the oldest unprotected snapshots beyond the bound (sidecar first, so a crash
    midway leaves a text without a sidecar, which is simply not listed)."""
    unprotected = [info for info in snapshots if not info.protected]
    excess = len(unprotected) - MAX_SNAPSHOTS_PER_FILE
    doomed = unprotected[::-1][: max(excess, 0)]
    if not doomed:
        return
    with open_folder(folder) as fd:
        for info in doomed:
            for suffix in (".json", ".md"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{info.id}{suffix}", dir_fd=fd)
        os.fsync(fd)


# -- diffs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a hunk; line numbers are 1-based, None on the side it is absent from."""

    kind: Literal["context", "removed", "added"]
    text: str
    old_line: int | None
    new_line: int | None


@dataclass(frozen=True, slots=True)
class DiffHunk:
    """A run of changes with context, numbered like a unified diff's ``@@`` line."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        old = _range(self.old_start, self.old_count)
        return f"@@ -{old} +{_range(self.new_start, self.new_count)} @@"


@dataclass(frozen=True, slots=True)
class TextDiff:
    """From an old text (the snapshot) to a new one (the current text)."""

    hunks: tuple[DiffHunk, ...]
    unified: str
    added: int
    removed: int

    @property
    def identical(self) -> bool:
        return not self.hunks


def _range(start: int, count: int) -> str:
    """As ``difflib.unified_diff`` writes it (``start`` is the line before for an empty
    range)."""
    return str(start) if count == 1 else f"{start},{count}"


def diff_texts(
    old: str, new: str, *, context: int = 3, old_name: str = "snapshot", new_name: str = "current"
) -> TextDiff:
    """Line diff of two texts: hunks for a diff view, and the unified text for export."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    hunks: list[DiffHunk] = []
    added = removed = 0
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    DiffLine("context", old_lines[i], i + 1, j1 + k + 1)
                    for k, i in enumerate(range(i1, i2))
                )
                continue
            if tag in ("replace", "delete"):
                lines.extend(DiffLine("removed", old_lines[i], i + 1, None) for i in range(i1, i2))
                removed += i2 - i1
            if tag in ("replace", "insert"):
                lines.extend(DiffLine("added", new_lines[j], None, j + 1) for j in range(j1, j2))
                added += j2 - j1
        first, last = group[0], group[-1]
        old_count, new_count = last[2] - first[1], last[4] - first[3]
        hunks.append(
            DiffHunk(
                old_start=first[1] + 1 if old_count else first[1],
                old_count=old_count,
                new_start=first[3] + 1 if new_count else first[3],
                new_count=new_count,
                lines=tuple(lines),
            )
        )
    unified = "\n".join(
        difflib.unified_diff(old_lines, new_lines, old_name, new_name, n=context, lineterm="")
    )
    return TextDiff(tuple(hunks), unified + "\n" if unified else "", added, removed)


def diff_snapshot(
    root: Path, path: str, snapshot_id: str, current: str, *, context: int = 3
) -> TextDiff:
    """What changed from a snapshot to the current text (the buffer's, not the disk's)."""
    old = read_snapshot(root, path, snapshot_id)
    return diff_texts(
        old, current, context=context, old_name=f"{path} @ {snapshot_id}", new_name=path
    )
