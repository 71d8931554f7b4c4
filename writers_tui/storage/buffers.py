"""Prose buffers: the writer's text in memory and the one road it takes to its file.

Rules 5-8 of ARCHITECTURE.md, for manuscript (and any other project) files:

- **Generations, not a dirty flag.** Every change bumps :attr:`Buffer.generation`; a save
  snapshots ``(text, generation)`` on the loop and only *that* generation is marked saved,
  so a keystroke made while the write is in flight stays dirty.
- **Never overwrite someone else's edit.** Before writing, the on-disk bytes are hashed and
  compared with the hash we last read or wrote. If they differ, the file is left alone, our
  text goes to ``NAME.conflict-<timestamp>.md`` beside it (durably) and the save returns a
  :class:`Conflict` for the UI's dialog. Until the writer decides
  (:meth:`BufferStore.resolve_conflict`), later saves keep that copy current instead of
  touching the file. After resolving, the copy holds whichever version lost.
- **A deleted file is recreated.** If the file vanished since we read it, the buffer *is*
  the writer's text and nothing newer exists anywhere, so writing it back loses nothing;
  the result says ``recreated=True`` so the UI can mention it. (A rename shows up the same
  way; the file watcher can re-point the buffer with :meth:`BufferStore.rename`.)
- **A failed write still keeps the text.** On ``OSError`` (ENOSPC, EIO, EACCES, read-only
  folder) the old file is untouched (atomic write) and the text goes to a recovery journal
  in ``.session/recovery/``, or in ``user_recovery_dir()/<project-name>/`` when the project
  folder cannot be written at all. The result says where, so the status bar tells the
  truth. One journal per file per failure episode is rewritten in place, and the next good
  save of the file removes it. Journals left by an earlier session are only removed once
  restored (:meth:`BufferStore.restore_journal`) or discarded.
- **Off the loop.** Encoding, hashing, writing and fsync run in a thread
  (:func:`asyncio.to_thread`); the loop only takes the snapshot (a reference to an
  immutable ``str``).

The file watcher (another module) tells our own writes from outside edits with
:meth:`BufferStore.is_own_write` (the hash is registered *before* the rename, so there is no
window where the watcher sees an unknown hash) or the ``on_written(path, sha256)`` callback,
which runs on the saving thread after each durable write.

There is a tiny window between hashing the disk file and renaming over it in which an
outside edit can still be lost; closing it needs cooperative locking with the other editor,
which plain files cannot ask for.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from writers_tui import paths
from writers_tui.atomic import USER_FILE_MODE, atomic_write_bytes, ensure_dir
from writers_tui.paths import ProjectPaths
from writers_tui.storage.autosave import DEFAULT_BACKOFF, AutoSaver, SaveState
from writers_tui.values import utc_iso, utc_now

JOURNAL_SCHEMA_VERSION = 1
#: How many recent hashes per path :meth:`BufferStore.is_own_write` remembers.
OWN_WRITES_KEPT = 8


#: Characters encoded per step. ``str.encode`` holds the GIL (1 MB of prose with curly
#: quotes takes ~1.3 ms); hashing each chunk right after releases it, so the event loop can
#: run between chunks instead of stalling for the whole manuscript.
ENCODE_CHUNK = 1 << 17


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: Surrogates other than surrogateescape's U+DC80–U+DCFF (which stand for raw bytes).
_UNWRITABLE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def _encode(text: str) -> bytes:
    """UTF-8, giving back any undecodable bytes the file was read with (surrogateescape).

    A lone surrogate of any other kind (pasted from a broken source) cannot be written
    as UTF-8 at all; it becomes U+FFFD rather than making the file unsaveable.
    """
    try:
        return text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return _UNWRITABLE_SURROGATE.sub("\ufffd", text).encode("utf-8", errors="surrogateescape")


def decode(data: bytes) -> str:
    """Text of a prose file; bytes that are not UTF-8 survive a later save unchanged."""
    return data.decode("utf-8", errors="surrogateescape")


def encode_and_hash(text: str) -> tuple[bytes, str]:
    """UTF-8 bytes of ``text`` and their sha256, yielding the GIL every chunk."""
    digest = hashlib.sha256()
    chunks = []
    for start in range(0, len(text), ENCODE_CHUNK):
        chunk = _encode(text[start : start + ENCODE_CHUNK])
        digest.update(chunk)  # hashlib releases the GIL for buffers over 2 KiB
        chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def _describe(error: OSError) -> str:
    return error.strerror or str(error)


def _escape(relative: str) -> str:
    """A relative path as one file name: reversible, no slashes."""
    return relative.replace("%", "%25").replace("/", "%2F")


# --- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """The text of ``generation`` is durably in ``path``."""

    path: Path
    sha256: str
    generation: int
    recreated: bool = False


@dataclass(frozen=True)
class Conflict:
    """``path`` changed on disk behind our back; ``mine`` is safe in ``copy_path``."""

    path: Path
    copy_path: Path
    mine: str
    theirs: str
    theirs_sha256: str
    generation: int  # the generation of ``mine`` (the one in ``copy_path``)
    detected_at: datetime


@dataclass(frozen=True)
class Journaled:
    """``path`` could not be written (``error``); the text is safe in ``journal``."""

    path: Path
    journal: Path
    error: str
    in_user_dir: bool


@dataclass(frozen=True)
class Unsaved:
    """Neither the file nor any journal could be written: the text is only in memory."""

    path: Path
    error: str


SaveResult = Saved | Conflict | Journaled | Unsaved


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
        return decode(self.text_path.read_bytes())


class SaveFailed(Exception):
    """Raised by :class:`BufferSaver` so its :class:`AutoSaver` shows FAILED and retries."""

    def __init__(self, results: Sequence[Journaled | Unsaved]) -> None:
        self.results = tuple(results)
        parts = []
        for result in results:
            if isinstance(result, Journaled):
                parts.append(
                    f"{result.path.name} could not be saved ({result.error}); "
                    f"its text is safe in {result.journal}"
                )
            else:
                parts.append(
                    f"{result.path.name} could not be saved ({result.error}) "
                    "and no recovery copy could be written; keep the app open"
                )
        super().__init__("; ".join(parts))


# --- buffers ------------------------------------------------------------------------


@dataclass(eq=False)
class Buffer:
    """One file's text. Mutate it on one thread (the UI loop) through :meth:`set_text`.

    ``_io_lock`` guards what the saving thread reads and writes (``known_sha256``,
    ``conflict``, journals), so two saves of one buffer can never interleave.
    """

    path: Path
    _text: str = field(repr=False)
    known_sha256: str | None  # of what we last read or wrote; None: the file did not exist
    generation: int = 0
    saved_generation: int = 0
    conflict: Conflict | None = field(default=None, repr=False)
    journal: Path | None = None  # the current failure episode's journal, rewritten in place
    _listener: Callable[[Buffer], None] | None = field(default=None, repr=False)
    _written_generation: int = field(default=0, repr=False)
    # Journals the next good save removes (this session's, and restored ones).
    _superseded: list[Path] = field(default_factory=list, repr=False)
    _io_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self.generation += 1
        if self._listener is not None:
            self._listener(self)

    @property
    def dirty(self) -> bool:
        """The file does not hold the latest generation."""
        return self.generation != self.saved_generation

    @property
    def parked(self) -> bool:
        """In conflict, with the latest text already safe in the conflict copy."""
        return self.conflict is not None and self.conflict.generation == self.generation

    @property
    def needs_save(self) -> bool:
        return self.dirty and not self.parked


class BufferStore:
    """Every open prose buffer of one project and the only code that writes them.

    ``*_sync`` methods block on the disk (call them from a thread or a signal-time flush);
    the ``async`` ones run the same work with :func:`asyncio.to_thread`.
    """

    def __init__(
        self,
        root: Path,
        *,
        on_written: Callable[[Path, str], None] | None = None,
        user_recovery_dir: Callable[[], Path] = paths.user_recovery_dir,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.paths = ProjectPaths(root)
        self._on_written = on_written
        self._user_recovery_dir = user_recovery_dir
        self._clock = clock
        self._buffers: dict[Path, Buffer] = {}
        self._edit_listeners: list[Callable[[Buffer], None]] = []
        self._own: dict[Path, deque[str]] = {}
        self._own_lock = threading.Lock()

    # -- buffers -------------------------------------------------------------------------

    def _absolute(self, path: Path | str) -> Path:
        path = Path(path)
        return path if path.is_absolute() else self.paths.root / path

    def relative(self, path: Path) -> str:
        """How journals name a file: relative to the project when inside it."""
        try:
            return path.relative_to(self.paths.root).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def buffers(self) -> list[Buffer]:
        return list(self._buffers.values())

    def get(self, path: Path | str) -> Buffer | None:
        return self._buffers.get(self._absolute(path))

    def add_edit_listener(self, listener: Callable[[Buffer], None]) -> None:
        """Called on every :meth:`Buffer.set_text` that changes the text (on that thread)."""
        self._edit_listeners.append(listener)

    def _edited(self, buffer: Buffer) -> None:
        for listener in self._edit_listeners:
            listener(buffer)

    @staticmethod
    def _read(path: Path) -> tuple[str, str | None]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return "", None
        return decode(data), sha256_hex(data)

    def _register(self, path: Path, text: str, digest: str | None) -> Buffer:
        existing = self._buffers.get(path)
        if existing is not None:
            return existing
        buffer = Buffer(path, text, digest, _listener=self._edited)
        if digest is None:
            buffer._written_generation = -1  # saving the empty new buffer creates the file
        self._buffers[path] = buffer
        return buffer

    def open_sync(self, path: Path | str) -> Buffer:
        """The buffer of ``path`` (one per file); a missing file opens empty.

        Bytes that are not UTF-8 are kept as surrogate escapes, so a save writes them back
        unchanged (never guess an encoding and write it back differently).
        """
        path = self._absolute(path)
        existing = self._buffers.get(path)
        if existing is not None:
            return existing
        return self._register(path, *self._read(path))

    async def open(self, path: Path | str) -> Buffer:
        path = self._absolute(path)
        existing = self._buffers.get(path)
        if existing is not None:
            return existing
        text, digest = await asyncio.to_thread(self._read, path)
        return self._register(path, text, digest)

    def close(self, buffer: Buffer) -> None:
        """Forget a buffer; refuses while it holds unsaved text."""
        if buffer.needs_save:
            raise ValueError(f"{buffer.path.name} has unsaved changes; save it first")
        self._buffers.pop(buffer.path, None)

    def rename(self, buffer: Buffer, new_path: Path | str) -> None:
        """Re-point a buffer after its file was moved (the watcher saw the rename)."""
        new_path = self._absolute(new_path)
        self._buffers.pop(buffer.path, None)
        buffer.path = new_path
        self._buffers[new_path] = buffer

    def needs_save(self) -> bool:
        return any(buffer.needs_save for buffer in self._buffers.values())

    # -- own writes (for the file watcher) -------------------------------------------------

    def is_own_write(self, path: Path | str, sha256: str) -> bool:
        """True if ``sha256`` is content this store wrote (or is writing) to ``path``.

        Thread-safe; meant for the watcher thread: hash the file an event points at and ask.
        """
        with self._own_lock:
            return sha256 in self._own.get(self._absolute(path), ())

    def _note_own_write(self, path: Path, digest: str) -> None:
        with self._own_lock:
            self._own.setdefault(path, deque(maxlen=OWN_WRITES_KEPT)).append(digest)

    def _write_own(self, path: Path, data: bytes, digest: str) -> None:
        self._note_own_write(path, digest)
        ensure_dir(path.parent)
        atomic_write_bytes(path, data, new_file_mode=USER_FILE_MODE)
        if self._on_written is not None:
            self._on_written(path, digest)

    # -- saving ----------------------------------------------------------------------------

    def save_sync(self, buffer: Buffer) -> SaveResult:
        """Save the buffer's current generation; blocks on the disk."""
        result = self._persist(buffer, buffer.text, buffer.generation)
        self._apply(buffer, result)
        return result

    async def save(self, buffer: Buffer) -> SaveResult:
        """Snapshot on the loop, write in a thread, mark only that generation saved."""
        text, generation = buffer.text, buffer.generation
        result = await asyncio.to_thread(self._persist, buffer, text, generation)
        self._apply(buffer, result)
        return result

    def flush_all_sync(self) -> list[SaveResult]:
        """Save every buffer that needs it (quit, SIGTERM, SIGHUP)."""
        return [self.save_sync(buffer) for buffer in self.buffers if buffer.needs_save]

    async def flush_all(self) -> list[SaveResult]:
        """Save every buffer that needs it (file switch, stage switch, quit)."""
        return [await self.save(buffer) for buffer in self.buffers if buffer.needs_save]

    @staticmethod
    def _apply(buffer: Buffer, result: SaveResult) -> None:
        if isinstance(result, Saved):
            buffer.saved_generation = max(buffer.saved_generation, result.generation)

    def _persist(self, buffer: Buffer, text: str, generation: int) -> SaveResult:
        """The whole save, off the loop; one at a time per buffer."""
        with buffer._io_lock:
            if buffer.conflict is not None:
                return self._keep_conflict_copy(buffer, text, generation)
            if generation <= buffer._written_generation:  # the file already holds it, or newer
                return Saved(buffer.path, buffer.known_sha256 or "", generation)
            data, digest = encode_and_hash(text)
            try:
                on_disk = buffer.path.read_bytes()
            except FileNotFoundError:
                on_disk = None
            except OSError as error:
                return self._journal(buffer, text, error)
            disk_digest = None if on_disk is None else sha256_hex(on_disk)
            if on_disk is not None and disk_digest != buffer.known_sha256:
                return self._open_conflict(buffer, text, data, digest, generation, on_disk)
            recreated = on_disk is None and buffer.known_sha256 is not None
            if disk_digest != digest:
                try:
                    self._write_own(buffer.path, data, digest)
                except OSError as error:
                    return self._journal(buffer, text, error)
            buffer.known_sha256 = digest
            buffer._written_generation = generation
            self._drop_journals(buffer)
            return Saved(buffer.path, digest, generation, recreated)

    # -- conflicts -------------------------------------------------------------------------

    def conflict_path(self, path: Path) -> Path:
        """``NAME.conflict-<timestamp>.md`` beside ``path``, never an existing file."""
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        candidate = path.with_name(f"{path.stem}.conflict-{stamp}{path.suffix}")
        counter = 2
        while candidate.exists():
            candidate = path.with_name(f"{path.stem}.conflict-{stamp}-{counter}{path.suffix}")
            counter += 1
        return candidate

    def _open_conflict(
        self, buffer: Buffer, text: str, data: bytes, digest: str, generation: int, theirs: bytes
    ) -> SaveResult:
        copy = self.conflict_path(buffer.path)
        try:
            self._write_own(copy, data, digest)
        except OSError as error:
            return self._journal(buffer, text, error)
        buffer.conflict = Conflict(
            path=buffer.path,
            copy_path=copy,
            mine=text,
            theirs=decode(theirs),
            theirs_sha256=sha256_hex(theirs),
            generation=generation,
            detected_at=self._clock(),
        )
        return buffer.conflict

    def _keep_conflict_copy(self, buffer: Buffer, text: str, generation: int) -> SaveResult:
        conflict = buffer.conflict
        assert conflict is not None
        if generation > conflict.generation:
            data, digest = encode_and_hash(text)
            try:
                self._write_own(conflict.copy_path, data, digest)
            except OSError as error:
                return self._journal(buffer, text, error)
            conflict = buffer.conflict = replace(conflict, mine=text, generation=generation)
        return conflict

    def _settle_conflict(self, buffer: Buffer, keep: Literal["mine", "theirs"]) -> bytes | None:
        """Disk side of a resolution: returns the file's current bytes (theirs)."""
        with buffer._io_lock:
            conflict = buffer.conflict
            if conflict is None:
                raise ValueError(f"{buffer.path.name} is not in conflict")
            try:
                theirs: bytes | None = buffer.path.read_bytes()
            except FileNotFoundError:
                theirs = None
            theirs_digest = None if theirs is None else sha256_hex(theirs)
            if keep == "mine" and theirs is not None:
                self._write_own(conflict.copy_path, theirs, theirs_digest or "")
            buffer.conflict = None
            buffer.known_sha256 = theirs_digest
            return theirs

    @staticmethod
    def _take_theirs(buffer: Buffer, theirs: bytes | None) -> None:
        buffer._text = "" if theirs is None else decode(theirs)
        buffer.generation += 1
        buffer.saved_generation = buffer._written_generation = buffer.generation

    def resolve_conflict_sync(
        self, buffer: Buffer, keep: Literal["mine", "theirs"]
    ) -> SaveResult | None:
        """The writer chose; afterwards the conflict copy holds the version that lost.

        ``mine``: the file's current text goes into the copy, then the buffer is saved over
        the file (returns that save's result; a further outside edit is a new conflict).
        ``theirs``: our latest text is made current in the copy, then the buffer takes the
        file's text and is clean; returns None.
        """
        if keep == "theirs" and buffer.needs_save:
            self.save_sync(buffer)  # brings the conflict copy up to our latest generation
        theirs = self._settle_conflict(buffer, keep)
        if keep == "mine":
            return self.save_sync(buffer)
        self._take_theirs(buffer, theirs)
        return None

    async def resolve_conflict(
        self, buffer: Buffer, keep: Literal["mine", "theirs"]
    ) -> SaveResult | None:
        if keep == "theirs" and buffer.needs_save:
            await self.save(buffer)
        theirs = await asyncio.to_thread(self._settle_conflict, buffer, keep)
        if keep == "mine":
            return await self.save(buffer)
        self._take_theirs(buffer, theirs)
        return None

    # -- recovery journals -------------------------------------------------------------------

    def _journal_dirs(self) -> list[tuple[Path, bool]]:
        return [
            (self.paths.recovery, False),
            (self._user_recovery_dir() / self.paths.root.name, True),
        ]

    def _journal(self, buffer: Buffer, text: str, error: OSError) -> Journaled | Unsaved:
        """Keep ``text`` somewhere durable after the file could not be written."""
        now = self._clock()
        relative = self.relative(buffer.path)
        meta = {
            "schema_version": JOURNAL_SCHEMA_VERSION,
            "path": relative,
            "project_root": str(self.paths.root),
            "based_on_sha256": buffer.known_sha256,
            "saved_at": utc_iso(now),
            "error": _describe(error),
        }
        failures = [f"{buffer.path.name}: {_describe(error)}"]
        for folder, in_user_dir in self._journal_dirs():
            target = buffer.journal
            if target is None or target.parent != folder:
                stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                target = folder / f"{_escape(relative)}.{stamp}.md"
            try:
                ensure_dir(folder)
                atomic_write_bytes(target, encode_and_hash(text)[0])
                meta_bytes = (json.dumps(meta, indent=2) + "\n").encode("utf-8")
                atomic_write_bytes(target.with_suffix(".json"), meta_bytes)
            except OSError as journal_error:
                failures.append(f"{folder}: {_describe(journal_error)}")
                continue
            buffer.journal = target
            if target not in buffer._superseded:
                buffer._superseded.append(target)
            return Journaled(buffer.path, target, _describe(error), in_user_dir)
        return Unsaved(buffer.path, "; ".join(failures))

    def _drop_journals(self, buffer: Buffer) -> None:
        for text_path in buffer._superseded:
            for stale in (text_path, text_path.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    stale.unlink()
        buffer._superseded.clear()
        buffer.journal = None

    def list_journals(self) -> list[Journal]:
        """Every journal of this project, oldest first (unreadable sidecars are skipped)."""
        found: list[Journal] = []
        for folder, in_user_dir in self._journal_dirs():
            try:
                sidecars = sorted(folder.glob("*.json"))
            except OSError:
                continue
            for meta_path in sidecars:
                journal = self._read_journal(meta_path, in_user_dir)
                if journal is not None:
                    found.append(journal)
        return sorted(found, key=lambda journal: journal.saved_at)

    def _read_journal(self, meta_path: Path, in_user_dir: bool) -> Journal | None:
        text_path = meta_path.with_suffix(".md")
        try:
            meta = json.loads(meta_path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or not text_path.exists():
            return None
        if in_user_dir and meta.get("project_root", str(self.paths.root)) != str(self.paths.root):
            return None  # the user dir is keyed by folder name; another project of that name
        return Journal(
            original=self._absolute(str(meta.get("path", ""))),
            text_path=text_path,
            meta_path=meta_path,
            based_on_sha256=meta.get("based_on_sha256"),
            saved_at=str(meta.get("saved_at", "")),
            error=str(meta.get("error", "")),
            in_user_dir=in_user_dir,
        )

    def restore_journal_sync(self, journal: Journal) -> Buffer:
        """Put a journal's text into its file's buffer (dirty); the next good save of that
        file removes the journal. Conflict detection still applies to that save.
        """
        buffer = self.open_sync(journal.original)
        buffer.set_text(journal.read_text())
        with buffer._io_lock:
            if journal.text_path not in buffer._superseded:
                buffer._superseded.append(journal.text_path)
        return buffer

    async def restore_journal(self, journal: Journal) -> Buffer:
        text = await asyncio.to_thread(journal.read_text)
        buffer = await self.open(journal.original)
        buffer.set_text(text)
        with buffer._io_lock:
            if journal.text_path not in buffer._superseded:
                buffer._superseded.append(journal.text_path)
        return buffer

    @staticmethod
    def discard_journal(journal: Journal) -> None:
        """The writer does not want this text back."""
        for path in (journal.text_path, journal.meta_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class BufferSaver:
    """Saves every buffer that needs it ~``idle`` s after the last edit, and at most every
    ``max_delay`` s while the writer keeps typing (rule 6).

    One :class:`AutoSaver` for all buffers: it brings the retry/backoff and the status-bar
    state. A journaled or unsaved buffer raises :class:`SaveFailed` inside it, so the state
    goes FAILED with the journal's location as ``error`` and the save is retried.
    ``on_result`` sees every per-file result (conflicts go to the UI's dialog from there).
    """

    def __init__(
        self,
        store: BufferStore,
        *,
        idle: float = 1.0,
        max_delay: float = 2.0,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        on_state: Callable[[SaveState], None] | None = None,
        on_result: Callable[[SaveResult], None] | None = None,
    ) -> None:
        self.store = store
        self._on_result = on_result
        self._conflicts: list[Conflict] = []
        self.autosaver = AutoSaver(
            self._save_dirty,
            store.needs_save,
            interval=max_delay,
            on_state=on_state,
            backoff=backoff,
            debounce=idle,
            max_delay=max_delay,
        )
        store.add_edit_listener(lambda _buffer: self.autosaver.request_save())

    async def _save_dirty(self) -> None:
        results = await self.store.flush_all()
        self._conflicts = [result for result in results if isinstance(result, Conflict)]
        if self._on_result is not None:
            for result in results:
                self._on_result(result)
        failed = [result for result in results if isinstance(result, Journaled | Unsaved)]
        if failed:
            raise SaveFailed(failed)

    def start(self) -> None:
        self.autosaver.start()

    async def flush(self) -> bool:
        """Save everything now (file switch, stage switch); True if every file was written.

        A file that went to a conflict copy instead of its own file counts as not written.
        """
        return await self.autosaver.save_now() and not self._conflicts

    async def stop(self, final_save: bool = True) -> bool:
        """Stop saving; False when the final save left text unwritten or in conflict."""
        return await self.autosaver.stop(final_save=final_save) and not self._conflicts
