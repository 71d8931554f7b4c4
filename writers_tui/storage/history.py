"""Session history: the last 20 sessions, for the History screen and ``session history``.

Kept in ``history.json``; once the document passes 1 MB it is written gzipped as
``history.json.gz`` instead (and the plain file removed). Reading accepts either.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from writers_tui.atomic import read_file
from writers_tui.paths import ProjectPaths
from writers_tui.storage.json_store import DocumentError, JsonStore, LoadResult
from writers_tui.storage.models import HistoryData, HistoryEntry
from writers_tui.storage.stores import history_store

MAX_SESSIONS = 20
GZIP_THRESHOLD_BYTES = 1_000_000


class _GzipHistoryStore(JsonStore[HistoryData]):
    """``history.json.gz``: the same document, gzip-compressed on disk."""

    def _try(self, path: Path) -> tuple[HistoryData, int | None]:
        try:
            data = gzip.decompress(read_file(path))
        except (gzip.BadGzipFile, EOFError) as error:
            raise DocumentError(f"not a readable gzip file ({error})") from error
        return self.parse(data)

    def dump(self, value: HistoryData) -> bytes:
        return gzip.compress(super().dump(value), mtime=0)


class SessionHistory:
    """Read and append history entries; writes are durable and bounded."""

    def __init__(self, root: Path, *, max_sessions: int = MAX_SESSIONS) -> None:
        self.paths = ProjectPaths(root)
        self.max_sessions = max_sessions
        self._plain = history_store(root)
        gz = history_store(root)
        self._gz = _GzipHistoryStore(
            self.paths.history_gz,
            HistoryData,
            migrations=gz.migrations,
            preprocess=gz.preprocess,
        )

    def load(self, *, quarantine_bad: bool = True) -> LoadResult[HistoryData]:
        """The history document, from whichever form was written last.

        Both forms exist only if a crash hit between writing one and removing the other;
        the newer file is then the complete one.
        """
        if _mtime(self.paths.history_gz) > _mtime(self.paths.history):
            return self._gz.load(quarantine_bad=quarantine_bad)
        return self._plain.load(quarantine_bad=quarantine_bad)

    def entries(self) -> list[HistoryEntry]:
        return self.load(quarantine_bad=False).value.sessions

    def add_sync(self, entry: HistoryEntry) -> HistoryData:
        """Append an entry (replacing one with the same session id) and save durably."""
        document = self.load().value
        sessions = [s for s in document.sessions if s.session_id != entry.session_id]
        sessions.append(entry)
        document.sessions = sessions[-self.max_sessions :]
        self.save_sync(document)
        return document

    def save_sync(self, document: HistoryData) -> None:
        data = self._plain.dump(document)
        if len(data) <= GZIP_THRESHOLD_BYTES:
            self._plain.save_sync(document)
            self._remove(self.paths.history_gz)
            return
        self._gz.save_sync(document)
        self._remove(self.paths.history)

    @staticmethod
    def _remove(path: Path) -> None:
        # Only after the other form is durably written, so one of them always exists.
        path.unlink(missing_ok=True)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return -1
