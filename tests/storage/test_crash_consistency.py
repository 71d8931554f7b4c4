"""kill -9 at random points never loses a reported save or append (issue 2).

The worker (``crash_worker.py``) reports each save and append only after the call returned;
the parent SIGKILLs it at random moments and, after every kill, checks every file on disk
(see :func:`crash_worker.run_kill_loop`). ~200 kills in all here; ``benchmarks/
bench_crash_loop.py`` runs thousands.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from writers_tui.atomic import remove_stale_temps

HERE = Path(__file__).resolve().parent


def _load_worker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crash_worker", HERE / "crash_worker.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_worker"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


crash_worker = _load_worker()


def _seeded() -> tuple[random.Random, int]:
    seed = int.from_bytes(os.urandom(4), "big")
    return random.Random(seed), seed


def test_atomic_write_and_append_survive_160_kills(tmp_path: Path) -> None:
    rng, seed = _seeded()
    stats = crash_worker.run_kill_loop(tmp_path / "project", "atomic", 160, rng)
    assert stats.kills == 160, seed
    # The loop did real work between kills, and every check after each kill passed.
    assert stats.saves_reported > 160, (seed, stats)
    assert stats.appends_reported > 100, (seed, stats)


def test_json_store_save_sync_survives_40_kills(tmp_path: Path) -> None:
    rng, seed = _seeded()
    stats = crash_worker.run_kill_loop(tmp_path / "project", "store", 40, rng)
    assert stats.kills == 40, seed
    assert stats.saves_reported > 40, (seed, stats)


_STUCK_WRITER = """
import os, sys
from pathlib import Path
from writers_tui import atomic

def stuck(*args, **kwargs):
    print("temp written", flush=True)
    sys.stdin.read()  # wait here until killed

os.replace = stuck
atomic.atomic_write_bytes(Path(sys.argv[1]), b'{"new": true}', keep_backup=True)
"""


def _kill_mid_save(target: Path) -> None:
    """A real writer process killed between its fsync'd temp file and the rename."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _STUCK_WRITER, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(HERE.parents[1])},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"temp written\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdin.close()  # type: ignore[union-attr]
    proc.stdout.close()


def test_remove_stale_temps_cleans_a_dead_writers_leftovers_only(tmp_path: Path) -> None:
    target = tmp_path / "current.json"
    target.write_bytes(b'{"old": true}')
    _kill_mid_save(target)

    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".current"))
    # The killed save left its temp file and its staged backup link; the old file is intact.
    assert any(name.endswith(".tmp") for name in leftovers), leftovers
    assert any(name.endswith(".bak-tmp") for name in leftovers), leftovers
    assert target.read_bytes() == b'{"old": true}'

    live = tmp_path / f".current.json.p{os.getpid()}-{'a' * 32}.tmp"  # a live writer's temp
    live.write_bytes(b"in progress")
    lookalike = tmp_path / ".notes.md.swp"
    lookalike.write_bytes(b"editor swap file")

    removed = remove_stale_temps(tmp_path)

    assert sorted(p.name for p in removed) == leftovers
    assert live.exists() and lookalike.exists() and target.exists()
    assert target.read_bytes() == b'{"old": true}'
    assert remove_stale_temps(tmp_path) == []


def test_remove_stale_temps_of_a_missing_folder_is_a_no_op(tmp_path: Path) -> None:
    assert remove_stale_temps(tmp_path / "absent") == []
