"""The ledger's later fields: cache_write_tokens, prompt_chars, cache_hit, saved_cost,
cache_savings — declared and validated, left off a line at their defaults, and read from
lines written when they were extra keys."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ConfigDict, create_model

from writers_tui.ai import recording
from writers_tui.ai.pricing import price, pricer
from writers_tui.ai.tokens import TokenEstimator
from writers_tui.ai.types import AIRequest, Message, Usage
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.expenses import record_expense
from writers_tui.storage.ledger import Ledger, check_line
from writers_tui.storage.models import MAX_TOKENS, LedgerRecord

NEW_FIELDS = ("cache_write_tokens", "prompt_chars", "cache_hit", "saved_cost", "cache_savings")
#: The keys of a record as every version before these fields wrote it.
SCHEMA_1_KEYS = [
    "schema_version", "id", "timestamp", "project", "session_id", "stage", "operation",
    "provider", "model", "model_resolved", "input_tokens", "cached_tokens", "output_tokens",
    "usage_source", "cost", "cost_source", "estimated_cost", "status", "duration_ms",
]  # fmt: skip
WHEN = datetime(2024, 11, 13, 9, tzinfo=UTC)


def _record(**overrides: object) -> LedgerRecord:
    fields: dict[str, object] = {
        "provider": "anthropic",
        "model": "claude-sonnet-4-5",
        "input_tokens": 2050,
        "cached_tokens": 3000,
        "output_tokens": 9,
        "cost": Decimal("0.0123"),
        "cost_source": "genai-prices 0.2.3",
        "timestamp": WHEN,
    }
    fields.update(overrides)
    return LedgerRecord.model_validate(fields)


def _line(**fields: object) -> bytes:
    """A ledger line as a planted file may hold it: a valid record's JSON plus ``fields``."""
    base = json.loads(_record().model_dump_json())
    return json.dumps({**base, **fields}).encode() + b"\n"


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / ".session" / "costs.jsonl")


# -- round trip ------------------------------------------------------------------------


def test_the_fields_round_trip_through_the_ledger(ledger: Ledger) -> None:
    engine_call = _record(
        cache_write_tokens=2000, prompt_chars=51_234, cache_savings=Decimal("0.0081")
    )
    cache_hit = _record(
        input_tokens=0,
        cached_tokens=0,
        output_tokens=0,
        cost=Decimal(0),
        cost_source="cache",
        cache_hit=True,
        saved_cost=Decimal("0.0123"),
    )
    ledger.append(engine_call)
    ledger.append(cache_hit)
    assert list(ledger) == [engine_call, cache_hit]
    back = list(ledger)
    assert back[0].cache_write_tokens == 2000 and back[0].prompt_chars == 51_234
    assert back[0].cache_savings == Decimal("0.0081") and not back[0].cache_hit
    assert back[1].cache_hit is True and back[1].saved_cost == Decimal("0.0123")
    assert all(record.model_extra == {} for record in back)  # fields now, not extras
    first, second = (json.loads(line) for line in ledger.path.read_bytes().splitlines())
    assert first["cache_savings"] == 0.0081  # money is a JSON number, like cost
    assert "cache_hit" not in first and "saved_cost" not in first
    assert second["cache_hit"] is True and second["saved_cost"] == 0.0123
    assert "prompt_chars" not in second and "cache_write_tokens" not in second


def test_a_record_without_them_is_written_exactly_as_before(ledger: Ledger) -> None:
    record = _record()
    assert (record.cache_write_tokens, record.prompt_chars, record.cache_hit) == (0, None, False)
    assert record.saved_cost is None and record.cache_savings is None
    ledger.append(record)
    written = json.loads(ledger.path.read_bytes())
    assert list(written) == SCHEMA_1_KEYS  # same keys, same order: no new bytes per line
    assert list(record.model_dump(mode="json")) == SCHEMA_1_KEYS  # `costs add --json` too


def test_costs_add_records_keep_the_schema_1_shape(project: Path) -> None:
    tracker = CostTracker(project, "s1", price=price)
    recorded = record_expense(tracker, price, "openai/gpt-4o", 1000, 500)
    [line] = tracker.paths.ledger.read_bytes().splitlines()
    assert list(json.loads(line)) == SCHEMA_1_KEYS
    assert list(recorded.record.model_dump(mode="json")) == SCHEMA_1_KEYS


