"""The append-only ledger: durable lines, offsets for catching up, torn lines skipped."""

from __future__ import annotations

import errno
import json
import os
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.atomic import UnsafePath
from writers_tui.storage.ledger import IdIndex, Ledger, LedgerScan
from writers_tui.storage.models import LedgerRecord


def make_record(n: int = 0, **overrides: object) -> LedgerRecord:
    fields: dict[str, object] = {
        "provider": "openai",
        "model": "gpt-4o",
        "input_tokens": 100 + n,
        "output_tokens": 10,
        "cost": Decimal("0.00125"),
        "cost_source": "genai-prices 0.2.3",
        "operation": f"op-{n}",
    }
    fields.update(overrides)
    return LedgerRecord.model_validate(fields)


def read(
    ledger: Ledger, offset: int = 0, index: IdIndex | None = None, first_line: int = 0
) -> tuple[list[LedgerRecord], LedgerScan]:
    scan = ledger.scan(offset, index=index, first_line=first_line)
    return list(scan), scan


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / ".session" / "costs.jsonl")


def test_records_round_trip_one_json_line_each(ledger: Ledger) -> None:
    records = [make_record(n) for n in range(5)]
    for record in records:
        ledger.append(record)
    lines = ledger.path.read_bytes().splitlines()
    assert len(lines) == 5
    assert list(ledger) == records
    assert read(ledger)[1].end == ledger.size()


