"""Memory and JSON size of the analysis on dense flagging (issue 9 item 4).

    .venv/bin/python benchmarks/bench_analysis_memory.py [--megabytes 2]

Two worst cases, each one line: short sentences nearly all flagged twice ("He was very
tired.": an intensifier and an echo) for per-flag storage, and the shortest sentences
there are ("I ran.", 7 bytes each) for per-sentence storage. Prints the peak traced memory
per MB of text (target ≤ 50 MB), against a baseline measured in the same run: the same
text held as a plain list of its words (the least any analysis must keep), and the size
of the ``--json`` output, whose flag list is summarised and whose flags quote at most
120 characters (also shown for one 1 MB "word").
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


def measure(sentence: str, megabytes: float, runs: int) -> None:
    text = sentence * int(megabytes * 1e6 / len(sentence))
    size = len(text) / 1e6
    ours = [peak_mb(lambda: analyze_text(text)) for _ in range(runs)]
    base = [peak_mb(lambda: WORD_RE.findall(text)) for _ in range(runs)]
    ours_mb = statistics.median(p for p, _ in ours)
    base_mb = statistics.median(p for p, _ in base)
    print(f"{sentence.strip()!r}: {size:.2f} MB on one line, {len(WORD_RE.findall(text)):,} words")
    print(
        f"  analysis peak, median of {runs}: {ours_mb:.1f} MB = {ours_mb / size:.1f} MB per MB"
        f" (target ≤ 50), {statistics.median(t for _, t in ours):.2f} s (traced)"
    )
    print(f"  baseline (a list of the words): {base_mb:.1f} MB; ratio {ours_mb / base_mb:.1f}×")
    print(f"  --json: {json_size(text) / 1e6:.2f} MB")


def json_size(text: str) -> int:
    m = Analyzer().analyze([SourceFile("dense.md", text)])
    out = ManuscriptOut.of(m, project=None, target_reading_ease=65.0)
    return len(MANUSCRIPT.dump_json(out, by_alias=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    syllables.warm_up()
    analyze_text("He was very tired.")
    for sentence in ("He was very tired. ", "I ran. "):
        measure(sentence, args.megabytes, args.runs)
    word = "a" * 1_000_000
    print(f"one 1 MB word: --json {json_size(word) / 1e6:.3f} MB")


if __name__ == "__main__":
    main()
