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

Recovery journals live in :mod:`writers_tui.storage.journals`, the schedule in
:mod:`writers_tui.storage.buffer_saver`, bytes and hashes in
:mod:`writers_tui.storage.text_codec`.

The file watcher (another module) tells our own writes from outside edits with
:meth:`BufferStore.is_own_write` (the hash is registered *before* the rename, so there is no
window where the watcher sees an unknown hash) or the ``on_written(path, sha256)`` callback,
which runs on the saving thread after each durable write.

**The save window.** Hashing the file, writing and fsyncing the temp file takes
milliseconds; an outside edit landing then must not be overwritten. So the on-disk state
(size, mtime_ns, inode; the hash when those changed) is checked again immediately before
the rename, and the file about to be replaced is hard-linked aside first: if what the
rename replaced is not what we last read (an in-place write after the check), our text goes
to the conflict copy and theirs is put back. What remains is the gap between the link and
the rename (two syscalls), measured in ``benchmarks/bench_outside_edits.py`` and
docs/saving.md; closing it entirely needs cooperative locking with the other editor, which
plain files cannot ask for.

**Links.** A manuscript file may be the writer's own link: writes go to the file it points
to when that is inside the project. One pointing outside is never written (the Workspace
opens it read-only), unless the writer allowed it in their *user* settings
(``allow_outside_links``); a save then journals the text with :class:`UnsafePath`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from writers_tui import paths
from writers_tui.atomic import (
    USER_FILE_MODE,
    UnsafePath,
    atomic_write_bytes,
    ensure_dir,
    replace_file,
)
from writers_tui.paths import ProjectPaths
from writers_tui.storage.journals import Journal, JournalShelf
from writers_tui.storage.text_codec import decode, encode_and_hash, sha256_hex
from writers_tui.values import utc_now

#: How many recent hashes per path :meth:`BufferStore.is_own_write` remembers.
OWN_WRITES_KEPT = 8

log = logging.getLogger(__name__)


def _describe(error: OSError) -> str:
    return error.strerror or str(error)


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


# --- the save window -----------------------------------------------------------------


@dataclass(frozen=True)
class _DiskState:
    """What ``stat`` says about a file; equal states mean the bytes need not be re-hashed."""

    size: int
    mtime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, found: os.stat_result | None) -> _DiskState | None:
        if found is None:
            return None
        return cls(found.st_size, found.st_mtime_ns, found.st_ino, found.st_dev)


class _OutsideEdit(Exception):
    """Someone changed the file while our save was in flight; ``theirs`` is their text.
    ``replaced`` is set when our rename already replaced it (theirs is kept there)."""

    def __init__(self, theirs: bytes, replaced: Path | None = None) -> None:
        super().__init__("the file changed during the save")
        self.theirs = theirs
        self.replaced = replaced


def _read_disk(path: Path) -> tuple[bytes | None, _DiskState | None]:
    """The file's bytes and state (one open, so they agree); (None, None) when absent."""
    try:
        with open(path, "rb") as handle:
            state = _DiskState.of(os.fstat(handle.fileno()))
            return handle.read(), state
    except FileNotFoundError:
        return None, None


@dataclass(frozen=True)
class _Unchanged:
    """The file as our save last read it; checked before and after the rename."""

    path: Path
    state: _DiskState | None
    sha256: str | None

    def differs(self, state: _DiskState | None, read: Callable[[], bytes | None]) -> bytes | None:
        """Their bytes if the file is not the one we read (None: same, or deleted)."""
        if state == self.state:
            return None
        theirs = read()
        if theirs is None or sha256_hex(theirs) == self.sha256:
            return None  # deleted (recreating it loses nothing) or touched, same bytes
        return theirs

    def before_replace(self, found: os.stat_result | None) -> None:
        theirs = self.differs(_DiskState.of(found), lambda: _read_disk(self.path)[0])
        if theirs is not None:
            raise _OutsideEdit(theirs)

    def after_replace(self, replaced: Path) -> None:
        """``replaced`` links to what the rename replaced: gone if it was ours to replace."""
        theirs = self.differs(_DiskState.of(os.lstat(replaced)), replaced.read_bytes)
        if theirs is not None:
            raise _OutsideEdit(theirs, replaced)
        replaced.unlink()


# --- buffers ------------------------------------------------------------------------


