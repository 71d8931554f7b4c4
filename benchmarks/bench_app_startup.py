"""Startup and memory of the real app (``writers-tui PROJECT``) in tmux, against a bare app.

Rows, interleaved over ``--runs`` runs (plus one uncounted warm-up run for the OS file
cache), every launch in a 120×40 tmux pane (``_tmux.py``):

* the bare Textual app (one label, ``_ui_bench_app.py --widget bare``): the baseline;
* ``python -m writers_tui PROJECT`` — exactly what the ``writers-tui`` command runs — on
  the demo project (8 chapters), a generated 500-file, 1M-word project (25 chapter
  folders) and a project whose manuscript is the whole novel in one 704 KB file.

Each launch gets a **fresh copy** of a pristine project that was opened and closed
cleanly once (so no interrupted-session dialog, no lock, no state left by the previous
launch) and a **fresh temp HOME/XDG** (no real user config). See ``_projects.py``.

Two clocks per launch, both from the ``respawn-pane`` request to the arrival at the
terminal of the output that made the condition true (the screen is read after every
output chunk through the control client):

* **first frame**: the terminal shows anything at all (the app's first painted frame);
* **text shown**: a line of the open file's text is on screen ("the UI is live while it
  loads" asks that the first comes well before the second for a big file).

**Memory**: VmRSS 1.5 s after the text is shown (background word counts done) and the
peak VmHWM, from ``/proc/PID/status``.

Targets (issue 8): first frame ≤ 1.2× the bare app for the demo, ≤ 1.5× for the 1M-word
project, ≤ 2× for the 704 KB file; RSS with the 704 KB file ≤ 60 MB; with the 1M-word
project ≤ 2× the bare app's RSS plus the text itself (its UTF-8 size). Run from the
repository root::

    .venv/bin/python benchmarks/bench_app_startup.py [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._projects import (  # noqa: E402
    Project,
    app_cmd,
    big_project,
    book,
    demo_project,
    fresh_copy,
    single_file_project,
)
from benchmarks._tmux import (  # noqa: E402
    MACHINE,
    Terminal,
    bench_app_cmd,
    non_blank,
    require_tmux,
    rss_mb,
)

SETTLE = 1.5


@dataclass
class Row:
    label: str
    project: Project | None  # None: the bare app
    target: float | None = None
    first: list[float] = field(default_factory=list)
    shown: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)

    def command(self, scratch: Path) -> tuple[str, dict[str, Callable[[str], bool]]]:
        if self.project is None:
            ready = lambda screen: "bare app ready" in screen  # noqa: E731
            return bench_app_cmd("bare"), {"first": non_blank, "shown": ready}
        root = fresh_copy(self.project, scratch / "project")
        snippet = self.project.snippet
        checks = {"first": non_blank, "shown": lambda screen: snippet in screen}
        return app_cmd(root, scratch / "home"), checks


def build_rows(folder: Path) -> list[Row]:
    print("building the projects …", file=sys.stderr, flush=True)
    return [
        Row("bare Textual app (baseline)", None),
        Row("demo project", demo_project(folder), 1.2),
        Row("1M words, 500 files", big_project(folder), 1.5),
        Row("704 KB single file", single_file_project(folder, "700 KB", book(), middle=False), 2.0),
    ]


def measure(term: Terminal, row: Row, scratch: Path, timeout: float, counted: bool) -> None:
    command, checks = row.command(scratch)
    started = term.launch(command)
    found = term.wait_for_screens(checks, timeout=timeout)
    if counted:
        row.first.append(found["first"] - started)
        row.shown.append(found["shown"] - started)
        time.sleep(SETTLE)
        pid = term.pane_pid()
        row.rss.append(rss_mb(pid))
        row.peak.append(rss_mb(pid, "VmHWM"))
    term.stop_program()


def report(rows: list[Row], runs: int) -> None:
    base = rows[0]
    base_first = statistics.median(base.first)
    base_shown = statistics.median(base.shown)
    base_rss = statistics.median(base.rss)
    print(f"\nStartup, tmux 120×40, {runs} runs interleaved (+1 warm-up); {MACHINE}.")
    print("Baseline: the bare Textual app in the same run. Fresh project copy + temp HOME.\n")
    header = (
        f"{'program':<28} {'1st frame':>9} {'×bare':>6} {'target':>7} {'text shown':>10} "
        f"{'×bare':>6} {'RSS':>7} {'peak':>7} {'RSS target':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        first, shown = statistics.median(row.first), statistics.median(row.shown)
        rss, peak = statistics.median(row.rss), statistics.median(row.peak)
        target = f"≤{row.target:.1f}×" if row.target else ""
        rss_target = ""
        if row.project is not None and row.project.name == "700 KB":
            rss_target = "≤ 60.0M"
        elif row.project is not None and row.project.name.startswith("1M"):
            rss_target = f"≤{2 * base_rss + row.project.text_bytes / 1e6:6.1f}M"
        print(
            f"{row.label:<28} {first * 1000:7.0f}ms {first / base_first:6.2f} {target:>7} "
            f"{shown * 1000:8.0f}ms {shown / base_shown:6.2f} {rss:6.1f}M {peak:6.1f}M "
            f"{rss_target:>10}"
        )
    print(
        "\n(ms = median; ×bare = median / bare median; RSS 1.5 s after the text shows, "
        "peak = VmHWM; M = 10^6 bytes)"
    )
    for row in rows[1:]:
        assert row.project is not None
        print(
            f"  {row.label}: {row.project.text_bytes / 1e6:.2f} MB of manuscript text; "
            f"first-frame range {min(row.first) * 1000:.0f}–{max(row.first) * 1000:.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 counted run")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    require_tmux()
    runs = 1 if args.quick else args.runs
    with tempfile.TemporaryDirectory(
        prefix="bench-app-startup-", ignore_cleanup_errors=True
    ) as tmp:
        folder = Path(tmp)
        rows = build_rows(folder)
        with Terminal(120, 40) as term:
            for run in range(runs + 1):  # run 0 warms the OS file cache, not counted
                for index, row in enumerate(rows):
                    scratch = folder / f"launch-{run}-{index}"
                    scratch.mkdir()
                    measure(term, row, scratch, args.timeout, counted=run > 0)
                print(f"run {run}/{runs} done", file=sys.stderr, flush=True)
        report(rows, runs)


if __name__ == "__main__":
    main()
