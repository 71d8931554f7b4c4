"""Durable session save vs the floor of its design, with SQLite as a reference.

The floor is the same bytes written with write + fsync + rename + fsync of the folder and
nothing else (no .bak link, no link checks, no folder walk). Target: median(ours) /
median(floor) <= 1.1. SQLite (WAL, synchronous=FULL) committing the same JSON stays as a
reference row. All run in the same process on the same file system, rotating one save
each so that disk hiccups hit them alike; all include serialising the model to JSON, so
only the storage path differs. "ours, no .bak" shows what the backup costs.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_session_save.py [-n 200] [--dir PATH]
"""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from writers_tui.atomic import atomic_write_bytes
from writers_tui.storage.models import OpenFile, RecentQuery, SessionData
from writers_tui.storage.stores import session_store


def realistic_session(tick: int) -> SessionData:
    """A working session: 6 open files, 10 recent queries, a deep breadcrumb, counters."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    data = SessionData(
        project_name="The Explants",
        created_at=start,
        last_activity=start + timedelta(seconds=tick),
        open_files=[
            OpenFile(
                path=f"manuscript/volume-2/ACT_4/chapter-{i}.md", cursor_line=tick + i, cursor_col=i
            )
            for i in range(6)
        ],
        active_file="manuscript/volume-2/ACT_4/chapter-5.md",
        model_preferences={
            "writing": "anthropic/claude-sonnet-4-5",
            "enhancing": "google/gemini-2.5-flash",
            "analyzing": "openai/gpt-4o",
        },
        recent_queries=[
            RecentQuery(query=f"What is Mickey's relationship with Noni? ({i})", source="cognee")
            for i in range(10)
        ],
        files_modified=[f"manuscript/volume-2/ACT_4/chapter-{i}.md" for i in range(12)],
        operations_count={"scene_generation": 3, "scene_enhancement": 2, "voice_test": 1},
        words_at_start=84_210,
        words_now=84_210 + tick,
    )
    data.current_state.breadcrumb = ["Home", "Writing", "Chapter 5", "Scene 5.3"]
    return data


def timed(action: Callable[[], None]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to test")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        store = session_store(root / "project")
        store.load()
        plain = root / "plain" / "current.json"
        plain.parent.mkdir()
        db = sqlite3.connect(root / "session.db")
        assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE docs(name TEXT PRIMARY KEY, json TEXT NOT NULL)")
        db.commit()

        def sqlite_save(value: SessionData) -> None:
            db.execute(
                "INSERT OR REPLACE INTO docs(name, json) VALUES(?, ?)",
                ("current.json", value.model_dump_json(indent=2)),
            )
            db.commit()

        def plain_save(value: SessionData) -> None:
            atomic_write_bytes(plain, store.dump(value))

        floor_path = root / "floor" / "current.json"
        floor_path.parent.mkdir()

        def floor_save(value: SessionData) -> None:
            data = store.dump(value)
            temp = floor_path.with_name(".current.json.tmp")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, floor_path)
            folder = os.open(floor_path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

        values = [realistic_session(tick) for tick in range(args.n + 10)]
        runs: dict[str, list[float]] = {
            "ours": [],
            "ours, no .bak": [],
            "floor": [],
            "sqlite": [],
        }
        for tick, value in enumerate(values):
            # Rotate the order so none of them always follows the same neighbour.
            order = [
                ("ours", store.save_sync),
                ("ours, no .bak", plain_save),
                ("floor", floor_save),
                ("sqlite", sqlite_save),
            ]
            order = order[tick % 4 :] + order[: tick % 4]
            for name, save in order:
                elapsed = timed(functools.partial(save, value))
                if tick >= 10:  # the first saves warm caches and create files
                    runs[name].append(elapsed)
        db.close()
        size = store.path.stat().st_size

    folder = args.dir or tempfile.gettempdir()
    print(f"session save, n={args.n} each, document {size} bytes, folder {folder}")
    print(f"{'':16} {'median ms':>10} {'p90 ms':>10}")
    for name, samples in runs.items():
        median, p90 = summary(samples)
        print(f"{name:16} {median * 1000:10.3f} {p90 * 1000:10.3f}")
    ours, sqlite = summary(runs["ours"])[0], summary(runs["sqlite"])[0]
    no_bak, floor = summary(runs["ours, no .bak"])[0], summary(runs["floor"])[0]
    print(f"ratio ours/floor (median): {ours / floor:.2f}  (target <= 1.1)")
    print(f"ratio ours-without-.bak/floor (median): {no_bak / floor:.2f}")
    print(f"ratio ours/sqlite (median): {ours / sqlite:.2f}  (reference)")


if __name__ == "__main__":
    main()
