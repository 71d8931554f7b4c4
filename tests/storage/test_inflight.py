"""A call cut by a crash is still billed: tickets in .session/ai-calls/ (storage/inflight.py).

The kill -9 test runs a real engine call in a subprocess against the loopback provider,
kills it mid-stream, and checks that the next open bills the call once, at its estimate.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ai"))

from ai_helpers import make_engine, request
from ai_loopback import KEY, Loopback, Reply, openai_events, serving

from writers_tui.ai.errors import NotRecordable
from writers_tui.ai.pricing import pricer
from writers_tui.project import new_project
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.inflight import begin_call, calls_dir, recover_calls
from writers_tui.storage.lock import LockHolder
from writers_tui.storage.models import LedgerRecord

REPO = Path(__file__).resolve().parents[2]

_CALLER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from ai_helpers import make_engine, request

    class Server:
        url = sys.argv[2]

    async def main():
        engine = make_engine(Path(sys.argv[1]), Server())
        estimate = await engine.estimate(request(max_output_tokens=500))
        print(estimate.cost, flush=True)
        call = await engine.start(estimate, confirmed=True)
        async for chunk in call:
            print("STREAMING", flush=True)
        await asyncio.sleep(60)

    asyncio.run(main())
    """
)


@pytest.fixture
def server() -> object:
    with serving() as loopback:
        yield loopback


def tracker(root: Path) -> CostTracker:
    return CostTracker(root, "session-2", price=pricer())


def _provisional(costs: CostTracker) -> LedgerRecord:
    """A record shaped as the engine's provisional one: an estimate billed as an error."""
    record, _ = costs.price_operation(
        "continue", "openai/gpt-4o", 1000, 400, status="error", usage_source="estimated"
    )
    return record.model_copy(update={"estimated_cost": record.cost})


def _plant_dead_ticket(root: Path, record: LedgerRecord, host: str | None = None) -> Path:
    """A ticket whose owner is gone (a pid no process has)."""
    holder = {
        "pid": 2**22 + 17,
        "host": host or LockHolder.me().host,
        "boot_id": "",
        "started_at": "2020-01-01T00:00:00Z",
    }
    path = calls_dir(root) / f"{record.id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"holder": holder, "record": record.model_dump(mode="json")}))
    return path


def ledger(root: Path) -> list[dict[str, object]]:
    path = root / ".session" / "costs.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line, parse_float=Decimal) for line in lines]


