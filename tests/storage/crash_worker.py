"""Kill -9 harness for the storage core: the worker that gets killed, and the parent's loop.

Run as a script (``python crash_worker.py MODE FOLDER VERSION RECORD``) it is the *worker*:
it saves numbered document versions and appends numbered ledger records forever, printing
``S <n>`` after save ``n`` returned and ``A <n>`` after append ``n`` returned (flushed), so
the parent knows exactly what was reported durable before it sent SIGKILL.

Imported (by the tests and ``benchmarks/bench_crash_loop.py``) it is the *parent*:
:func:`run_kill_loop` starts workers, kills them at random points and checks after every
kill that nothing reported was lost and nothing on disk is half-written.

Modes: ``atomic`` drives :func:`atomic_write_bytes` + :func:`append_line` directly (imports
no pydantic, so a worker starts in ~20 ms and a test can afford hundreds of kills);
``store`` drives :meth:`JsonStore.save_sync` with a realistic :class:`SessionData`.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOC_NAME = "doc.json"
LEDGER_NAME = "costs.jsonl"
HERE = Path(__file__).resolve()
REPO = HERE.parents[2]


# -- what version n / record n look like (shared by worker and parent) ----------------


def document_bytes(version: int) -> bytes:
    """Version ``n`` of the plain document: deterministic, a few KB (several pages)."""
    body = {
        "schema_version": 1,
        "version": version,
        "scenes": [f"scene {version}-{i} " + "lorem ipsum " * (version % 7 + 20) for i in range(8)],
    }
    return json.dumps(body, indent=2).encode("utf-8") + b"\n"


def ledger_line(number: int) -> bytes:
    """Record ``n`` in the real ledger's shape (a :class:`LedgerRecord` line)."""
    record = {
        "id": f"record-{number}",
        "timestamp": "2026-11-23T09:00:00Z",
        "operation": "crash_test",
        "provider": "anthropic",
        "model": "claude-sonnet-4-5",
        "input_tokens": number,
        "output_tokens": 1,
        "cost": 0.001,
        "cost_source": "local",
    }
    return json.dumps(record).encode("utf-8")


def session_value(version: int) -> Any:
    """Version ``n`` of a realistic ``current.json`` (imports pydantic: store mode only)."""
    from datetime import UTC, datetime, timedelta

    from writers_tui.storage.models import OpenFile, RecentQuery, SessionData

    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    return SessionData(
        session_id="01937a4e-0000-7000-8000-000000000001",
        project_name="The Explants",
        created_at=start,
        last_activity=start + timedelta(seconds=version),
        open_files=[
            OpenFile(path=f"manuscript/chapter-{i}.md", cursor_line=version % 500, cursor_col=i)
            for i in range(5)
        ],
        recent_queries=[
            RecentQuery(query=f"query {version}-{i}", timestamp=start, source="notebooklm")
            for i in range(10)
        ],
        operations_count={"scene_generation": version},
        words_now=version,
    )


# -- the worker -----------------------------------------------------------------------


def _report(tag: str, number: int) -> None:
    sys.stdout.write(f"{tag} {number}\n")
    sys.stdout.flush()


def worker(mode: str, folder: Path, version: int, record: int) -> None:
    from writers_tui.atomic import append_line, atomic_write_bytes

    ledger = folder / LEDGER_NAME
    if mode == "atomic":
        doc = folder / DOC_NAME
        while True:
            atomic_write_bytes(doc, document_bytes(version), keep_backup=doc.exists())
            _report("S", version)
            append_line(ledger, ledger_line(record))
            _report("A", record)
            version += 1
            record += 1
    from writers_tui.storage.stores import session_store

    store = session_store(folder)
    store.load()
    while True:
        store.save_sync(session_value(version))
        _report("S", version)
        version += 1


# -- the parent -----------------------------------------------------------------------


@dataclass
class KillStats:
    kills: int = 0
    saves_reported: int = 0
    appends_reported: int = 0
    unreported_save_on_disk: int = 0
    unreported_append_on_disk: int = 0
    stale_temps_removed: int = 0
    torn_fragments: int = 0  # torn records the next append healed into lines of their own
    seconds: float = 0.0


def _is_temp(name: str) -> bool:
    return name.endswith((".tmp", ".bak-tmp"))


def _worker_command(mode: str, folder: Path, version: int, record: int) -> list[str]:
    return [sys.executable, str(HERE), mode, str(folder), str(version), str(record)]


def _check_plain_document(folder: Path, last_saved: int, stats: KillStats) -> int:
    """The document is exactly the last reported version or the next; the .bak is good."""
    data = (folder / DOC_NAME).read_bytes()
    found = json.loads(data)["version"]
    assert found in (last_saved, last_saved + 1), (found, last_saved)
    assert data == document_bytes(found), f"version {found} is not byte-identical"
    stats.unreported_save_on_disk += found == last_saved + 1
    backup = folder / (DOC_NAME + ".bak")
    if backup.exists():
        backup_version = json.loads(backup.read_bytes())["version"]
        assert backup_version in (found - 1, found), (backup_version, found)
        assert backup.read_bytes() == document_bytes(backup_version)
    return found


