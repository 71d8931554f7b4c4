"""Key-to-frame latency in the real app's editor, in tmux, against a bare 7 KB TextArea.

Rows, interleaved over ``--rounds`` rounds, each a fresh process in a 120×40 tmux pane:

* **baseline**: a stock Textual ``TextArea`` holding the 7 KB scene (``_ui_bench_app.py
  --widget textarea``: soft wrap, cursor mid-document, no blink);
* **the real app** (``writers-tui PROJECT`` through ``_app_bench.py``, which only adds the
  in-app instrument) on a project whose one manuscript file is the 7 KB scene, a
  10,000-word scene, or the whole 704 KB novel. The project was closed cleanly with the
  cursor on the middle line (the writer is mid-manuscript), so the app reopens there —
  its own cursor restore, no benchmark code in the app. Fresh copy + temp HOME per
  launch (``_projects.py``); auto-save, the file watcher, live word counts and the
  ticking status bar all run as they do for a writer.

Keys are letters and spaces of prose, one ``send-keys -l`` per key every ``--interval``
seconds (60 ms ≈ 200 wpm, so frames do not merge), written by tmux into the app's pty as
a terminal sends them; the first ``--warmup`` keys are dropped.

* **end to end**: from writing ``send-keys`` to the last ``%output`` chunk of the burst
  that follows (tmux + pty both ways included). In the real app a burst can also hold an
  unrelated frame that happened to be due (the status bar's "Auto-saved Ns ago" tick,
  a word-count update), which is what the writer's terminal sees; the p95 carries it.
* **in-app**: from ``TextArea.edit`` to the next frame handed to Textual's driver
  (``WRITERS_BENCH_EDIT_LOG``, see ``_instrument.py``): the app's own share.

Targets (issue 8, no highlighting): median ≤ 1.2× the baseline and p95 ≤ 16 ms at every
size. Run from the repository root::

    .venv/bin/python benchmarks/bench_app_keys.py [--keys 100] [--rounds 2] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._instrument import ENV_EDIT_LOG, read_edit_log  # noqa: E402
from benchmarks._projects import (  # noqa: E402
    Project,
    app_cmd,
    documents,
    fresh_copy,
    middle_snippet,
    single_file_project,
)
from benchmarks._tmux import (  # noqa: E402
    MACHINE,
    Terminal,
    bench_app_cmd,
    percentile,
    require_tmux,
    type_keys,
)

TYPED = (
    "it was a truth universally acknowledged that a writer in possession of a good "
    "sentence must be in want of a faster editor "
)


@dataclass
class Row:
    label: str
    project: Project | None = None  # None: the bare TextArea on ``file``
    file: Path | None = None
    snippet: str = ""
    e2e: list[float] = field(default_factory=list)
    in_app: list[float] = field(default_factory=list)
    missed: int = 0


def build_rows(folder: Path) -> list[Row]:
    docs = documents()
    scene = folder / "7KB.md"
    scene.write_text(docs["7 KB"], encoding="utf-8")
    rows = [
        Row("bare TextArea, 7 KB (baseline)", file=scene, snippet=middle_snippet(docs["7 KB"])[1])
    ]
    for name, text in docs.items():
        project = single_file_project(folder, name, text, middle=True)
        rows.append(Row(f"writers-tui, {name}", project, snippet=project.snippet))
    return rows


def run_once(
    term: Terminal, row: Row, scratch: Path, *, keys: int, warmup: int, interval: float
) -> None:
    log = scratch / "edits.log"
    if row.project is None:
        command = bench_app_cmd("textarea", row.file, log)
    else:
        root = fresh_copy(row.project, scratch / "project")
        command = app_cmd(root, scratch / "home", {ENV_EDIT_LOG: str(log)})
    term.launch(command)
    term.wait_for_text(row.snippet, timeout=60)
    term.wait_quiet(0.3)
    for index, (sent, burst) in enumerate(type_keys(term, TYPED, keys + warmup, interval)):
        if burst is None:
            row.missed += 1
        elif index >= warmup:
            row.e2e.append(burst[1] - sent)
    term.stop_program()
    edits = read_edit_log(log)
    row.in_app.extend(frame - edit for _, edit, frame in edits[warmup:])


def report(rows: list[Row], args: argparse.Namespace, rounds: int, keys: int) -> None:
    base = statistics.median(rows[0].e2e)
    base_in = statistics.median(rows[0].in_app)
    print(
        f"\nKey-to-frame, tmux 120×40, {rounds} rounds × {keys} keys every "
        f"{args.interval * 1000:.0f} ms, interleaved; {MACHINE}."
    )
    print(f"Baseline: {rows[0].label}, e2e median {base * 1000:.2f} ms (same run).\n")
    header = (
        f"{'editor / document':<32} {'e2e med':>8} {'×base':>6} {'e2e p95':>8} {'e2e max':>8} "
        f"{'in-app med':>10} {'×base':>6} {'in-app p95':>10} {'in-app max':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        e2e, ins = row.e2e, row.in_app
        print(
            f"{row.label:<32} {statistics.median(e2e) * 1000:7.2f}m "
            f"{statistics.median(e2e) / base:6.2f} {percentile(e2e, 0.95) * 1000:7.2f}m "
            f"{max(e2e) * 1000:7.1f}m {statistics.median(ins) * 1000:9.2f}m "
            f"{statistics.median(ins) / base_in:6.2f} {percentile(ins, 0.95) * 1000:9.2f}m "
            f"{max(ins) * 1000:9.1f}m"
            + (f"  ({row.missed} keys without a frame)" if row.missed else "")
        )
    print("\n(m = ms; e2e = send-keys → last output chunk at the terminal; in-app = edit → frame")
    print(" to the driver.) Targets: median ≤ 1.2× the baseline, p95 ≤ 16 ms (no highlighting).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=100, help="measured keys per run")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.06, help="seconds between keys")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 30 keys")
    args = parser.parse_args()
    require_tmux()
    rounds, keys = (1, 30) if args.quick else (args.rounds, args.keys)
    with tempfile.TemporaryDirectory(prefix="bench-app-keys-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        print("building the projects …", file=sys.stderr, flush=True)
        rows = build_rows(folder)
        with Terminal(120, 40) as term:
            for round_index in range(rounds):
                for index, row in enumerate(rows):
                    print(f"round {round_index + 1}: {row.label} …", file=sys.stderr, flush=True)
                    scratch = folder / f"run-{round_index}-{index}"
                    scratch.mkdir()
                    run_once(
                        term, row, scratch, keys=keys, warmup=args.warmup, interval=args.interval
                    )
        report(rows, args, rounds, keys)


if __name__ == "__main__":
    main()
