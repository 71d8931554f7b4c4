"""Corrupt documents never crash loading and never destroy anything (rule 3).

For each ``.session/`` document (through the real stores): truncated JSON, garbage bytes,
wrong types, a future ``schema_version``, an empty file and invalid UTF-8. ``load()`` must
not raise; the bad file is moved to ``NAME.corrupt-<ts>`` byte-for-byte; a good ``.bak`` is
used; the warning names the file and the reason; ``quarantine_bad=False`` moves nothing.
Each hypothesis example gets a fresh folder from ``tempfile``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from writers_tui.atomic import backup_path
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.models import (
    Budget,
    CostsDocument,
    HistoryData,
    HistoryEntry,
    PreferencesData,
    SessionData,
)
from writers_tui.storage.stores import (
    costs_store,
    history_store,
    preferences_store,
    session_store,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _session(n: int) -> SessionData:
    return SessionData(session_id=f"s{n}", created_at=START, last_activity=START, words_now=n)


def _history(n: int) -> HistoryData:
    entry = HistoryEntry(session_id=f"s{n}", start_time=START, end_time=START, duration_minutes=n)
    return HistoryData(sessions=[entry])


def _costs(n: int) -> CostsDocument:
    return CostsDocument(
        session_total=Decimal("0.25") * n, updated_at=START, budget=Budget(daily_limit=5)
    )


def _preferences(n: int) -> PreferencesData:
    return PreferencesData(
        model_preferences={"writing": "anthropic/claude-sonnet-4-5"}, autosave_interval=n
    )


#: store factory, good document n, an int field to break (wrong type)
DOCUMENTS: dict[str, tuple[Callable[[Path], JsonStore[Any]], Callable[[int], BaseModel], str]] = {
    "session": (session_store, _session, "words_now"),
    "history": (history_store, _history, "sessions"),
    "costs": (costs_store, _costs, "ledger_records"),
    "preferences": (preferences_store, _preferences, "autosave_interval"),
}

HYPOTHESIS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _good_bytes(document: BaseModel) -> bytes:
    return document.model_dump_json(indent=2).encode() + b"\n"


def _is_json_object(data: bytes) -> bool:
    try:
        return isinstance(json.loads(data), dict)
    except ValueError:
        return False


@st.composite
def corruptions(draw: st.DrawFn, kind: str) -> tuple[bytes, tuple[str, ...]]:
    """Bad bytes for document ``kind`` and the words one of which the warning must use."""
    _, good, int_field = DOCUMENTS[kind]
    valid = _good_bytes(good(3))
    body = valid.rstrip()
    raw = json.loads(valid)
    choice = draw(
        st.sampled_from(["truncated", "garbage", "list", "wrong_type", "future", "empty", "utf8"])
    )
    if choice == "truncated":
        return body[: draw(st.integers(1, len(body) - 1))], ("not valid JSON",)
    if choice == "garbage":
        data = draw(st.binary(min_size=1, max_size=200))
        assume(not _is_json_object(data))
        return data, ("not valid JSON", "expected a JSON object")
    if choice == "list":
        items = draw(st.lists(st.integers() | st.text(max_size=5), max_size=4))
        reason = ("expected a JSON object",) if kind != "history" else ("sessions",)
        if kind == "history":
            assume(items)  # the seed's bare list of entries is a valid (old) history
        return json.dumps(items).encode(), reason
    if choice == "wrong_type":
        raw[int_field] = draw(st.text(alphabet="abcxyz ", min_size=1, max_size=10))
        return json.dumps(raw).encode(), (int_field,)
    if choice == "future":
        raw["schema_version"] = draw(st.integers(2, 10**9))
        return json.dumps(raw).encode(), ("newer",)
    if choice == "empty":
        return b"", ("not valid JSON",)
    at = draw(st.integers(0, len(body) - 2))
    bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80"]))
    data = body[:at] + b'"' + bad + b'"' + body[at:]
    return data, ("not valid JSON",)


def _quarantined(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(f"{name}.corrupt-"))


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
@HYPOTHESIS
@given(data=st.data())
def test_bad_file_is_quarantined_and_backup_used(kind: str, data: st.DataObject) -> None:
    make_store, good, _ = DOCUMENTS[kind]
    bad, reasons = data.draw(corruptions(kind))
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp))
        store.path.parent.mkdir(parents=True)
        store.path.write_bytes(bad)
        backup_path(store.path).write_bytes(_good_bytes(good(2)))

        result = store.load()

        assert result.source == "backup"
        assert result.value == good(2)
        (moved,) = _quarantined(store.path.parent, store.path.name)
        assert moved.read_bytes() == bad  # the evidence, byte for byte
        assert result.quarantined == [moved]
        assert not store.path.exists()
        warning = result.warnings[0]
        assert store.path.name in warning and moved.name in warning
        assert any(reason in warning for reason in reasons), (warning, reasons)
        assert any("previous good version" in w for w in result.warnings)

        # The next save writes a fresh file and leaves the good .bak alone.
        store.save_sync(good(4))
        assert make_store(Path(tmp)).load().value == good(4)
        assert backup_path(store.path).read_bytes() == _good_bytes(good(2))


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
@HYPOTHESIS
@given(data=st.data())
def test_read_only_load_moves_nothing(kind: str, data: st.DataObject) -> None:
    make_store, _, _ = DOCUMENTS[kind]
    bad, _ = data.draw(corruptions(kind))
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp))
        store.path.parent.mkdir(parents=True)
        store.path.write_bytes(bad)
        before = sorted(os.listdir(store.path.parent))

        result = store.load(quarantine_bad=False)

        assert result.source == "default"
        assert result.quarantined == []
        assert sorted(os.listdir(store.path.parent)) == before
        assert store.path.read_bytes() == bad
        assert any(store.path.name in w for w in result.warnings)


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_both_bad_means_a_fresh_start_with_both_kept(kind: str, tmp_path: Path) -> None:
    make_store, _, _ = DOCUMENTS[kind]
    store = make_store(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b'{"schema_version": 1, ')
    backup_path(store.path).write_bytes(b"\x00\x01garbage")

    result = store.load()

    assert result.source == "default"
    assert len(result.quarantined) == 2
    assert {p.read_bytes() for p in result.quarantined} == {
        b'{"schema_version": 1, ',
        b"\x00\x01garbage",
    }
    assert result.warnings[-1] == f"starting {store.path.name} afresh"


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_bad_file_left_by_a_read_only_load_is_set_aside_before_saving(
    kind: str, tmp_path: Path
) -> None:
    """Rule 3 holds even when the first load did not quarantine: save never overwrites it."""
    make_store, good, _ = DOCUMENTS[kind]
    store = make_store(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"not json at all")
    store.load(quarantine_bad=False)

    store.save_sync(good(1))

    (moved,) = _quarantined(store.path.parent, store.path.name)
    assert moved.read_bytes() == b"not json at all"
    assert make_store(tmp_path).load().value == good(1)
    assert not backup_path(store.path).exists()  # a bad file never becomes the .bak


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_load_never_raises_on_arbitrary_field_values(kind: str, data: st.DataObject) -> None:
    """Any JSON value in any field, at version 0 or 1 (so migrations see it too)."""
    make_store, good, _ = DOCUMENTS[kind]
    raw = json.loads(_good_bytes(good(1)))
    for key in data.draw(st.lists(st.sampled_from(sorted(raw)), max_size=3, unique=True)):
        raw[key] = data.draw(JSON_VALUES)
    if data.draw(st.booleans()):
        raw.pop("schema_version", None)
    text = json.dumps(raw)  # may contain NaN / Infinity, which JSON does not allow
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp))
        store.path.parent.mkdir(parents=True)
        store.path.write_text(text)

        result = store.load()

        if result.source == "file":
            assert store.path.read_text() == text
        else:
            (moved,) = result.quarantined
            assert moved.read_text() == text
            assert store.path.name in result.warnings[0]


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1e30", "NaN", "Infinity"])
def test_out_of_range_money_is_a_bad_file_not_a_crash(number: str, tmp_path: Path) -> None:
    store = costs_store(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text(f'{{"schema_version": 1, "session_total": {number}}}')
    result = store.load()
    assert result.source == "default"
    assert "costs.json is unusable" in result.warnings[0]