class Buffer:
    """One file's text and what is known about its file. The buffer owns this state:
    the loop changes the text (:meth:`set_text`, :meth:`mark_edited`); the saving thread
    reports through :meth:`written`, :meth:`enter_conflict` and friends while holding
    :attr:`io_lock`, so two saves of one buffer never interleave.
    """

    def __init__(
        self,
        path: Path,
        text: str,
        known_sha256: str | None,
        listener: Callable[[Buffer], None] | None = None,
    ) -> None:
        self.path = path
        self._text = text
        # The editor's live text, read only when a save snapshots it: an editor holding a
        # whole novel must not join its document into one string on every key.
        self._source: Callable[[], str] | None = None
        self._known_sha256 = known_sha256  # of what we last read or wrote; None: no file
        self._generation = 0
        self._saved_generation = 0
        # The newest generation the file holds; -1 for a new file: saving it creates it.
        self._written_generation = 0 if known_sha256 is not None else -1
        self._conflict: Conflict | None = None
        self._journal: Path | None = None  # this failure episode's journal
        self._superseded: list[Path] = []  # journals the next good save removes
        self._listener = listener
        self.io_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Buffer({self.path!s}, generation={self._generation})"

    # -- read by anyone ---------------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def saved_generation(self) -> int:
        return self._saved_generation

    @property
    def written_generation(self) -> int:
        return self._written_generation

    @property
    def known_sha256(self) -> str | None:
        return self._known_sha256

    @property
    def conflict(self) -> Conflict | None:
        return self._conflict

    @property
    def journal(self) -> Path | None:
        return self._journal

    @property
    def text(self) -> str:
        """The latest text (call on the loop: it may ask the editor for its document)."""
        if self._source is not None:
            self._text, self._source = self._source(), None
        return self._text

    @property
    def dirty(self) -> bool:
        """The file does not hold the latest generation."""
        return self._generation != self._saved_generation

    @property
    def parked(self) -> bool:
        """In conflict, with the latest text already safe in the conflict copy."""
        return self._conflict is not None and self._conflict.generation == self._generation

    @property
    def needs_save(self) -> bool:
        return self.dirty and not self.parked

    # -- changed on the loop ----------------------------------------------------------

    def set_text(self, text: str) -> None:
        if self._source is None and text == self._text:
            return
        self._text, self._source = text, None
        self._bump()

    def mark_edited(self, read_text: Callable[[], str]) -> None:
        """The editor changed the text; ``read_text()`` returns it when a save needs it."""
        self._source = read_text
        self._bump()

    def _bump(self) -> None:
        self._generation += 1
        if self._listener is not None:
            self._listener(self)

    def adopt_disk(self, text: str, sha256: str | None) -> None:
        """Take the file's text as the latest, clean generation (an outside edit won)."""
        self._text, self._source = text, None
        self._known_sha256 = sha256
        self._generation += 1
        self._saved_generation = self._written_generation = self._generation

    def mark_saved(self, generation: int) -> None:
        """A save of ``generation`` finished (applied on the loop, not the saving thread)."""
        self._saved_generation = max(self._saved_generation, generation)

    # -- reported by the saving thread, under io_lock ---------------------------------

    def written(self, generation: int, sha256: str) -> list[Path]:
        """The file now holds ``generation``; returns the journals this made obsolete."""
        self._known_sha256 = sha256
        self._written_generation = generation
        obsolete, self._superseded, self._journal = self._superseded, [], None
        return obsolete

    def enter_conflict(self, conflict: Conflict) -> None:
        self._conflict = conflict

    def leave_conflict(self, disk_sha256: str | None) -> None:
        self._conflict = None
        self._known_sha256 = disk_sha256

    def journaled(self, journal: Path) -> None:
        self._journal = journal
        self.supersede(journal)

    def supersede(self, journal: Path) -> None:
        """``journal`` holds an older copy of this text: the next good save removes it."""
        if journal not in self._superseded:
            self._superseded.append(journal)


