"""CostTracker: totals from per-day aggregates on the local calendar, budgets, recovery."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import threading
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writers_tui.ai.pricing import price
from writers_tui.paths import ProjectPaths
from writers_tui.storage import costs as costs_module
from writers_tui.storage.costs import CostTracker, period_days, period_key
from writers_tui.storage.ledger import Ledger, parse_line
from writers_tui.storage.models import Budget, LedgerRecord

GPT = "openai/gpt-4o"
GPT_COST = price(GPT, 1000, 500).cost  # the cost of one call(...) below
BERLIN = ZoneInfo("Europe/Berlin")


class Clock:
    """A settable 'now' for the tracker."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "manuscript").mkdir()
    return tmp_path


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 11, 13, 15, 30, tzinfo=UTC))


@pytest.fixture
def make_tracker(project: Path, clock: Clock) -> Callable[..., CostTracker]:
    def make(session_id: str = "s1", **kwargs: object) -> CostTracker:
        kwargs.setdefault("tz", UTC)
        kwargs.setdefault("price", price)
        return CostTracker(project, session_id, clock=clock, **kwargs)  # type: ignore[arg-type]

    return make


def call(tracker: CostTracker, model: str = GPT, operation: str = "scene") -> None:
    tracker.log_operation(operation, model, 1000, 500)


def at(clock: Clock, tracker: CostTracker, when: datetime, model: str = GPT) -> None:
    clock.now = when
    call(tracker, model)


# -- periods on the local calendar ---------------------------------------------------


def test_period_days_follow_iso_weeks_and_calendar_months() -> None:
    assert period_days("week", datetime(2024, 12, 31).date()) == (
        datetime(2024, 12, 30).date(),
        datetime(2025, 1, 5).date(),
    )
    assert period_key("week", datetime(2024, 12, 30).date()) == "2025-W01"
    assert period_key("week", datetime(2024, 12, 29).date()) == "2024-W52"
    assert period_days("month", datetime(2024, 2, 10).date()) == (
        datetime(2024, 2, 1).date(),
        datetime(2024, 2, 29).date(),
    )
    assert period_days("month", datetime(2024, 12, 31).date())[1] == datetime(2024, 12, 31).date()
    assert period_days("all", datetime(2024, 1, 1).date()) is None


