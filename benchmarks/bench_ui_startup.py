"""Startup to first painted frame, in a real terminal (tmux), against a bare Textual app.

Each row is a shell command and a piece of text its first useful frame shows. The
command replaces the program of a 120×40 tmux pane (``respawn-pane``; the clock starts
when that request is written); after every chunk of output the pane reaches, the
benchmark reads the screen (``capture-pane`` through the same tmux control client, see
``_tmux.py``) and stops the clock at the arrival of the output that made the text
appear. So the figure is process start → Python and Textual imports → the file read →
the first frame *on the terminal*. Rows run interleaved over ``--runs`` runs (2-core
machine, shared with other work: medians, not means); the bare app (one label) is the
baseline measured in the same run.

Rows built in: the bare app; a stock TextArea and the ProseEditor holding Pride and
Prejudice (704 KB in one file, as writers do). Add the full app with ``--app-cmd``
(repeatable; ``LABEL=TEXT=COMMAND``) or in :func:`extra_rows`, e.g.::

    --app-cmd 'demo project=Binder=writers-tui /tmp/demo'
    --app-cmd '1M words=Binder=writers-tui /tmp/big-project'

Targets (issue 8): the 700 KB manuscript ≤ 2× the bare app; the demo project ≤ 1.2×;
a 500-file, 1M-word project ≤ 1.5×. Run from the repository root:

    .venv/bin/python benchmarks/bench_ui_startup.py [--runs 7] [--app-cmd ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._tmux import FIXTURE, Terminal, bench_app_cmd, require_tmux, rss_mb  # noqa: E402


@dataclass
class Row:
    label: str
    ready_text: str
    command: str
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)


def first_visible_text() -> str:
    """Text on the first frame of an editor opened on the novel (its top line)."""
    line = next(line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip())
    return line.strip()[:20]


def builtin_rows() -> list[Row]:
    text = first_visible_text()
    return [
        Row("bare Textual app (baseline)", "bare app ready", bench_app_cmd("bare")),
        Row("TextArea, 700 KB file", text, _editor_at_top("textarea")),
        Row("ProseEditor, 700 KB file", text, _editor_at_top("prose")),
    ]


def _editor_at_top(widget: str) -> str:
    # The bench app puts the cursor mid-document; for startup the top of the file shows,
    # as when a writer opens a manuscript (the text searched for is its first line).
    return bench_app_cmd(widget, FIXTURE) + " --top"


def extra_rows(specs: list[str]) -> list[Row]:
    """Rows for other programs, e.g. the full writers-tui app on a project.

    Each spec is ``LABEL=READY_TEXT=SHELL COMMAND``: the clock stops when READY_TEXT is
    on the screen. This is the place to add fixed rows for the full app once it exists
    (the demo project, a generated 500-file, 1M-word project).
    """
    rows = []
    for spec in specs:
        try:
            label, ready, command = spec.split("=", 2)
        except ValueError:
            sys.exit(f"--app-cmd {spec!r}: expected LABEL=READY_TEXT=COMMAND")
        rows.append(Row(label, ready, command))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--app-cmd",
        action="append",
        default=[],
        metavar="LABEL=READY_TEXT=COMMAND",
        help="another program to time (repeatable)",
    )
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    require_tmux()
    rows = builtin_rows() + extra_rows(args.app_cmd)
    with Terminal(120, 40) as term:
        for run in range(args.runs + 1):  # run 0 warms the OS file cache, not counted
            for row in rows:
                started = term.launch(row.command)
                ready = term.wait_for_text(row.ready_text, timeout=args.timeout)
                if run:
                    row.times.append(ready - started)
                    term.wait_quiet(0.2)
                    row.rss.append(rss_mb(term.pane_pid()))
                term.launch("sleep 1000000")
                term.wait_quiet(0.1)
            print(f"run {run}/{args.runs} done", file=sys.stderr, flush=True)
    baseline = statistics.median(rows[0].times)
    print(f"\nStartup to first painted frame, tmux 120×40, {args.runs} runs interleaved,")
    print("2-core shared machine. Baseline: the bare Textual app, same run.\n")
    header = f"{'program':<34} {'median':>9} {'min':>9} {'max':>9} {'ratio':>6} {'RSS':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        median = statistics.median(row.times)
        print(
            f"{row.label:<34} {median * 1000:7.0f}ms {min(row.times) * 1000:7.0f}ms "
            f"{max(row.times) * 1000:7.0f}ms {median / baseline:6.2f} "
            f"{statistics.median(row.rss):6.1f}MB"
        )
    print("\nTarget: 700 KB file ≤ 2× the bare app (ratio column).")


if __name__ == "__main__":
    main()