def _check_session_document(folder: Path, last_saved: int, stats: KillStats) -> int:
    from writers_tui.atomic import backup_path
    from writers_tui.paths import ProjectPaths
    from writers_tui.storage.json_store import JsonStore
    from writers_tui.storage.models import SessionData
    from writers_tui.storage.stores import session_store

    loaded = session_store(folder).load(quarantine_bad=False)
    assert loaded.source == "file" and not loaded.warnings, loaded.warnings
    found = loaded.value.words_now
    assert found in (last_saved, last_saved + 1), (found, last_saved)
    assert loaded.value == session_value(found)
    stats.unreported_save_on_disk += found == last_saved + 1
    backup = backup_path(ProjectPaths(folder).current)
    if backup.exists():
        previous = JsonStore(backup, SessionData).load(quarantine_bad=False)
        assert previous.source == "file", previous.warnings
        assert previous.value.words_now in (found - 1, found)
    return found


def _is_torn_record(fragment: bytes) -> bool:
    """Whether ``fragment`` is a proper prefix of some record's line."""
    prefix = b'{"id": "record-'
    if len(fragment) <= len(prefix):
        return prefix.startswith(fragment)
    digits = fragment[len(prefix) :].split(b'"')[0]
    if not digits.isdigit():
        return False
    whole = ledger_line(int(digits))
    return whole.startswith(fragment) and len(fragment) < len(whole)


def _check_ledger(
    path: Path, reported: set[int], seen_before: set[int], last: int, stats: KillStats
) -> set[int]:
    """Every reported record is present exactly once; at most the next one is new and extra.

    ``seen_before`` is what the previous check found: nothing once present may vanish, and
    an unreported record found earlier (written, then killed before printing) stays valid.
    """
    from writers_tui.atomic import read_lines
    from writers_tui.storage.ledger import parse_line

    records = []
    fragments = 0
    for line in read_lines(path):
        record = parse_line(line)
        if record is None:
            # SIGKILL can cut a write() between pages: that record was never reported, and
            # the next append moved its fragment onto a line of its own, which readers skip.
            assert _is_torn_record(line.rstrip(b"\n")), f"not a torn record: {line[:80]!r}"
            fragments += 1
        else:
            records.append(record)
    stats.torn_fragments = fragments
    numbers = [record.input_tokens for record in records]
    assert len(numbers) == len(set(numbers)), "a record was written twice"
    present = set(numbers)
    missing = (reported | seen_before) - present
    assert not missing, f"appends lost: {sorted(missing)[:5]}"
    extra = present - reported - seen_before
    assert extra <= {last + 1}, f"records nobody wrote: {sorted(extra)[:5]}"
    stats.unreported_append_on_disk += bool(extra)
    return present


def run_kill_loop(
    folder: Path, mode: str, kills: int, rng: random.Random, *, max_reports: int = 12
) -> KillStats:
    """Start a worker, let it report a random number of saves, SIGKILL it, check; repeat."""
    from writers_tui.atomic import remove_stale_temps

    stats = KillStats()
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    temp_folder = folder / ".session" if mode == "store" else folder
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    last_saved, last_record = 0, 0
    reported_records: set[int] = set()
    present_records: set[int] = set()
    for _ in range(kills):
        proc = subprocess.Popen(
            _worker_command(mode, folder, last_saved + 1, last_record + 1),
            stdout=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        seen: list[bytes] = []
        for _ in range(rng.randint(0, max_reports)):
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
        time.sleep(rng.uniform(0, 0.002))  # lands the kill at an arbitrary instruction
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, f"worker died by itself: {proc.returncode}"
        stats.kills += 1
        # Every line the worker flushed before dying counts as reported, read or not.
        for raw in [*seen, *rest.splitlines()]:
            tag, number = raw.decode().split()
            if tag == "S":
                last_saved = int(number)
                stats.saves_reported += 1
            else:
                reported_records.add(int(number))
                last_record = int(number)
                stats.appends_reported += 1
        if mode == "atomic":
            if (folder / DOC_NAME).exists():
                last_saved = _check_plain_document(folder, last_saved, stats)
            present_records = _check_ledger(
                folder / LEDGER_NAME, reported_records, present_records, last_record, stats
            )
            last_record = max(present_records, default=last_record)
        elif (folder / ".session" / "current.json").exists():
            last_saved = _check_session_document(folder, last_saved, stats)
        removed = remove_stale_temps(temp_folder)
        stats.stale_temps_removed += len(removed)
        names = os.listdir(temp_folder) if temp_folder.is_dir() else []
        leftovers = [name for name in names if _is_temp(name)]
        assert not leftovers, f"temps of a dead worker survived cleanup: {leftovers}"
    stats.seconds = time.perf_counter() - started
    return stats


if __name__ == "__main__":
    worker(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
