"""Memory and JSON size of the analysis on dense flagging (issue 9 item 4).

    .venv/bin/python benchmarks/bench_analysis_memory.py [--megabytes 2]

A line of short sentences where nearly every sentence is flagged twice ("He was very
tired.": an intensifier and an echo) is the worst case for per-flag storage. Prints the
peak traced memory per MB of text (target ≤ 50 MB), against a baseline measured in the
same run: the same text held as a plain list of its words (the least any analysis must
keep), and the size of the ``--json`` output, whose flag list is summarised.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writers_tui.analysis import syllables  # noqa: E402
from writers_tui.analysis.export import MANUSCRIPT, ManuscriptOut  # noqa: E402
from writers_tui.analysis.manuscript import Analyzer, SourceFile, analyze_text  # noqa: E402
from writers_tui.wordcount import WORD_RE  # noqa: E402


def peak_mb(fn) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    syllables.warm_up()
    analyze_text("He was very tired.")
    text = "He was very tired. " * int(args.megabytes * 1e6 / 19)
    size = len(text) / 1e6
    ours = [peak_mb(lambda: analyze_text(text)) for _ in range(args.runs)]
    base = [peak_mb(lambda: WORD_RE.findall(text)) for _ in range(args.runs)]
    ours_mb = statistics.median(p for p, _ in ours)
    base_mb = statistics.median(p for p, _ in base)
    print(f"dense text: {size:.2f} MB on one line, {len(WORD_RE.findall(text)):,} words")
    print(
        f"analysis peak, median of {args.runs}: {ours_mb:.1f} MB = {ours_mb / size:.1f} MB per MB"
        f" (target ≤ 50), {statistics.median(t for _, t in ours):.2f} s"
    )
    print(f"baseline (a list of the words): {base_mb:.1f} MB; ratio {ours_mb / base_mb:.1f}×")
    m = Analyzer().analyze([SourceFile("dense.md", text)])
    out = ManuscriptOut.of(m, project=None, target_reading_ease=65.0)
    json_bytes = len(MANUSCRIPT.dump_json(out, by_alias=True))
    flags = len(m.files[0].analysis.flags)
    print(
        f"--json: {json_bytes / 1e6:.2f} MB for {flags:,} flags ({json_bytes / len(text):.2f} B/B)"
    )


if __name__ == "__main__":
    main()