def test_a_call_killed_mid_stream_is_billed_once_at_its_estimate(
    tmp_path: Path, server: Loopback
) -> None:
    root = new_project(tmp_path / "novel")
    server.reply(Reply(events=openai_events(["The ", "rain ", "went on."]), pause_after=2))
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    caller = subprocess.Popen(
        [sys.executable, "-c", _CALLER, str(root), server.url, str(REPO / "tests" / "ai")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert caller.stdout is not None
    estimate = Decimal(caller.stdout.readline().strip())
    assert caller.stdout.readline().strip() == "STREAMING"
    assert len(list(calls_dir(root).iterdir())) == 1  # the ticket, while the call runs
    os.kill(caller.pid, signal.SIGKILL)
    caller.wait(10)
    assert ledger(root) == []  # the dead process never wrote its record

    costs = tracker(root)
    recovered = recover_calls(root, costs)
    assert len(recovered.records) == 1 and recovered.problems == ()
    record = ledger(root)[0]
    assert record["status"] == "error" and record["usage_source"] == "estimated"
    assert record["cost"] == estimate > 0
    assert list(calls_dir(root).iterdir()) == []
    assert recover_calls(root, costs).records == ()  # once
    assert costs.totals("all").total == estimate


def test_a_finished_call_leaves_no_ticket_and_its_record_has_the_ticket_id(
    tmp_path: Path, server: Loopback
) -> None:
    import asyncio

    root = new_project(tmp_path / "novel")
    server.reply(Reply(events=openai_events(["Done."])))
    engine = make_engine(root, server)

    async def run() -> None:
        estimate = await engine.estimate(request())
        call = await engine.start(estimate, confirmed=True)
        outcome = await call.wait()
        assert outcome.status == "ok"
        await engine.aclose()

    asyncio.run(run())
    assert list(calls_dir(root).iterdir()) == []
    assert [r["status"] for r in ledger(root)] == ["ok"]


def test_a_crash_after_the_ledger_append_does_not_bill_twice(tmp_path: Path) -> None:
    root = new_project(tmp_path / "novel")
    costs = tracker(root)
    provisional = _provisional(costs)
    begin_call(root, provisional)
    final = provisional.model_copy(update={"status": "ok", "input_tokens": 900})
    costs.record(final)  # … and the process dies before removing the ticket
    _plant_dead_ticket(root, provisional)
    assert len(recover_calls(root, costs).records) == 1
    assert list(calls_dir(root).iterdir()) == []
    fresh = tracker(root)
    assert fresh.totals("all").total == final.cost  # the repeated id counts once
    assert sum(fresh.totals("all").count_by_operation.values()) == 1


def test_a_live_callers_ticket_is_left_alone(tmp_path: Path) -> None:
    root = new_project(tmp_path / "novel")
    costs = tracker(root)
    provisional, _ = costs.price_operation("ask", "openai/gpt-4o", 10, 10)
    begin_call(root, provisional)  # this process: alive
    assert recover_calls(root, costs).records == ()
    assert ledger(root) == []


def test_hostile_tickets_are_reported_never_billed(tmp_path: Path) -> None:
    root = new_project(tmp_path / "novel")
    folder = calls_dir(root)
    folder.mkdir(parents=True)
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    (folder / "link.json").symlink_to(outside)
    (folder / "huge.json").write_bytes(b" " * (1 << 20))
    (folder / "garbage.json").write_text("[" * 100_000)
    (folder / "bad.json").write_text(json.dumps({"holder": {"pid": "x"}, "record": {}}))
    (folder / "dir.json").mkdir()
    recovered = recover_calls(root, tracker(root))
    assert recovered.records == ()
    assert len(recovered.problems) == 5
    assert ledger(root) == []
    assert outside.read_text() == "{}"


def test_a_linked_calls_folder_is_refused(tmp_path: Path) -> None:
    root = new_project(tmp_path / "novel")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    calls_dir(root).parent.mkdir(exist_ok=True)
    calls_dir(root).symlink_to(elsewhere, target_is_directory=True)
    recovered = recover_calls(root, tracker(root))
    assert recovered.records == () and len(recovered.problems) == 1
    assert list(elsewhere.iterdir()) == []


def test_a_call_whose_ticket_cannot_be_written_is_not_sent(
    tmp_path: Path, server: Loopback
) -> None:
    import asyncio

    root = new_project(tmp_path / "novel")
    calls_dir(root).parent.mkdir(exist_ok=True)
    calls_dir(root).write_text("a file where the folder should be")
    engine = make_engine(root, server)

    async def run() -> None:
        estimate = await engine.estimate(request())
        with pytest.raises(NotRecordable, match="not sent"):
            await engine.start(estimate, confirmed=True)
        assert engine.book.reserved(root) == 0  # the reservation went with it
        await engine.aclose()

    asyncio.run(run())
    assert server.requests == []


def test_the_record_model_round_trips_through_a_ticket(tmp_path: Path) -> None:
    root = new_project(tmp_path / "novel")
    costs = tracker(root)
    provisional, _ = costs.price_operation("draft_scene", "openai/gpt-4o", 5, 7)
    path = begin_call(root, provisional)
    raw = json.loads(path.read_text())
    assert LedgerRecord.model_validate(raw["record"]) == provisional


def test_planted_tickets_that_are_not_provisional_records_are_not_billed(tmp_path: Path) -> None:
    root = new_project(tmp_path / "novel")
    costs = tracker(root)
    looks_real = _provisional(costs).model_copy(
        update={"status": "ok", "usage_source": "provider", "cost": Decimal(999_999)}
    )
    _plant_dead_ticket(root, looks_real)
    unlike_its_estimate = _provisional(costs).model_copy(update={"cost": Decimal(500)})
    _plant_dead_ticket(root, unlike_its_estimate)
    _plant_dead_ticket(root, _provisional(costs), host="someone-elses-laptop")
    recovered = recover_calls(root, costs)
    assert recovered.records == () and len(recovered.problems) == 3
    assert ledger(root) == []


def test_thousands_of_planted_tickets_are_not_all_read(tmp_path: Path) -> None:
    from writers_tui.storage.inflight import MAX_TICKETS

    root = new_project(tmp_path / "novel")
    costs = tracker(root)
    for _ in range(MAX_TICKETS + 50):
        _plant_dead_ticket(root, _provisional(costs))
    recovered = recover_calls(root, costs)
    assert len(recovered.records) == MAX_TICKETS
    assert any("50 more files" in problem for problem in recovered.problems)