def test_other_unknown_keys_are_still_kept(ledger: Ledger) -> None:
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_bytes(_line(prompt_chars=10, from_the_future={"x": 1}))
    [record] = list(ledger)
    assert record.prompt_chars == 10 and record.model_extra == {"from_the_future": {"x": 1}}
    assert json.loads(record.model_dump_json())["from_the_future"] == {"x": 1}


# -- lines from when they were extras ------------------------------------------------


def test_an_extras_style_line_loads_into_the_fields(ledger: Ledger) -> None:
    """What recording.py wrote before: every extra present, money as decimal strings."""
    engine_line = _line(
        cache_write_tokens=0, cache_savings="0.00004500", prompt_chars=123
    )  # fmt: skip
    hit_line = _line(
        input_tokens=0, cached_tokens=0, output_tokens=0, cost=0, cost_source="cache",
        estimated_cost=0, cache_hit=True, saved_cost="0.0853",
    )  # fmt: skip
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_bytes(engine_line + hit_line)
    scan = ledger.scan()
    engine_call, hit = list(scan)
    assert scan.skipped == 0 and scan.records == 2
    assert engine_call.cache_savings == Decimal("0.000045") and engine_call.prompt_chars == 123
    assert engine_call.cache_write_tokens == 0 and not engine_call.cache_hit
    assert hit.cache_hit is True and hit.saved_cost == Decimal("0.0853")
    assert engine_call.model_extra == hit.model_extra == {}


def test_a_line_without_them_reads_as_the_defaults() -> None:
    checked = check_line(_line())
    assert isinstance(checked, LedgerRecord)
    assert (checked.cache_write_tokens, checked.prompt_chars, checked.cache_hit) == (0, None, False)
    assert checked.saved_cost is None and checked.cache_savings is None


# -- hostile values --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"cache_write_tokens": -1},
        {"cache_write_tokens": MAX_TOKENS + 1},
        {"cache_write_tokens": "many"},
        {"prompt_chars": -1},
        {"prompt_chars": MAX_TOKENS + 1},
        {"prompt_chars": [1]},
        {"cache_hit": "yes"},
        {"cache_hit": 1},
        {"cache_hit": None},
        {"saved_cost": -0.01},
        {"saved_cost": "NaN"},
        {"saved_cost": 1e7},
        {"cache_savings": -1},
        {"cache_savings": "Infinity"},
        {"cache_savings": 10**30},
    ],
    ids=lambda fields: ",".join(f"{k}={v!r}" for k, v in fields.items()),
)
def test_an_invalid_value_makes_the_line_invalid(ledger: Ledger, fields: dict[str, object]) -> None:
    (name,) = fields
    why = check_line(_line(**fields))
    assert isinstance(why, str) and why.startswith(name)
    ledger.path.parent.mkdir(parents=True)
    good = _record(prompt_chars=5).model_dump_json().encode() + b"\n"
    ledger.path.write_bytes(_line(**fields) + good)
    scan = ledger.scan()
    assert [record.prompt_chars for record in scan] == [5]  # skipped, counted, no crash
    assert scan.skipped == 1 and scan.problems[0].startswith(f"line 1: {name}")


def test_planted_lines_are_not_summed_by_the_tracker(project: Path) -> None:
    tracker = CostTracker(project, "s1", price=price, tz=UTC, readonly=True)
    tracker.paths.session_dir.mkdir(exist_ok=True)
    tracker.paths.ledger.write_bytes(
        _line(cost=5, cache_hit="yes")
        + _line(cost=7, cache_write_tokens=-1)
        + _line(cost=11, saved_cost=-3)
        + _line(cost=1, cache_hit=True, saved_cost=2, prompt_chars=9, cache_write_tokens=3)
    )
    reader = CostTracker(project, "s1", price=price, tz=UTC, readonly=True)
    assert reader.totals("all").total == 1 and reader.totals("all").count == 1
    assert reader.skipped_lines == 3


# -- the engine's side -----------------------------------------------------------------


