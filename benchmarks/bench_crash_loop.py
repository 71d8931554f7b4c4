"""The kill -9 loop of ``tests/storage/test_crash_consistency.py``, thousands of times.

Every kill is followed by the full check (document is the last reported or the next
version byte for byte, ``.bak`` good, every reported append present exactly once, stale
temps cleaned). Any violation stops the run with an AssertionError.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_crash_loop.py [--kills 2000] [--store-kills 200]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import tempfile
from pathlib import Path

WORKER = Path(__file__).resolve().parents[1] / "tests" / "storage" / "crash_worker.py"


def _load_worker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("crash_worker", WORKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_worker"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=2000, help="atomic write + append kills")
    parser.add_argument("--store-kills", type=int, default=200, help="JsonStore.save_sync kills")
    parser.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(4), "big"))
    args = parser.parse_args()
    crash_worker = _load_worker()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    with tempfile.TemporaryDirectory() as tmp:
        for mode, kills in (("atomic", args.kills), ("store", args.store_kills)):
            stats = crash_worker.run_kill_loop(Path(tmp) / mode, mode, kills, rng)
            print(
                f"{mode:6}: {stats.kills} kills in {stats.seconds:.1f} s, all checks passed; "
                f"saves reported {stats.saves_reported}, appends reported "
                f"{stats.appends_reported}; torn records healed {stats.torn_fragments}; "
                "killed after writing but before reporting: "
                f"{stats.unreported_save_on_disk} saves, {stats.unreported_append_on_disk} "
                f"appends; stale temp files removed {stats.stale_temps_removed}"
            )


if __name__ == "__main__":
    main()
