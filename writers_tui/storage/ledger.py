"""``costs.jsonl``: the append-only cost ledger, the source of truth for every cent.

One :class:`LedgerRecord` per line. Appends go through :func:`atomic.append_line` (flock'd
across processes, fsync'd per record, torn last line healed), so a record is durable once
:meth:`Ledger.append` returns. Readers work from a byte offset, which lets the
``costs.json`` summary catch up with records other processes appended by reading only the
new tail. A line that does not parse or validate is skipped and counted, never fatal.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from writers_tui.atomic import append_line, ensure_dir
from writers_tui.storage.models import LedgerRecord


@dataclass
class LedgerTail:
    """Records read from ``start`` up to ``end`` (the end of the last complete line)."""

    start: int
    end: int
    records: list[LedgerRecord] = field(default_factory=list)
    skipped: int = 0


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

    def size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except FileNotFoundError:
            return 0

    def is_line_boundary(self, offset: int) -> bool:
        """Whether ``offset`` can be where a previous reader stopped (start or after a newline).

        A summary whose offset fails this (or lies past the end) was made from another
        ledger, one that has since been truncated or replaced, and must be rebuilt.
        """
        if offset == 0:
            return True
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset - 1)
                return handle.read(1) == b"\n"
        except FileNotFoundError:
            return False

    def read_from(self, offset: int = 0) -> LedgerTail:
        """Every complete line after ``offset``; an unterminated last line is left unread.

        The torn fragment a killed writer leaves is not consumed: the next append heals it
        into a line of its own, which a later read then counts as skipped.
        """
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return LedgerTail(offset, offset)
        complete = data[: data.rfind(b"\n") + 1]
        tail = LedgerTail(offset, offset + len(complete))
        for line in complete.splitlines():
            if not line.strip():
                continue
            record = parse_line(line)
            if record is None:
                tail.skipped += 1
            else:
                tail.records.append(record)
        return tail

    def __iter__(self) -> Iterator[LedgerRecord]:
        return iter(self.read_from(0).records)


def parse_line(line: bytes) -> LedgerRecord | None:
    """A ledger line as a record, or None when it is torn or invalid."""
    try:
        return LedgerRecord.model_validate_json(line)
    except ValidationError:
        return None
