"""Several processes recording at once, and writers killed with SIGKILL mid-record.

The ledger is the source of truth: every record whose writer reported success must be in
it, it must always be readable, and the costs.json summary (rebuilt by whoever writes
last) must add up exactly.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.ai.pricing import price
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.ledger import Ledger, parse_line
from writers_tui.storage.stores import costs_store

REPO = Path(__file__).resolve().parents[2]
GPT_COST = price("openai/gpt-4o", 1000, 500).cost

#: The real ``writers-tui costs`` command in a fresh interpreter.
CLI = [sys.executable, "-m", "writers_tui", "costs"]

#: A worker that waits for a start signal, then runs ``costs add`` N times in-process
#: (each run builds its own CostTracker, exactly as the command line does).
WORKER = """
import os, sys
from writers_tui.cli_costs import costs
root, count, tag, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
while not os.path.exists(go):
    pass
for _ in range(count):
    args = ["add", root, "--model", "openai/gpt-4o", "--input-tokens", "1000",
            "--output-tokens", "500", "--operation", tag]
    try:
        costs.main(args, standalone_mode=False)
    except SystemExit as exit:
        if exit.code:
            raise
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    return root


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _assert_summary_exact(project: Path, expected: int) -> None:
    stored = costs_store(project).load(quarantine_bad=False)
    assert stored.source == "file" and stored.warnings == []
    summary = stored.value
    assert summary.ledger_records == expected
    assert summary.ledger_offset == Ledger(project / ".session" / "costs.jsonl").size()
    assert sum((day.count for day in summary.by_day.values()), 0) == expected
    assert sum((day.total for day in summary.by_day.values()), Decimal(0)) == expected * GPT_COST


@pytest.mark.slow
def test_eight_processes_times_fifty_adds_give_exact_totals(project: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(project), "50", f"worker-{n}", str(go)],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(8)
    ]
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    records = list(Ledger(project / ".session" / "costs.jsonl"))
    assert len(records) == 400
    assert len({r.id for r in records}) == 400
    for n in range(8):
        assert sum(r.operation == f"worker-{n}" for r in records) == 50
    _assert_summary_exact(project, 400)
    tracker = CostTracker(project, readonly=True)
    assert tracker.totals("all").total == 400 * GPT_COST
    assert tracker.breakdown("operation", "all")["worker-3"].count == 50


@pytest.mark.slow
def test_real_command_lines_in_parallel(project: Path) -> None:
    args = ["add", str(project), "--model", "openai/gpt-4o", "--input-tokens", "1000"]
    runs = [
        subprocess.Popen(
            [*CLI, *args, "--output-tokens", "500", "--json"],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(8)
    ]
    printed = set()
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode()
        printed.add(out.decode().split('"id": "')[1].split('"')[0])
    assert {r.id for r in Ledger(project / ".session" / "costs.jsonl")} == printed
    _assert_summary_exact(project, 8)


def _writer_loop(project: Path, report_fd: int) -> None:
    """Child: record forever, reporting each id only after record() returned."""
    tracker = CostTracker(project, "crash-test", price=price)
    while True:
        record, _ = tracker.price_operation("loop", "openai/gpt-4o", 1000, 500)
        tracker.record(record)
        os.write(report_fd, record.id.encode() + b"\n")


def _read_until_newline(fd: int) -> bytes:
    """Block until the child has reported its first record (or died)."""
    data = b""
    while b"\n" not in data:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.slow
def test_sigkill_at_random_points_never_loses_a_reported_record(project: Path) -> None:
    """150 writers killed with SIGKILL at random moments (forked, so each starts fast).

    Odd rounds kill 0-25 ms after the fork (start-up, catch-up, first record); even rounds
    first wait for one reported record, then kill 0-25 ms later (appends, summary saves).
    """
    rng = random.Random(20241113)
    reported: list[str] = []
    kills = 150
    for n in range(kills):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            os.close(read_fd)
            try:
                _writer_loop(project, write_fd)
            finally:
                os._exit(1)
        os.close(write_fd)
        early = _read_until_newline(read_fd) if n % 2 == 0 else b""
        time.sleep(rng.uniform(0, 0.025))  # when to kill; nothing is asserted on timing
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        with os.fdopen(read_fd, "rb") as pipe:
            lines = (early + pipe.read()).split(b"\n")
        reported.extend(line.decode() for line in lines[:-1])  # the last may be torn
        if n % 25 == 0:  # the ledger and the summary stay readable throughout
            assert {r.id for r in Ledger(project / ".session" / "costs.jsonl")} >= set(reported)
            if (project / ".session" / "costs.json").exists():
                loaded = costs_store(project).load(quarantine_bad=False)
                assert loaded.source == "file", loaded.warnings
    assert len(reported) >= kills // 2  # every waited-for round reported a record
    lines = (project / ".session" / "costs.jsonl").read_bytes().splitlines()
    ids = [record.id for line in lines if (record := parse_line(line)) is not None]
    assert set(reported) <= set(ids)
    assert len(ids) == len(set(ids))
    survivor = CostTracker(project, "crash-test")
    assert survivor.totals("all").count == len(ids) == survivor.ledger_records
    assert survivor.totals("all").total == len(ids) * GPT_COST
    _assert_summary_exact(project, len(ids))