def _request(prompt: str = "Who is Mickey?") -> AIRequest:
    return AIRequest(
        "anthropic/claude-sonnet-4-5", (Message("user", prompt),), context="Mickey is Noni's."
    )


def test_recording_sets_the_fields_not_extras(project: Path) -> None:
    tracker = CostTracker(project, "s1", price=pricer({}))
    request = _request()
    usage = Usage(2050, 9, cached_tokens=3000, cache_write_tokens=2000)
    record, _ = recording.build_record(
        tracker, request, usage, providers={}, estimated_cost=None, status="ok", duration_ms=5
    )
    assert record.model_extra == {}
    assert record.cache_write_tokens == 2000
    assert record.prompt_chars == len(request.prompt_text)
    assert record.cache_savings is not None and record.cache_savings > 0
    assert not record.cache_hit and record.saved_cost is None

    uncached, _ = recording.build_record(
        tracker, request, Usage(100, 9), providers={}, estimated_cost=None, status="ok",
        duration_ms=5,
    )  # fmt: skip
    assert uncached.cache_savings is None and uncached.cache_write_tokens == 0
    line = json.loads(uncached.model_dump_json())
    assert "cache_savings" not in line and line["prompt_chars"] == len(request.prompt_text)

    hit = recording.cache_hit_record(tracker, request, Decimal("0.0123"), 3)
    assert hit.model_extra == {} and hit.cache_hit is True
    assert hit.saved_cost == Decimal("0.0123") and hit.cost == 0 and hit.cost_source == "cache"


@pytest.mark.parametrize("planted", [Decimal("-1"), Decimal("NaN"), Decimal("1e30"), "junk"])
def test_a_cache_hit_with_a_planted_cost_is_still_recorded(
    project: Path, planted: Decimal | str
) -> None:
    """The saved cost comes from a cache file in the project: a bad one is unknown, not a crash."""
    tracker = CostTracker(project, "s1", price=pricer({}))
    hit = recording.cache_hit_record(tracker, _request(), planted, 3)
    assert hit.cache_hit is True and hit.saved_cost is None
    tracker.record(hit)
    assert [record.id for record in tracker.ledger] == [hit.id]


def test_calibration_reads_prompt_chars_from_the_field(ledger: Ledger) -> None:
    ledger.path.parent.mkdir(parents=True)
    ledger.path.write_bytes(
        _line(prompt_chars=30_000, input_tokens=2000, cached_tokens=3000)  # 6 chars/token
        + _line(prompt_chars=999, usage_source="estimated")  # not billed: not learnt from
        + _line()  # no prompt_chars (a `costs add` record)
    )
    estimator = TokenEstimator()
    estimator.learn_from(ledger)
    assert estimator.chars_per_token("anthropic/claude-sonnet-4-5") == pytest.approx(6.0)


# -- cost of reading -------------------------------------------------------------------


def test_the_new_fields_add_no_validators_of_their_own() -> None:
    """Reading 1M lines stays a pydantic-core parse: no Python validator runs per line for
    them (the money fields run Money's, and only when a line has one)."""
    decorators = LedgerRecord.__pydantic_decorators__
    assert not decorators.model_validators and not decorators.field_validators
    for name in NEW_FIELDS:
        assert name in LedgerRecord.model_fields


def test_reading_lines_without_them_costs_about_what_it_did() -> None:
    """Against the same model minus the five fields, on the common line (no new keys)."""
    fields = {
        name: (info.annotation, info)
        for name, info in LedgerRecord.model_fields.items()
        if name not in NEW_FIELDS
    }
    before = create_model("Before", __config__=ConfigDict(extra="allow"), **fields)  # type: ignore[call-overload]
    lines = [_record(input_tokens=n).model_dump_json().encode() for n in range(5000)]
    timings: dict[str, list[float]] = {"before": [], "now": []}
    for _ in range(5):
        for name, model in (("before", before), ("now", LedgerRecord)):
            start = time.perf_counter()
            for line in lines:
                model.model_validate_json(line)
            timings[name].append(time.perf_counter() - start)
    ratio = statistics.median(timings["now"]) / statistics.median(timings["before"])
    assert ratio < 1.5, f"reading a line became {ratio:.2f}x slower"