def test_totals_per_period_across_a_week_and_year_boundary(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    tracker = make_tracker()
    at(clock, tracker, datetime(2024, 12, 29, 12, tzinfo=UTC))  # Sunday, 2024-W52
    at(clock, tracker, datetime(2024, 12, 30, 9, tzinfo=UTC))  # Monday, 2025-W01
    at(clock, tracker, datetime(2024, 12, 31, 9, tzinfo=UTC))  # still December
    at(clock, tracker, datetime(2025, 1, 1, 9, tzinfo=UTC))  # January, same ISO week
    clock.now = datetime(2025, 1, 1, 18, tzinfo=UTC)
    assert tracker.totals("day").count == 1
    assert tracker.totals("week").count == 3
    assert tracker.totals("week").total == 3 * GPT_COST
    assert tracker.totals("month").count == 1
    assert tracker.totals("all").count == 4
    assert tracker.totals("session").total == 4 * GPT_COST
    clock.now = datetime(2024, 12, 31, 18, tzinfo=UTC)
    assert tracker.totals("month").count == 3
    assert tracker.totals("week").count == 3  # 2025-W01 spans both years


def test_days_are_the_writers_local_dates_not_utc(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    tracker = make_tracker(tz=BERLIN)
    # 23:30 UTC on 30 November is 00:30 on 1 December in Berlin.
    at(clock, tracker, datetime(2024, 11, 30, 23, 30, tzinfo=UTC))
    clock.now = datetime(2024, 12, 1, 10, tzinfo=UTC)
    assert tracker.totals("month").count == 1
    assert tracker.totals("day").count == 1
    assert list(tracker.breakdown("day", "all")) == ["2024-12-01"]
    stored = json.loads(Ledger(tracker.paths.ledger).path.read_text().splitlines()[0])
    assert stored["timestamp"] == "2024-11-30T23:30:00.000000Z"  # the ledger stays UTC

    utc_view = CostTracker(tracker.paths.root, clock=clock, tz=UTC, readonly=True)
    utc_view.rebuild()
    assert list(utc_view.breakdown("day", "all")) == ["2024-11-30"]


def test_a_dst_change_keeps_each_call_on_its_local_day(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    la = ZoneInfo("America/Los_Angeles")
    tracker = make_tracker(tz=la)
    # DST ends 2024-11-03 at 02:00 local; 07:30 UTC is 23:30 PDT on 2 November.
    at(clock, tracker, datetime(2024, 11, 3, 6, 30, tzinfo=UTC))
    # 08:30 UTC on 4 November is 00:30 PST on 4 November (UTC-8 now).
    at(clock, tracker, datetime(2024, 11, 4, 8, 30, tzinfo=UTC))
    assert list(tracker.breakdown("day", "all")) == ["2024-11-02", "2024-11-04"]
    clock.now = datetime(2024, 11, 4, 12, tzinfo=UTC)
    assert tracker.totals("week").count == 1  # 2 November was the previous ISO week


def test_fixed_offset_zones_work_too(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    tracker = make_tracker(tz=timezone(timedelta(hours=-10)))
    at(clock, tracker, datetime(2024, 11, 14, 5, tzinfo=UTC))  # 19:00 on 13 Nov, UTC-10
    assert list(tracker.breakdown("day", "all")) == ["2024-11-13"]


# -- breakdowns, unpriced, sessions --------------------------------------------------


def test_breakdowns_by_model_and_operation_with_unpriced_counts(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker()
    call(tracker, GPT, "scene")
    call(tracker, GPT, "scene")
    call(tracker, "ollama/llama3.2", "outline")
    call(tracker, "openai/gpt-imaginary", "outline")
    warnings = tracker.take_warnings()
    assert any("openai/gpt-imaginary" in w for w in warnings)
    by_model = tracker.breakdown("model", "all")
    assert next(iter(by_model)) == GPT
    assert by_model[GPT].total == 2 * GPT_COST and by_model[GPT].count == 2
    assert (
        by_model["ollama/llama3.2"].total == 0 and by_model["ollama/llama3.2"].unpriced_count == 0
    )
    assert by_model["openai/gpt-imaginary"].unpriced_count == 1
    by_operation = tracker.breakdown("operation", "all")
    assert by_operation["scene"].total == 2 * GPT_COST and by_operation["outline"].count == 2
    assert by_operation["outline"].unpriced_count == 1 and by_operation["scene"].unpriced_count == 0
    totals = tracker.totals("all")
    assert totals.unpriced_count == 1 and totals.count == 4
    assert totals.input_tokens == 4000 and totals.output_tokens == 2000


def test_session_totals_and_reset_session(make_tracker: Callable[..., CostTracker]) -> None:
    tracker = make_tracker("first")
    call(tracker)
    call(tracker)
    assert tracker.totals("session").count == 2
    new_id = tracker.reset_session()
    assert new_id != "first" and tracker.session_id == new_id
    assert tracker.totals("session").count == 0
    call(tracker)
    assert tracker.totals("session").count == 1
    assert tracker.totals("all").count == 3
    assert tracker.summary.session_total == GPT_COST
    assert tracker.summary.session_id == new_id


def test_no_open_session_means_empty_session_totals(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker("")
    call(tracker)
    assert tracker.totals("session").count == 0
    assert tracker.totals("day").count == 1


def test_an_old_session_evicted_from_the_summary_is_read_from_the_ledger(
    make_tracker: Callable[..., CostTracker], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(costs_module, "RECENT_SESSIONS", 2)
    tracker = make_tracker("old")
    call(tracker, operation="draft")
    for sid in ("b", "c"):
        tracker.reset_session(sid)
        call(tracker)
    assert "old" not in tracker.summary.sessions
    tracker.reset_session("old")
    session = tracker.totals("session")
    assert session.count == 1 and session.by_operation == {"draft": GPT_COST}


def test_summary_is_bounded(make_tracker: Callable[..., CostTracker]) -> None:
    tracker = make_tracker()
    for _ in range(costs_module.RECENT_OPERATIONS + 20):
        call(tracker)
    summary = tracker.summary
    assert len(summary.operations) == costs_module.RECENT_OPERATIONS
    assert summary.ledger_records == costs_module.RECENT_OPERATIONS + 20
    assert len(summary.by_day) == 1


def test_costs_json_keeps_the_seed_shape(make_tracker: Callable[..., CostTracker]) -> None:
    tracker = make_tracker()
    call(tracker)
    raw = json.loads(tracker.paths.costs.read_text())
    for key in ("session_total", "daily_total", "weekly_total", "monthly_total", "operations"):
        assert key in raw
    assert raw["by_model"] == {GPT: float(GPT_COST)}
    assert raw["operations"][0]["model"] == GPT
    assert raw["budget"]["warnings_enabled"] is True
    assert raw["ledger_offset"] == tracker.paths.ledger.stat().st_size


# -- catching up, rebuilding, recovering ---------------------------------------------


def test_another_trackers_records_are_caught_up_from_the_tail(
    make_tracker: Callable[..., CostTracker],
) -> None:
    app = make_tracker("app")
    call(app)
    outside = make_tracker("")
    call(outside)
    call(outside)
    assert app.totals("all").count == 1
    assert app.refresh() == 2
    assert app.totals("all").count == 3
    assert app.totals("session").count == 1
    assert app.refresh() == 0


async def test_async_wrappers_run_off_the_loop(
    make_tracker: Callable[..., CostTracker], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = make_tracker()
    threads: list[int] = []
    append = tracker.ledger.append

    def recording_append(record: LedgerRecord) -> None:
        threads.append(threading.get_ident())
        append(record)

    monkeypatch.setattr(tracker.ledger, "append", recording_append)
    record = await asyncio.to_thread(
        tracker.log_operation, "scene", GPT, 1000, 500, stage="writing"
    )
    assert threads and threading.get_ident() not in threads
    assert record.stage == "writing" and record.cost == GPT_COST
    other = make_tracker()
    call(other)
    assert await asyncio.to_thread(tracker.refresh) == 1
    assert tracker.totals("all").total == 2 * GPT_COST


def test_rebuild_matches_incremental_totals(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    tracker = make_tracker(tz=BERLIN)
    start = datetime(2024, 11, 25, 22, tzinfo=UTC)
    for hours in range(0, 24 * 10, 7):
        at(clock, tracker, start + timedelta(hours=hours), GPT if hours % 2 else "ollama/x")
    before = tracker.summary
    assert tracker.rebuild() == before.ledger_records
    after = tracker.summary
    assert after.by_day == before.by_day
    assert after.sessions == before.sessions
    assert after.monthly_total == before.monthly_total


def test_a_corrupt_summary_is_quarantined_and_rebuilt(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker()
    call(tracker)
    call(tracker)
    for path in (tracker.paths.costs, tracker.paths.costs.with_name("costs.json.bak")):
        path.write_text('{"session_total": ')
    again = make_tracker()
    assert again.totals("all").total == 2 * GPT_COST
    assert list(tracker.paths.session_dir.glob("costs.json.corrupt-*"))
    assert json.loads(tracker.paths.costs.read_text())["ledger_records"] == 2


def test_a_summary_that_does_not_match_the_ledger_is_rebuilt(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker()
    for _ in range(3):
        call(tracker)
    lines = tracker.paths.ledger.read_bytes().splitlines(keepends=True)
    tracker.paths.ledger.write_bytes(lines[0])  # the writer restored an older ledger
    again = make_tracker()
    assert again.totals("all").count == 1
    assert any("rebuilt" in w for w in again.take_warnings())


def test_unreadable_ledger_lines_are_skipped_and_reported(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker()
    call(tracker)
    with open(tracker.paths.ledger, "ab") as handle:
        handle.write(b'{"half": \n')
    call(tracker)
    assert tracker.totals("all").count == 2
    assert tracker.skipped_lines == 1
    assert make_tracker().skipped_lines == 1


def test_summary_write_failure_keeps_the_record_and_catches_up_later(
    make_tracker: Callable[..., CostTracker], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = make_tracker()
    call(tracker)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", no_space)
    call(tracker)  # the ledger append does not rename, so it still succeeds
    monkeypatch.undo()
    assert any("costs.json could not be updated" in w for w in tracker.take_warnings())
    assert tracker.totals("all").count == 2
    assert json.loads(tracker.paths.costs.read_text())["ledger_records"] == 1
    assert make_tracker().totals("all").count == 2
    tracker.refresh()  # dirty: writes the summary now that the disk works
    assert json.loads(tracker.paths.costs.read_text())["ledger_records"] == 2


def test_a_failed_ledger_append_is_an_error(
    make_tracker: Callable[..., CostTracker], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = make_tracker()

    def io_error(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", io_error)
    with pytest.raises(OSError):
        call(tracker)


def test_a_readonly_tracker_writes_nothing(
    make_tracker: Callable[..., CostTracker], project: Path
) -> None:
    writer = make_tracker()
    call(writer)
    writer.paths.costs.write_text("garbage")
    before = sorted(p.name for p in writer.paths.session_dir.iterdir())
    reader = make_tracker(readonly=True)
    assert reader.totals("all").count == 1
    assert sorted(p.name for p in writer.paths.session_dir.iterdir()) == before
    with pytest.raises(PermissionError):
        call(reader)


# -- budgets -------------------------------------------------------------------------


def test_budget_warns_once_per_period_even_after_restart(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    limit = GPT_COST * 5
    tracker = make_tracker(budget=Budget(daily_limit=limit))
    for _ in range(3):
        call(tracker)
    assert tracker.should_warn_budget() is None  # 60 %
    call(tracker)
    message = tracker.should_warn_budget()  # 80 %
    assert message is not None and "80% of the daily budget" in message
    assert tracker.should_warn_budget() is None
    assert make_tracker(budget=Budget(daily_limit=limit)).should_warn_budget() is None
    clock.now += timedelta(days=1)
    for _ in range(4):
        call(tracker)
    assert tracker.should_warn_budget() is not None  # a new day, a new warning


def test_budget_warnings_can_be_turned_off(make_tracker: Callable[..., CostTracker]) -> None:
    tracker = make_tracker(budget=Budget(daily_limit=GPT_COST, warnings_enabled=False))
    call(tracker)
    assert tracker.should_warn_budget() is None


def test_would_exceed_names_the_limit_and_the_overrun(
    make_tracker: Callable[..., CostTracker],
) -> None:
    budget = Budget(daily_limit=Decimal("1"), weekly_limit=Decimal("0.01"))
    tracker = make_tracker(budget=budget)
    call(tracker)
    assert tracker.would_exceed(Decimal("0.001")) is None
    message = tracker.would_exceed(Decimal("0.01"))
    assert message is not None
    assert "weekly budget of $0.01" in message and "daily" not in message
    over = tracker.totals("week").total + Decimal("0.01") - Decimal("0.01")
    assert f"exceeded by ${over.normalize():f}" in message
    usage = {u.period: u for u in tracker.budget_usage()}
    assert usage["day"].spent == GPT_COST and usage["week"].limit == Decimal("0.01")


def test_another_time_zone_recounts_the_days_in_its_own_calendar(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    clock.now = datetime(2024, 11, 13, 23, 30, tzinfo=UTC)  # 18:30 in New York
    call(make_tracker(tz=UTC))
    clock.now = datetime(2024, 11, 14, 0, 30, tzinfo=UTC)  # 19:30 in New York, next UTC day
    call(make_tracker(tz=UTC))
    assert make_tracker(tz=UTC).totals("day").count == 1
    new_york = make_tracker(tz=ZoneInfo("America/New_York"))
    assert new_york.totals("day").count == 2  # both on 2024-11-13, New York time
    assert sorted(new_york.summary.by_day) == ["2024-11-13"]
    assert make_tracker(tz=UTC).totals("day").count == 1  # and back again


# -- hostile and big ledgers (issue 7) -----------------------------------------------


def _plant(tracker: CostTracker, *fields: dict[str, object]) -> None:
    """Lines written straight into the ledger, as a co-author's folder may hold them."""
    base = LedgerRecord(
        provider="openai", model="gpt-4o", input_tokens=1, output_tokens=1,
        cost_source="user price", timestamp=datetime(2024, 11, 13, 9, tzinfo=UTC),
    ).model_dump(mode="json")  # fmt: skip
    tracker.paths.session_dir.mkdir(exist_ok=True)
    with open(tracker.paths.ledger, "ab") as handle:
        for overrides in fields:
            line = {**base, "id": LedgerRecord(**base).id, **overrides}  # type: ignore[arg-type]
            handle.write(json.dumps(line).encode() + b"\n")


def test_a_negative_cost_is_not_summed_and_cannot_hide_a_budget(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker(budget=Budget(daily_limit=Decimal(1)))
    _plant(tracker, {"cost": -1000}, {"cost": 125})
    again = make_tracker(budget=Budget(daily_limit=Decimal(1)))
    assert again.totals("all").total == 125  # was -875
    assert again.skipped_lines == 1
    warning = again.should_warn_budget()
    assert warning is not None and "$125.00 of $1.00" in warning


def test_a_repeated_id_counts_once_also_when_it_arrives_later(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker()
    _plant(tracker, {"id": "dup-1", "cost": 2}, {"id": "dup-1", "cost": 2})
    assert make_tracker().totals("all").total == 2
    _plant(tracker, {"id": "dup-1", "cost": 2})  # appended after the summary was written
    later = make_tracker()
    assert later.totals("all").total == 2 and later.totals("all").count == 1
    assert later.duplicate_lines == 2 and later.skipped_lines == 2
    assert later.rebuild() == 1 and later.totals("all").total == 2


def test_huge_costs_never_stop_recording(make_tracker: Callable[..., CostTracker]) -> None:
    tracker = make_tracker()
    _plant(tracker, *({"cost": 999999999999} for _ in range(3)))
    again = make_tracker()  # used to raise a pydantic ValidationError, and append nothing
    call(again)
    assert again.totals("all").total == GPT_COST and again.skipped_lines == 3
    assert len(tracker.paths.ledger.read_text().splitlines()) == 4
    assert json.loads(tracker.paths.costs.read_text())["ledger_records"] == 1


def test_totals_beyond_money_ceiling_are_still_stored(
    make_tracker: Callable[..., CostTracker],
) -> None:
    """Valid calls at the per-call cap add up past Money's 10^12: the summary still saves."""
    tracker = make_tracker()
    _plant(tracker, *({"cost": 10**6} for _ in range(3)))
    doc = make_tracker().summary
    doc.by_day["2024-11-13"].total = Decimal(10**12) * 3  # as a million such calls would
    costs_module.costs_store(tracker.paths.root).save_sync(doc)
    assert make_tracker().summary.all_time_total == Decimal(10**12) * 3


def test_equivalent_zone_names_share_the_summary(
    make_tracker: Callable[..., CostTracker], clock: Clock
) -> None:
    """TZ=UTC and an unset TZ ("Etc/UTC") used to rebuild the summary on every switch."""
    call(make_tracker(tz=ZoneInfo("UTC")))
    before = os.stat(make_tracker(tz=ZoneInfo("UTC")).paths.costs)
    for zone in ("Etc/UTC", "UTC", "Etc/UTC"):
        tracker = make_tracker(tz=ZoneInfo(zone))
        assert tracker.totals("day").count == 1
        assert not any("rebuilt" in w for w in tracker.take_warnings())
    after = os.stat(tracker.paths.costs)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert make_tracker(tz=BERLIN).summary.day_offsets["2024-11-13"] == (3600, 3600)


def test_catching_up_a_long_ledger_holds_days_not_records(
    make_tracker: Callable[..., CostTracker],
) -> None:
    tracker = make_tracker()
    lines = [
        LedgerRecord(
            provider="openai", model="gpt-4o", input_tokens=10, output_tokens=10,
            cost=Decimal("0.01"), cost_source="genai-prices 0.2.3", session_id=f"s{n // 50}",
            timestamp=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=7 * n),
        ).model_dump_json()
        for n in range(20_000)
    ]  # fmt: skip
    tracker.paths.session_dir.mkdir(exist_ok=True)
    tracker.paths.ledger.write_text("\n".join(lines) + "\n")
    tracemalloc.start()
    try:
        reader = make_tracker(readonly=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reader.totals("all").count == 20_000
    assert reader.totals("all").total == Decimal("200.00")
    assert peak < 8 * 1024 * 1024, f"{peak / 1e6:.1f} MB"  # the old reader held ~80 MB


_BAD_VALUES = st.sampled_from(
    [-1, -0.01, 1e12, 999999999999, "NaN", "Infinity", "x", None, True, 10**20]
)


@st.composite
def _ledger_lines(draw: st.DrawFn) -> list[bytes]:
    ids = [f"0190aaaa-0000-7000-8000-{n:012d}" for n in range(6)] + ["seed-a", "seed-b"]
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["good", "bad", "torn", "junk", "blank"]))
        day, hour = draw(st.integers(1, 28)), draw(st.integers(0, 23))
        record = {
            "id": draw(st.sampled_from(ids)),
            "timestamp": f"2024-11-{day:02d}T{hour:02d}:00:00Z",
            "provider": "openai", "model": draw(st.sampled_from(["a", "b"])),
            "input_tokens": draw(st.integers(0, 10**9)), "output_tokens": draw(st.integers(0, 9)),
            "cost": float(draw(st.decimals(0, 10**6, places=4, allow_nan=False))),
            "cost_source": draw(st.sampled_from(["local", "unpriced", "user price"])),
        }  # fmt: skip
        if kind == "bad":
            record[draw(st.sampled_from(["cost", "input_tokens", "timestamp"]))] = draw(_BAD_VALUES)
        text = json.dumps(record).encode()
        if kind == "torn":
            text = text[: draw(st.integers(1, len(text) - 1))]
        elif kind == "junk":
            text = draw(st.binary(max_size=40)).replace(b"\n", b"")
        elif kind == "blank":
            text = b""
        lines.append(text)
    return lines


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(lines=_ledger_lines(), split=st.integers(0, 25))
def test_totals_are_the_sum_of_the_valid_unique_records(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], split: int
) -> None:
    """Random hostile lines, read in two catch-ups: totals = the valid, first-seen records."""
    root = tmp_path_factory.mktemp("fuzz")
    ledger = ProjectPaths(root).ledger
    ledger.parent.mkdir()
    expected: dict[str, Decimal] = {}
    for line in lines:
        record = parse_line(line)
        if record is not None and record.id not in expected:
            expected[record.id] = record.cost
    ledger.write_bytes(b"".join(line + b"\n" for line in lines[:split]))
    CostTracker(root, clock=lambda: datetime(2024, 11, 30, tzinfo=UTC), tz=UTC)
    with open(ledger, "ab") as handle:
        handle.write(b"".join(line + b"\n" for line in lines[split:]))
    for readonly in (False, True):
        tracker = CostTracker(root, tz=UTC, readonly=readonly)
        totals = tracker.totals("all")
        assert totals.count == len(expected) == tracker.ledger_records
        assert totals.total == sum(expected.values(), Decimal(0))
        assert tracker.ledger_records + tracker.skipped_lines == sum(1 for x in lines if x.strip())
