"""Recovery journals: prose that could not be written to its own file (rule 6).

When a save fails (ENOSPC, EIO, EACCES, a read-only folder) the text goes to
``.session/recovery/`` — or to ``user_recovery_dir()/<project-name>/`` when the project
folder cannot be written at all — as ``<escaped path>.<time>.md`` plus a ``.json`` sidecar
naming the file it belongs to. The recovery dialog lists them; the writer restores or
discards each one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from writers_tui.atomic import atomic_write_bytes, ensure_dir, read_file
from writers_tui.paths import ProjectPaths
from writers_tui.storage.text_codec import decode, encode_and_hash
from writers_tui.values import utc_iso

JOURNAL_SCHEMA_VERSION = 1

log = logging.getLogger(__name__)


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _escape(relative: str) -> str:
    """A relative path as one file name: reversible, no slashes."""
    return relative.replace("%", "%25").replace("/", "%2F")


@dataclass(frozen=True)
class Journal:
    """A recovery journal on disk, for the recovery dialog."""

    original: Path
    text_path: Path
    meta_path: Path
    based_on_sha256: str | None
    saved_at: str
    error: str
    in_user_dir: bool

    def read_text(self) -> str:
        return decode(read_file(self.text_path))  # a planted link is refused


@dataclass(frozen=True)
class JournalWritten:
    path: Path
    in_user_dir: bool


class JournalShelf:
    """Where one project's journals are written, found and removed (blocking calls)."""

    def __init__(
        self,
        paths: ProjectPaths,
        user_recovery_dir: Callable[[], Path],
        clock: Callable[[], datetime],
    ) -> None:
        self.paths = paths
        self._user_recovery_dir = user_recovery_dir
        self._clock = clock

    def folders(self) -> list[tuple[Path, bool]]:
        """(folder, is the user's data dir) in the order they are tried."""
        return [
            (self.paths.recovery, False),
            (self._user_recovery_dir() / self.paths.root.name, True),
        ]

    def write(
        self,
        relative: str,
        text: str,
        *,
        based_on_sha256: str | None,
        error: str,
        reuse: Path | None,
    ) -> JournalWritten | list[str]:
        """Keep ``text`` durably; ``reuse`` is this failure episode's journal, rewritten in
        place. Returns where it went, or why no folder would take it."""
        now = self._clock()
        meta = {
            "schema_version": JOURNAL_SCHEMA_VERSION,
            "path": relative,
            "project_root": str(self.paths.root),
            "based_on_sha256": based_on_sha256,
            "saved_at": utc_iso(now),
            "error": error,
        }
        failures: list[str] = []
        for folder, in_user_dir in self.folders():
            target = reuse
            if target is None or target.parent != folder:
                stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                target = folder / f"{_escape(relative)}.{stamp}.md"
            try:
                ensure_dir(folder)
                atomic_write_bytes(target, encode_and_hash(text)[0])
                meta_bytes = (json.dumps(meta, indent=2) + "\n").encode("utf-8")
                atomic_write_bytes(target.with_suffix(".json"), meta_bytes)
            except OSError as journal_error:
                failures.append(f"{folder}: {journal_error.strerror or journal_error}")
                continue
            return JournalWritten(target, in_user_dir)
        return failures

    def list(self) -> list[Journal]:
        """Every journal of this project, oldest first (unreadable sidecars are skipped)."""
        found: list[Journal] = []
        for folder, in_user_dir in self.folders():
            try:
                sidecars = sorted(folder.glob("*.json"))
            except OSError:
                continue
            for meta_path in sidecars:
                journal = self._read(meta_path, in_user_dir)
                if journal is not None:
                    found.append(journal)
        return sorted(found, key=lambda journal: journal.saved_at)

    def _read(self, meta_path: Path, in_user_dir: bool) -> Journal | None:
        text_path = meta_path.with_suffix(".md")
        try:
            meta = json.loads(read_file(meta_path))
        except (OSError, ValueError, RecursionError):
            return None  # unreadable, a link, not JSON or nested 100,000 deep: not a journal
        if not isinstance(meta, dict) or not _is_regular_file(text_path):
            return None  # a FIFO or device planted as a journal would hang the reader
        if in_user_dir and meta.get("project_root", str(self.paths.root)) != str(self.paths.root):
            return None  # the user dir is keyed by folder name; another project of that name
        original = Path(str(meta.get("path", "")))
        if not original.parts or not self.paths.contains(str(meta.get("path", ""))):
            # A planted journal may not point outside the project: not absolute, no ``..``
            # and not through a linked folder (restoring it would write there).
            log.warning("ignored recovery journal %s: its path leaves the project", meta_path)
            return None
        return Journal(
            original=self.paths.root / original,
            text_path=text_path,
            meta_path=meta_path,
            based_on_sha256=meta.get("based_on_sha256"),
            saved_at=str(meta.get("saved_at", "")),
            error=str(meta.get("error", "")),
            in_user_dir=in_user_dir,
        )

    @staticmethod
    def remove(text_paths: Iterable[Path]) -> None:
        """Journals that a good save made obsolete (text and sidecar)."""
        for text_path in text_paths:
            for stale in (text_path, text_path.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    stale.unlink()

    @staticmethod
    def discard(journal: Journal) -> None:
        """The writer does not want this text back."""
        for path in (journal.text_path, journal.meta_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