def test_read_from_an_offset_returns_only_the_tail(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    _, first = read(ledger)
    ledger.append(make_record(2))
    ledger.append(make_record(3))
    records, tail = read(ledger, first.end)
    assert [r.operation for r in records] == ["op-2", "op-3"]
    assert tail.start == first.end and tail.end == ledger.size()
    assert read(ledger, tail.end)[0] == []


def test_a_torn_last_line_is_left_unread_then_healed_and_skipped(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    whole = ledger.size()
    with open(ledger.path, "ab") as handle:  # a writer killed halfway through its record
        handle.write(make_record(2).model_dump_json().encode()[:40])
    records, tail = read(ledger)
    assert len(records) == 1 and tail.skipped == 0
    assert tail.end == whole  # the fragment is not consumed
    ledger.append(make_record(3))
    records, after = read(ledger, tail.end)
    assert [r.operation for r in records] == ["op-3"]
    assert after.skipped == 1  # the healed fragment is now a line of its own
    assert after.end == ledger.size()


def test_lines_that_do_not_validate_are_skipped_and_counted(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    with open(ledger.path, "ab") as handle:
        handle.write(b"not json\n")
        handle.write(b'{"provider": "openai"}\n')  # valid JSON, not a record
        handle.write(b"\n")  # blank lines are neither records nor damage
    ledger.append(make_record(2))
    records, tail = read(ledger)
    assert [r.operation for r in records] == ["op-1", "op-2"]
    assert tail.skipped == 2


def test_line_boundaries_detect_a_replaced_ledger(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    end = ledger.size()
    assert ledger.is_line_boundary(0)
    assert ledger.is_line_boundary(end)
    assert not ledger.is_line_boundary(end - 3)


def test_missing_ledger_reads_as_empty(ledger: Ledger) -> None:
    assert ledger.size() == 0
    records, tail = read(ledger)
    assert records == [] and tail.end == 0
    assert not ledger.is_line_boundary(10)


def test_a_failed_fsync_is_an_error_not_a_silent_success(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.append(make_record(1))

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError) as caught:
        ledger.append(make_record(2))
    assert caught.value.errno == errno.EIO


def test_a_full_disk_leaves_earlier_records_readable(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.append(make_record(1))

    def full_disk(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError):
        ledger.append(make_record(2))
    monkeypatch.undo()
    assert [r.operation for r in ledger] == ["op-1"]


# -- validated on read (issue 7) -------------------------------------------------------


def _line(**overrides: object) -> bytes:
    """A ledger line as a hostile folder may hold it: the fields of a record, overridden."""
    fields = make_record().model_dump(mode="json")
    fields.update(overrides)
    return json.dumps(fields).encode() + b"\n"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cost", -1000),  # a negative cost used to lower the totals (and hide budgets)
        ("cost", 999999999999),  # three of these made every later `costs add` crash
        ("cost", "NaN"),
        ("cost", "Infinity"),
        ("estimated_cost", -1),
        ("input_tokens", 10**9 + 1),
        ("output_tokens", -5),
        ("cached_tokens", 10**15),
        ("timestamp", "9999-12-31T23:59:59Z"),  # converting it to a local date overflows
        ("id", ""),
        ("id", "x" * 65),
    ],
)
def test_out_of_bounds_values_are_skipped_never_summed(
    ledger: Ledger, field: str, value: object
) -> None:
    ledger.append(make_record(1))
    with open(ledger.path, "ab") as handle:
        handle.write(_line(**{field: value}))
    records, scan = read(ledger)
    assert [r.operation for r in records] == ["op-1"]
    assert scan.skipped == 1 and scan.problems[0].startswith(f"line 2: {field}")


def test_an_escaped_id_is_not_a_valid_line(ledger: Ledger) -> None:
    """Ids are looked up by a byte search, so a line must carry its id as plain text."""
    record = make_record(1, id="0190aaaa-0000-7000-8000-000000000001")
    ledger.append(record)
    escaped = record.model_dump_json().replace('"0190', '"\\u0030190', 1)
    with open(ledger.path, "ab") as handle:
        handle.write(escaped.encode() + b"\n")
    records, scan = read(ledger)
    assert len(records) == 1 and scan.skipped == 1 and "plain text" in scan.problems[0]


def test_a_repeated_id_counts_once_wherever_it_is(ledger: Ledger) -> None:
    first = make_record(1)
    imported = make_record(2, id="seed-import-1")  # not a UUID
    ledger.append_many([first, make_record(3), imported, first, imported, make_record(4)])
    records, scan = read(ledger)
    assert [r.operation for r in records] == ["op-1", "op-3", "op-2", "op-4"]
    assert scan.skipped == scan.duplicates == 2


def test_a_repeat_of_a_line_before_the_offset_is_found_in_the_file(ledger: Ledger) -> None:
    def uuid(n: int) -> str:
        return f"0190aaaa-0000-7000-8000-{n:012d}"

    ledger.append_many([make_record(1, id=uuid(5)), make_record(2, id=uuid(9))])
    _, first = read(ledger)
    late = make_record(3, id=uuid(7))  # below the greatest id, yet new (a concurrent writer)
    ledger.append_many([make_record(1, id=uuid(5)), late, make_record(4, id=uuid(10))])
    index = IdIndex(first.index.greatest, earlier_lines=True)
    records, tail = read(ledger, first.end, index, first.lines)
    assert [r.operation for r in records] == ["op-4"]  # above the greatest: no look-up
    assert [r.operation for r in tail.resolve()] == ["op-3"]
    assert tail.duplicates == 1 and tail.problems == [
        f"line 3: repeats the id {uuid(5)} of an earlier line"
    ]


def test_a_symlinked_ledger_is_refused_not_read(ledger: Ledger, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.jsonl"
    outside.write_bytes(make_record(1).model_dump_json().encode() + b"\n")
    ledger.path.parent.mkdir(parents=True)
    ledger.path.symlink_to(outside)
    with pytest.raises(UnsafePath):
        read(ledger)


def test_a_fifo_planted_as_the_ledger_does_not_hang_the_reader(ledger: Ledger) -> None:
    ledger.path.parent.mkdir(parents=True)
    os.mkfifo(ledger.path)
    with pytest.raises(UnsafePath, match="not a regular file"):
        read(ledger)


def test_reading_streams_in_memory_that_does_not_grow_with_the_ledger(ledger: Ledger) -> None:
    """The old reader held the whole file and a list of every record (~4 KB a line)."""
    lines = [make_record(n).model_dump_json() for n in range(20_000)]
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_text("\n".join(lines) + "\n")
    tracemalloc.start()
    try:
        count = sum(1 for _ in ledger.scan(0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 4 * 1024 * 1024, (
        f"peak {peak / 1e6:.1f} MB for a {ledger.size() / 1e6:.0f} MB ledger"
    )
