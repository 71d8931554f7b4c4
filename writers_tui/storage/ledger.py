"""``costs.jsonl``: the append-only cost ledger, the source of truth for every cent.

One :class:`LedgerRecord` per line. Appends go through :func:`atomic.append_line` (flock'd
across processes, fsync'd per record, torn last line healed, never through a link), so a
record is durable once :meth:`Ledger.append` returns.

Reading **streams**: :class:`LedgerScan` reads line by line from a byte offset (the
``costs.json`` summary remembers how far it got), so memory does not grow with the ledger.
The project folder is untrusted input, so every line is validated: a line that does not
parse, breaks the bounds of :class:`LedgerRecord` (negative or absurd cost, tokens beyond
10^9, a time outside 1970-9998) or repeats an earlier line's id is skipped and counted,
never summed, and the first few are described for ``doctor``.

Repeated ids are found exactly without keeping every record: see :class:`IdIndex`. A valid
line must carry its id as plain text (``"id":"…"`` unescaped, no ``"`` or ``\\`` in it) —
what writers-tui always writes — so an earlier occurrence can be looked up with a byte
search of the file instead of a parse of every line.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import re
import stat
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from writers_tui.atomic import UnsafePath, append_line, ensure_dir, open_folder
from writers_tui.storage.models import LedgerRecord

#: Problems described per scan (the rest are only counted).
PROBLEMS_KEPT = 5
#: Ids at or below the summary's greatest id that a catch-up may look up in the earlier
#: ledger one by one (a byte search each); beyond this a full rescan is cheaper.
MAX_LOOKUPS = 16

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LOW64 = (1 << 64) - 1


def check_line(line: bytes) -> LedgerRecord | str:
    """A ledger line as a record, or why it cannot be summed (one short phrase)."""
    try:
        record = LedgerRecord.model_validate_json(line)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        if first["type"] in ("json_invalid", "json_type", "model_type"):
            return "not a JSON object"
        where = ".".join(str(part) for part in first["loc"]) or "line"
        return f"{where}: {first['msg']}"[:120]
    if b'"' + record.id.encode("utf-8") + b'"' not in line:
        return "id: must be written as plain text"
    return record


def parse_line(line: bytes) -> LedgerRecord | None:
    """A ledger line as a record, or None when it is torn or invalid."""
    checked = check_line(line)
    return checked if isinstance(checked, LedgerRecord) else None


class IdIndex:
    """Which ids have been seen: exact, in ~16 bytes per id for a healthy ledger.

    writers-tui's ids are UUIDv7, which grow with time, so nearly every new line's id is
    above every id before it: such an id is new without looking anything up, and is kept
    as two 64-bit halves in sorted arrays. Only an id at or below the greatest one (a
    concurrent writer's, an imported one, a planted repeat) is looked up, by bisection, and
    ids that are not UUIDs go in a plain set.

    ``floor`` is the greatest id of the ledger *before* this index began (from the
    summary); an id at or below it may repeat a line this index never saw, so :meth:`add`
    answers None and the caller looks it up in the file (:meth:`Ledger.ids_present`).
    """

    def __init__(self, floor: str = "", *, earlier_lines: bool = False) -> None:
        self.greatest = floor
        self._floor = floor
        self._earlier = earlier_lines
        self._high = array("Q")
        self._low = array("Q")
        self._others: set[str] = set()

    def add(self, record_id: str) -> bool | None:
        """True: a new id. False: seen before. None: unknown (look it up in the file)."""
        canonical = len(record_id) == 36 and _CANONICAL_UUID.fullmatch(record_id) is not None
        if canonical and record_id > self.greatest:
            value = int(record_id.replace("-", ""), 16)
            self._high.append(value >> 64)
            self._low.append(value & _LOW64)
            self.greatest = record_id
            return True
        if record_id in self._others or (canonical and self._sorted_contains(record_id)):
            return False
        self._others.add(record_id)
        if self._earlier and (not canonical or record_id <= self._floor):
            return None
        return True

    def _sorted_contains(self, record_id: str) -> bool:
        value = int(record_id.replace("-", ""), 16)
        high, low = value >> 64, value & _LOW64
        index = bisect_left(self._high, high)
        while index < len(self._high) and self._high[index] == high:
            if self._low[index] == low:
                return True
            index += 1
        return False


class LedgerScan:
    """The valid, not-yet-seen records after ``start``, streamed; counts once iterated.

    Iterate once. Afterwards ``end`` is the end of the last complete line read (an
    unterminated last line, a writer's torn record, is left unread: the next append heals
    it into a line of its own, which a later scan then counts as skipped), ``lines`` how
    many lines were read, ``skipped`` how many were not summed (``duplicates`` of them for
    repeating an id) and ``problems`` the first few, as ``"line N: why"``.

    Records whose id may repeat a line before ``start`` are held back (``pending``); call
    :meth:`resolve` for the ones that are new. If more than :data:`MAX_LOOKUPS` were held
    back, ``too_many_lookups`` says a rescan from 0 is cheaper.
    """

    def __init__(self, ledger: Ledger, start: int, index: IdIndex, first_line: int) -> None:
        self.ledger = ledger
        self.start = start
        self.end = start
        self.index = index
        self.first_line = first_line
        self.lines = 0
        self.records = 0
        self.skipped = 0
        self.duplicates = 0
        self.problems: list[str] = []
        self.pending: list[tuple[int, LedgerRecord]] = []
        self.too_many_lookups = False

    def _skip(self, line_number: int, why: str) -> None:
        self.skipped += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(f"line {line_number}: {why}")

    def __iter__(self) -> Iterator[LedgerRecord]:
        with self.ledger.open_for_reading() as handle:
            if handle is None:
                return
            handle.seek(self.start)
            number = self.first_line
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break
                self.end += len(raw)
                self.lines += 1
                number += 1
                if raw.isspace():
                    continue
                checked = check_line(raw)
                if isinstance(checked, str):
                    self._skip(number, checked)
                    continue
                fresh = self.index.add(checked.id)
                if fresh:
                    self.records += 1
                    yield checked
                elif fresh is None:
                    if len(self.pending) < MAX_LOOKUPS:
                        self.pending.append((number, checked))
                    else:
                        self.too_many_lookups = True
                else:
                    self.duplicates += 1
                    self._skip(number, f"repeats the id {checked.id} of an earlier line")

    def resolve(self) -> list[LedgerRecord]:
        """The held-back records whose id no line before ``start`` has (in ledger order)."""
        if not self.pending:
            return []
        present = self.ledger.ids_present({r.id for _, r in self.pending}, self.start)
        new: list[LedgerRecord] = []
        for number, record in self.pending:
            if record.id in present:
                self.duplicates += 1
                self._skip(number, f"repeats the id {record.id} of an earlier line")
            else:
                self.records += 1
                new.append(record)
        self.pending = []
        return new


class Ledger:
    """One ``costs.jsonl`` file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, record: LedgerRecord) -> None:
        """Write ``record`` as one line and fsync it; blocks on the disk."""
        ensure_dir(self.path.parent)
        append_line(self.path, record.model_dump_json().encode("utf-8"))

    def append_many(self, records: list[LedgerRecord]) -> None:
        """Several records in one locked, fsync'd append (nothing when the list is empty)."""
        if not records:
            return
        ensure_dir(self.path.parent)
        lines = b"\n".join(record.model_dump_json().encode("utf-8") for record in records)
        append_line(self.path, lines)

    @contextlib.contextmanager
    def open_for_reading(self) -> Iterator[BinaryIO | None]:
        """The ledger opened without following a link (None when there is none yet).

        A link, FIFO or device planted as ``costs.jsonl`` (or a linked ``.session``) is
        :class:`UnsafePath`: it is never read, so it can neither leak another file into the
        totals nor hang the reader.
        """
        try:
            with open_folder(self.path.parent) as folder:
                try:
                    fd = os.open(
                        self.path.name,
                        os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                        dir_fd=folder,
                    )
                except OSError as error:
                    if isinstance(error, FileNotFoundError):
                        raise
                    if stat.S_ISLNK(os.lstat(self.path).st_mode):
                        raise UnsafePath(self.path) from None
                    raise
        except FileNotFoundError:
            yield None
            return
        with open(fd, "rb", buffering=1 << 20) as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise UnsafePath(self.path, "is not a regular file")
            os.set_blocking(fd, True)
            yield handle

    def size(self) -> int:
        try:
            return os.stat(self.path, follow_symlinks=False).st_size
        except FileNotFoundError:
            return 0

    def is_line_boundary(self, offset: int) -> bool:
        """Whether ``offset`` can be where a previous reader stopped (start or after a newline).

        A summary whose offset fails this (or lies past the end) was made from another
        ledger, one that has since been truncated or replaced, and must be rebuilt.
        """
        if offset == 0:
            return True
        with self.open_for_reading() as handle:
            if handle is None:
                return False
            handle.seek(offset - 1)
            return handle.read(1) == b"\n"

    def scan(
        self, offset: int = 0, *, index: IdIndex | None = None, first_line: int = 0
    ) -> LedgerScan:
        """Stream the records after ``offset`` (see :class:`LedgerScan`).

        ``index`` carries the ids already seen; without one, a scan from 0 starts empty.
        ``first_line`` is the number of lines before ``offset`` (for line numbers).
        """
        if index is None:
            index = IdIndex()
        return LedgerScan(self, offset, index, first_line)

    def ids_present(self, ids: Iterable[str], end: int) -> set[str]:
        """Which of ``ids`` a valid line in the first ``end`` bytes carries.

        A byte search for each quoted id (valid lines carry it as plain text), and a parse
        of only the lines where it occurs: O(ledger) I/O, O(1) memory, no full parse.
        """
        wanted = set(ids)
        found: set[str] = set()
        if not wanted or end <= 0:
            return found
        with self.open_for_reading() as handle:
            if handle is None:
                return found
            with mmap.mmap(handle.fileno(), end, access=mmap.ACCESS_READ) as data:
                for record_id in wanted:
                    if _occurs_in_a_valid_line(data, record_id, end):
                        found.add(record_id)
        return found

    def __iter__(self) -> Iterator[LedgerRecord]:
        """Every valid record, each id once, streamed."""
        return iter(self.scan(0))


def _occurs_in_a_valid_line(data: mmap.mmap, record_id: str, end: int) -> bool:
    needle = b'"' + record_id.encode("utf-8") + b'"'
    position = data.find(needle, 0, end)
    while position != -1:
        line_start = data.rfind(b"\n", 0, position) + 1
        line_end = data.find(b"\n", position, end)
        if line_end == -1:
            return False  # an unterminated fragment is not a line yet
        record = parse_line(data[line_start:line_end])
        if record is not None and record.id == record_id:
            return True
        position = data.find(needle, line_end, end)
    return False
