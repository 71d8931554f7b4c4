"""The append-only ledger: durable lines, offsets for catching up, torn lines skipped."""

from __future__ import annotations

import errno
import os
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.storage.ledger import Ledger
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
    assert ledger.read_from(0).end == ledger.size()


def test_read_from_an_offset_returns_only_the_tail(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    first = ledger.read_from(0)
    ledger.append(make_record(2))
    ledger.append(make_record(3))
    tail = ledger.read_from(first.end)
    assert [r.operation for r in tail.records] == ["op-2", "op-3"]
    assert tail.start == first.end and tail.end == ledger.size()
    assert ledger.read_from(tail.end).records == []


def test_a_torn_last_line_is_left_unread_then_healed_and_skipped(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    whole = ledger.size()
    with open(ledger.path, "ab") as handle:  # a writer killed halfway through its record
        handle.write(make_record(2).model_dump_json().encode()[:40])
    tail = ledger.read_from(0)
    assert len(tail.records) == 1 and tail.skipped == 0
    assert tail.end == whole  # the fragment is not consumed
    ledger.append(make_record(3))
    after = ledger.read_from(tail.end)
    assert [r.operation for r in after.records] == ["op-3"]
    assert after.skipped == 1  # the healed fragment is now a line of its own
    assert after.end == ledger.size()


def test_lines_that_do_not_validate_are_skipped_and_counted(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    with open(ledger.path, "ab") as handle:
        handle.write(b"not json\n")
        handle.write(b'{"provider": "openai"}\n')  # valid JSON, not a record
        handle.write(b"\n")  # blank lines are neither records nor damage
    ledger.append(make_record(2))
    tail = ledger.read_from(0)
    assert [r.operation for r in tail.records] == ["op-1", "op-2"]
    assert tail.skipped == 2


def test_line_boundaries_detect_a_replaced_ledger(ledger: Ledger) -> None:
    ledger.append(make_record(1))
    end = ledger.size()
    assert ledger.is_line_boundary(0)
    assert ledger.is_line_boundary(end)
    assert not ledger.is_line_boundary(end - 3)


def test_missing_ledger_reads_as_empty(ledger: Ledger) -> None:
    assert ledger.size() == 0
    tail = ledger.read_from(0)
    assert tail.records == [] and tail.end == 0
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
