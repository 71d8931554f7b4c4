"""Big ledgers: ``costs --json`` with no costs.json, and ``doctor``, at 100k and 1M lines.

Run from the repo root:  .venv/bin/python benchmarks/bench_big_ledger.py [--lines 100000 1000000]

For each size, in the same run:

- the floor: parsing the same file with ``json.loads`` alone, line by line (in-process);
- ``writers-tui costs PROJECT --json --period all`` with no ``costs.json`` (it never writes,
  so every run streams the whole ledger);
- ``writers-tui doctor PROJECT`` without a ``costs.json`` (streams everything) and with one
  (checks from the summary's offset plus a 1 MiB sample).

Each command runs as its own process; time is wall time, memory is that child's peak RSS
from ``os.wait4`` (``ru_maxrss``: the whole interpreter, imports included). The time per
line is reported raw and after subtracting the same command on an empty project (start-up),
and as a ratio to ``json.loads`` (target <= 2x). Medians of ``--repeat`` runs; nothing is
asserted. Data generation writes formatted lines, no pydantic, so setup stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = (
    ("openai", "gpt-4o", "0.0853", "genai-prices 0.2.3"),
    ("anthropic", "claude-sonnet-4-5", "0.0612", "genai-prices 0.2.3"),
    ("ollama", "llama3.2", "0", "local"),
    ("google", "gemini-2.5-flash", "0.0041", "genai-prices 0.2.3"),
)
OPERATIONS = ("scene_generation", "enhance", "voice_test")
START = 1_718_000_000  # mid-2024, seconds
DAYS = 400


def write_ledger(path: Path, count: int) -> None:
    """``count`` valid records over ``DAYS`` days, UUIDv7-shaped increasing ids."""
    step = DAYS * 86_400 / count
    with open(path, "w") as out:
        for n in range(count):
            provider, model, cost, source = MODELS[n % 4]
            moment = time.gmtime(START + int(n * step))
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", moment)
            record_id = f"{0x01900000 + (n >> 16):08x}-{n & 0xFFFF:04x}-7000-8000-{n:012x}"
            out.write(
                f'{{"schema_version":1,"id":"{record_id}",'
                f'"timestamp":"{stamp}.000000Z","project":"novel",'
                f'"session_id":"session-{n // 200}","stage":"writing",'
                f'"operation":"{OPERATIONS[n % 3]}","provider":"{provider}","model":"{model}",'
                f'"model_resolved":null,"input_tokens":12450,"cached_tokens":0,'
                f'"output_tokens":3200,"usage_source":"provider","cost":{cost},'
                f'"cost_source":"{source}","estimated_cost":null,"status":"ok",'
                f'"duration_ms":1200}}\n'
            )


def project(base: Path, name: str) -> Path:
    root = base / name
    (root / "manuscript").mkdir(parents=True)
    (root / ".session").mkdir()
    return root


def json_loads_seconds(path: Path) -> float:
    start = time.perf_counter()
    with open(path, "rb") as handle:
        for line in handle:
            json.loads(line)
    return time.perf_counter() - start


def run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one ``writers-tui`` process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "writers_tui", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"writers-tui {' '.join(args)} exited {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def medians(args: list[str], repeat: int) -> tuple[float, float]:
    runs = [run(args) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as folder:
        base = Path(folder)
        empty = project(base, "empty")
        startup = {
            "costs": medians(["costs", str(empty), "--json", "--period", "all"], args.repeat),
            "doctor": medians(["doctor", str(empty)], args.repeat),
        }
        for name, (seconds, rss) in startup.items():
            print(f"start-up, empty project: {name:<6} {seconds * 1000:7.0f} ms  {rss:6.0f} MB")
        for count in args.lines:
            root = project(base, f"n{count}")
            ledger = root / ".session" / "costs.jsonl"
            began = time.perf_counter()
            write_ledger(ledger, count)
            setup = time.perf_counter() - began
            floor = statistics.median(json_loads_seconds(ledger) for _ in range(args.repeat))
            size = ledger.stat().st_size / 1e6
            print(f"\n{count:,} lines ({size:,.0f} MB, written in {setup:.1f} s)")
            print(f"  json.loads alone        {floor:7.2f} s  {floor / count * 1e6:6.2f} us/line")
            report = ["costs", str(root), "--json", "--period", "all"]
            rows = [
                ("costs --json, no summary", "costs", report),
                ("doctor, no summary", "doctor", ["doctor", str(root)]),
            ]
            for label, kind, command in rows:
                seconds, rss = medians(command, args.repeat)
                net = seconds - startup[kind][0]
                print(
                    f"  {label:<24}{seconds:7.2f} s  {net / count * 1e6:6.2f} us/line net "
                    f"= {net / floor:4.2f}x json.loads  peak RSS {rss:6.0f} MB"
                )
            subprocess.run(
                [sys.executable, "-c", f"from writers_tui.storage.costs import CostTracker; "
                 f"CostTracker({str(root)!r})"], check=True,
            )  # fmt: skip
            seconds, rss = medians(["doctor", str(root)], args.repeat)
            print(f"  doctor, with costs.json {seconds:7.2f} s  (bounded)           "
                  f"      peak RSS {rss:6.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
