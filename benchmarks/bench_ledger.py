"""Cost ledger benchmarks: append latency, O(days) totals, and the seed's approach.

Run from the repo root:  .venv/bin/python benchmarks/bench_ledger.py [--ops 100000]

1. Ledger append latency (flock + write + fsync per record) and a full
   ``CostTracker.record`` (append + bring costs.json up to date).
2. Totals for the month with 100k recorded operations (target: < 1 ms), plus the cost of
   opening a tracker on that project and of rebuilding the summary from the ledger.
3. The seed's approach — append to an ``operations`` list and rewrite the whole growing
   costs.json per operation — measured at 10k stored operations, against ``record`` on a
   ledger of 10k operations, in the same run. The seed did not fsync; we print it both as
   written and made durable (our atomic write), so the ratio is not flattered.

Numbers are medians; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from writers_tui.ai.pricing import price
from writers_tui.atomic import atomic_write_bytes
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.ledger import Ledger
from writers_tui.storage.models import LedgerRecord

MODELS = (
    "openai/gpt-4o",
    "anthropic/claude-sonnet-4-5",
    "ollama/llama3.2",
    "google/gemini-2.5-flash",
)
NOW = datetime(2025, 6, 15, 12, tzinfo=UTC)


def median_ms(samples_ns: list[int]) -> float:
    return statistics.median(samples_ns) / 1e6


def timed(action: Callable[[], object], repeat: int) -> list[int]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - start)
    return samples


def project(base: Path, name: str) -> Path:
    root = base / name
    (root / "manuscript").mkdir(parents=True)
    (root / ".session").mkdir()
    return root


def synthetic_ledger(root: Path, count: int, days: int) -> None:
    """``count`` records spread over ``days`` days, written in one go (setup, not measured)."""
    step = timedelta(days=days) / count
    start = NOW - timedelta(days=days)
    lines = []
    for n in range(count):
        provider, model = MODELS[n % len(MODELS)].split("/")
        record = LedgerRecord(
            timestamp=start + step * n,
            session_id=f"session-{n // 200}",
            operation=("scene_generation", "enhance", "voice_test")[n % 3],
            provider=provider,
            model=model,
            input_tokens=12450,
            output_tokens=3200,
            cost=Decimal("0.0853") if provider != "ollama" else Decimal(0),
            cost_source="genai-prices 0.2.3" if provider != "ollama" else "local",
        )
        lines.append(record.model_dump_json())
    (root / ".session" / "costs.jsonl").write_text("\n".join(lines) + "\n")


def bench_append(base: Path, repeat: int) -> None:
    root = project(base, "append")
    ledger = Ledger(root / ".session" / "costs.jsonl")
    record = LedgerRecord(
        provider="openai", model="gpt-4o", input_tokens=1000, output_tokens=500,
        cost=Decimal("0.0075"), cost_source="genai-prices 0.2.3",
    )  # fmt: skip
    append = timed(lambda: ledger.append(record), repeat)
    tracker = CostTracker(root, "bench", clock=lambda: NOW, tz=UTC, price=price)
    full = timed(lambda: tracker.log_operation("scene", "openai/gpt-4o", 1000, 500), repeat)
    print(f"ledger append (flock+write+fsync)   median {median_ms(append):8.3f} ms  (n={repeat})")
    print(f"CostTracker.log_operation (+summary) median {median_ms(full):8.3f} ms  (n={repeat})")


def bench_totals(base: Path, ops: int) -> None:
    root = project(base, "totals")
    synthetic_ledger(root, ops, days=400)
    start = time.perf_counter_ns()
    tracker = CostTracker(root, "session-3", clock=lambda: NOW, tz=UTC)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    size_kb = (root / ".session" / "costs.json").stat().st_size / 1024
    month = timed(lambda: tracker.totals("month"), 1000)
    week = timed(lambda: tracker.totals("week"), 1000)
    everything = timed(lambda: tracker.totals("all"), 200)
    reopen = timed(lambda: CostTracker(root, "session-3", clock=lambda: NOW, tz=UTC), 20)
    rebuild = timed(tracker.rebuild, 3)
    print(f"{ops:,} operations over 400 days; costs.json {size_kb:,.0f} KiB")
    print(
        f"  totals('month')                    median {median_ms(month):8.3f} ms  (target < 1 ms)"
    )
    print(f"  totals('week')                     median {median_ms(week):8.3f} ms")
    print(f"  totals('all') (400 days)           median {median_ms(everything):8.3f} ms")
    print(f"  open tracker (load costs.json)     median {median_ms(reopen):8.3f} ms")
    print(f"  first build from the ledger               {build_ms:8.1f} ms")
    print(f"  rebuild() from the ledger          median {median_ms(rebuild):8.1f} ms")


def seed_operation(n: int) -> dict[str, object]:
    return {
        "timestamp": (NOW + timedelta(seconds=n)).isoformat().replace("+00:00", "Z"),
        "operation": "scene_generation",
        "model": "claude-sonnet-3.5",
        "input_tokens": 12450,
        "output_tokens": 3200,
        "cost": 0.15,
    }


def bench_versus_seed(base: Path, stored: int, repeat: int) -> None:
    seed_dir = base / "seed"
    seed_dir.mkdir()
    seed_path = seed_dir / "costs.json"
    data: dict[str, object] = {"session_total": 0.0, "operations": []}
    operations: list[dict[str, object]] = data["operations"]  # type: ignore[assignment]
    operations.extend(seed_operation(n) for n in range(stored))

    def seed_as_written() -> None:  # the seed's ThreadSafeJSONStore.save: temp + rename
        operations.append(seed_operation(len(operations)))
        temp = seed_path.with_suffix(".tmp")
        temp.write_text(json.dumps(data, indent=2))
        temp.replace(seed_path)

    def seed_durable() -> None:
        operations.append(seed_operation(len(operations)))
        atomic_write_bytes(seed_path, json.dumps(data, indent=2).encode())

    loose = timed(seed_as_written, repeat)
    del operations[stored:]
    durable = timed(seed_durable, repeat)
    seed_kb = seed_path.stat().st_size / 1024

    root = project(base, "ours")
    synthetic_ledger(root, stored, days=60)
    tracker = CostTracker(root, "bench", clock=lambda: NOW, tz=UTC, price=price)
    ours = timed(lambda: tracker.log_operation("scene", "openai/gpt-4o", 12450, 3200), repeat)
    ours_ms = median_ms(ours)
    print(f"per operation with {stored:,} operations stored (n={repeat}):")
    print(f"  seed: rewrite growing costs.json ({seed_kb:,.0f} KiB), no fsync "
          f"median {median_ms(loose):8.3f} ms")  # fmt: skip
    print(f"  seed: same, made durable (fsync)       median {median_ms(durable):8.3f} ms")
    print(f"  ours: ledger append + summary catch-up median {ours_ms:8.3f} ms")
    print(f"  ratio seed/ours: {median_ms(loose) / ours_ms:.1f}x (seed as written), "
          f"{median_ms(durable) / ours_ms:.1f}x (seed made durable)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000, help="operations for the totals")
    parser.add_argument("--seed-ops", type=int, default=10_000, help="stored ops vs the seed")
    parser.add_argument("--repeat", type=int, default=200, help="samples per latency")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as folder:
        base = Path(folder)
        bench_append(base, args.repeat)
        bench_totals(base, args.ops)
        bench_versus_seed(base, args.seed_ops, args.repeat)


if __name__ == "__main__":
    main()