class BufferStore:
    """Every open prose buffer of one project and the only code that writes them.

    ``*_sync`` methods block on the disk (call them from a thread or a signal-time flush);
    the ``async`` ones share the same steps, running the disk ones in a thread and
    applying their results on the loop.
    """

    def __init__(
        self,
        root: Path,
        *,
        on_written: Callable[[Path, str], None] | None = None,
        user_recovery_dir: Callable[[], Path] = paths.user_recovery_dir,
        clock: Callable[[], datetime] = utc_now,
        allow_outside_links: bool = False,
    ) -> None:
        self.paths = ProjectPaths(root)
        self._real_root = os.path.realpath(self.paths.root)
        self._allow_outside_links = allow_outside_links
        self._on_written = on_written
        self._clock = clock
        self.journals = JournalShelf(self.paths, user_recovery_dir, clock)
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
        """Called on every change of a buffer's text (on the thread that made it)."""
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
        buffer = Buffer(path, text, digest, listener=self._edited)
        self._buffers[path] = buffer
        return buffer

    def open_sync(self, path: Path | str) -> Buffer:
        """The buffer of ``path`` (one per file); a missing file opens empty.

        Bytes that are not UTF-8 are kept as surrogate escapes, so a save writes them back
        unchanged (never guess an encoding and write it back differently).
        """
        path = self._absolute(path)
        return self._buffers.get(path) or self._register(path, *self._read(path))

    async def open(self, path: Path | str) -> Buffer:
        path = self._absolute(path)
        existing = self._buffers.get(path)
        if existing is not None:
            return existing
        return self._register(path, *await asyncio.to_thread(self._read, path))

    async def reload(self, buffer: Buffer) -> bool:
        """Take an outside edit into a clean buffer; False (untouched) if it has edits."""
        if buffer.dirty or buffer.conflict is not None:
            return False
        text, digest = await asyncio.to_thread(self._read, buffer.path)
        if buffer.dirty or buffer.conflict is not None:  # the writer typed meanwhile
            return False
        buffer.adopt_disk(text, digest)
        return True

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

    def _real_target(self, path: Path) -> Path:
        """The file a write of ``path`` lands in: where the writer's links lead, refused
        (:class:`UnsafePath`) when that is outside the project and not allowed."""
        real = os.path.realpath(path)
        inside = os.path.commonpath([self._real_root, real]) == self._real_root
        if not inside and not self._allow_outside_links:
            raise UnsafePath(path, "links to a file outside the project")
        return Path(real)

    def _write_own(
        self, path: Path, data: bytes, digest: str, *, unchanged: _Unchanged | None = None
    ) -> None:
        """Write ``data`` durably; with ``unchanged``, raise :class:`_OutsideEdit` rather
        than replace a file that is no longer the one last read."""
        target = self._real_target(path)
        self._note_own_write(path, digest)
        ensure_dir(target.parent)
        if unchanged is not None:
            unchanged = replace(unchanged, path=target)
        replaced = atomic_write_bytes(
            target,
            data,
            new_file_mode=USER_FILE_MODE,
            before_replace=None if unchanged is None else unchanged.before_replace,
            keep_replaced=unchanged is not None,
        )
        if unchanged is not None and replaced is not None:
            unchanged.after_replace(replaced)
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
            buffer.mark_saved(result.generation)

    def _persist(self, buffer: Buffer, text: str, generation: int) -> SaveResult:
        """The whole save, off the loop; one at a time per buffer."""
        with buffer.io_lock:
            if buffer.conflict is not None:
                return self._keep_conflict_copy(buffer, text, generation)
            if generation <= buffer.written_generation:  # the file holds it, or newer
                return Saved(buffer.path, buffer.known_sha256 or "", generation)
            data, digest = encode_and_hash(text)
            try:
                on_disk, state = _read_disk(buffer.path)
            except OSError as error:
                return self._journal(buffer, text, error)
            disk_digest = None if on_disk is None else sha256_hex(on_disk)
            if on_disk is not None and disk_digest != buffer.known_sha256:
                return self._open_conflict(buffer, text, data, digest, generation, on_disk)
            recreated = on_disk is None and buffer.known_sha256 is not None
            if disk_digest != digest:
                unchanged = _Unchanged(buffer.path, state, disk_digest)
                try:
                    self._write_own(buffer.path, data, digest, unchanged=unchanged)
                except _OutsideEdit as edit:
                    return self._edited_during_save(buffer, text, data, digest, generation, edit)
                except OSError as error:
                    return self._journal(buffer, text, error)
            self.journals.remove(buffer.written(generation, digest))
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
        conflict = Conflict(
            path=buffer.path,
            copy_path=copy,
            mine=text,
            theirs=decode(theirs),
            theirs_sha256=sha256_hex(theirs),
            generation=generation,
            detected_at=self._clock(),
        )
        buffer.enter_conflict(conflict)
        return conflict

    def _edited_during_save(
        self,
        buffer: Buffer,
        text: str,
        data: bytes,
        digest: str,
        generation: int,
        edit: _OutsideEdit,
    ) -> SaveResult:
        """An outside edit landed while we saved: the same conflict as one found before.

        If our rename had already replaced it, their file is put back once our text is
        safe in the conflict copy, so the outcome is the usual one: theirs in the file,
        mine in ``NAME.conflict-<time>.md``.
        """
        result = self._open_conflict(buffer, text, data, digest, generation, edit.theirs)
        if edit.replaced is not None:
            try:
                replace_file(edit.replaced, self._real_target(buffer.path))
            except OSError:
                log.exception("could not put back the outside edit kept in %s", edit.replaced)
        return result

    def _keep_conflict_copy(self, buffer: Buffer, text: str, generation: int) -> SaveResult:
        conflict = buffer.conflict
        assert conflict is not None
        if generation > conflict.generation:
            data, digest = encode_and_hash(text)
            try:
                self._write_own(conflict.copy_path, data, digest)
            except OSError as error:
                return self._journal(buffer, text, error)
            conflict = replace(conflict, mine=text, generation=generation)
            buffer.enter_conflict(conflict)
        return conflict

    def _settle_conflict(self, buffer: Buffer, keep: Literal["mine", "theirs"]) -> bytes | None:
        """Disk side of a resolution: returns the file's current bytes (theirs)."""
        with buffer.io_lock:
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
            buffer.leave_conflict(theirs_digest)
            return theirs

    async def resolve_conflict(
        self, buffer: Buffer, keep: Literal["mine", "theirs"]
    ) -> SaveResult | None:
        """The writer chose; afterwards the conflict copy holds the version that lost.

        ``mine``: the file's current text goes into the copy, then the buffer is saved over
        the file (returns that save's result; a further outside edit is a new conflict).
        ``theirs``: our latest text is made current in the copy, then the buffer takes the
        file's text and is clean; returns None.
        """
        if keep == "theirs" and buffer.needs_save:
            await self.save(buffer)  # brings the conflict copy up to our latest generation
        theirs = await asyncio.to_thread(self._settle_conflict, buffer, keep)
        if keep == "mine":
            return await self.save(buffer)
        buffer.adopt_disk("" if theirs is None else decode(theirs), buffer.known_sha256)
        return None

    # -- recovery journals -------------------------------------------------------------------

    def _journal(self, buffer: Buffer, text: str, error: OSError) -> Journaled | Unsaved:
        """Keep ``text`` somewhere durable after the file could not be written."""
        written = self.journals.write(
            self.relative(buffer.path),
            text,
            based_on_sha256=buffer.known_sha256,
            error=_describe(error),
            reuse=buffer.journal,
        )
        if isinstance(written, list):
            failures = [f"{buffer.path.name}: {_describe(error)}", *written]
            return Unsaved(buffer.path, "; ".join(failures))
        buffer.journaled(written.path)
        return Journaled(buffer.path, written.path, _describe(error), written.in_user_dir)

    def list_journals(self) -> list[Journal]:
        """Every journal of this project, oldest first."""
        return self.journals.list()

    async def restore_journal(self, journal: Journal) -> tuple[Buffer, Path | None]:
        """Put a journal's text into its file's buffer (dirty); the next good save of that
        file removes the journal. Conflict detection still applies to that save.

        If the file changed since the journal was written (another editor after the crash,
        or a planted journal), its current text is first kept as ``NAME.conflict-<time>``
        (rule 7): restoring never makes a newer version disappear. Returns that copy.
        """
        buffer = await self.open(journal.original)
        text = await asyncio.to_thread(journal.read_text)
        kept = await asyncio.to_thread(self._keep_if_changed_since, buffer, journal)
        buffer.set_text(text)
        with buffer.io_lock:
            buffer.supersede(journal.text_path)
        return buffer, kept

    def _keep_if_changed_since(self, buffer: Buffer, journal: Journal) -> Path | None:
        with buffer.io_lock:
            try:
                current = buffer.path.read_bytes()
            except FileNotFoundError:
                return None  # nothing on disk to lose: restoring recreates the file
            digest = sha256_hex(current)
            if digest == journal.based_on_sha256:
                return None
            copy = self.conflict_path(buffer.path)
            self._write_own(copy, current, digest)
            return copy

    def discard_journal(self, journal: Journal) -> None:
        """The writer does not want this text back."""
        self.journals.discard(journal)
