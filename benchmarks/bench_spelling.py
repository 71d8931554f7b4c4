"""Benchmark the spell check on Pride and Prejudice (≈122k words, 61 chapters).

    .venv/bin/python benchmarks/bench_spelling.py [--runs 7]

Prints medians, all measured in this run:

* the dictionary load (once per process), and the first check of the novel after it;
* spell check per 100k words: *cold* (dictionary loaded, every per-word memo empty: each
  distinct word looked up) and *warm* (memos kept, as in a long session);
* the full analysis without spelling, with spelling (memos cleared before each run, as
  ``bench_analysis.py`` clears its own) and with warm spelling memos, and their ratio;
* incremental re-analysis with spelling after editing one chapter — target ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_analysis import clear_memos, load_chapters, measure  # noqa: E402

from writers_tui.analysis import spelling as spelling_module  # noqa: E402
from writers_tui.analysis import syllables as syllables_module  # noqa: E402
from writers_tui.analysis.manuscript import AnalysisConfig, Analyzer, SourceFile  # noqa: E402
from writers_tui.analysis.spelling import SpellingConfig, speller_for  # noqa: E402
from writers_tui.analysis.text import parse_document  # noqa: E402


def clear_spelling_memos() -> None:
    """Forget every per-word spelling result (the loaded dictionary stays)."""
    for dictionary in spelling_module._DICTIONARIES.values():
        dictionary._known.clear()
    spelling_module._SPELLERS.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    chapters = load_chapters()
    syllables_module.warm_up()
    config = SpellingConfig()
    # what the spell check reads: each chapter parsed once, outside the timings
    docs = []
    words = 0
    for chapter in chapters:
        doc = parse_document(chapter.text)
        vocabulary = dict.fromkeys(t for s in doc.sentences for t in s.tokens)
        docs.append((doc, list(vocabulary)))
        words += doc.words
    per_100k = 100_000 / words

    started = time.perf_counter()
    speller = speller_for(config)
    speller.is_correct("warm")
    load = time.perf_counter() - started
    print(f"one-off: dictionary load ({speller.dictionary})       {load:7.3f} s")

    def check_all() -> int:
        speller = speller_for(config)
        return sum(
            len(spelling_module.find_misspellings(doc, vocabulary, speller))
            for doc, vocabulary in docs
        )

    started = time.perf_counter()
    flags = check_all()
    print(
        f"one-off: first check after the load        {time.perf_counter() - started:7.3f} s  "
        f"({words:,} words, {flags:,} spelling flags)"
    )
    cold, _, _ = measure(check_all, runs, before=clear_spelling_memos)
    warm, _, _ = measure(check_all, runs)
    print(
        f"spell check per 100k words: cold {cold * per_100k * 1000:6.1f} ms "
        f"(+ {load * 1000:.0f} ms dictionary load once per process), "
        f"warm {warm * per_100k * 1000:6.1f} ms"
    )

    plain = AnalysisConfig()
    spelled = AnalysisConfig(spelling=config)

    def clear_all() -> None:
        clear_memos()
        clear_spelling_memos()

    without, _, _ = measure(lambda: Analyzer(plain).analyze(chapters), runs, before=clear_all)
    with_cold, _, _ = measure(lambda: Analyzer(spelled).analyze(chapters), runs, before=clear_all)
    with_warm, _, _ = measure(lambda: Analyzer(spelled).analyze(chapters), runs, before=clear_memos)
    per_125k = 125_000 / words
    print(f"full analysis, median of {runs} (per 125k words; target ≤ 300 ms):")
    print(
        f"  without spelling              {without * 1000:7.1f} ms  "
        f"({without * per_125k * 1000:.1f})"
    )
    print(
        f"  with spelling, memos cleared  {with_cold * 1000:7.1f} ms  "
        f"({with_cold * per_125k * 1000:.1f}; ×{with_cold / without:.2f})"
    )
    print(
        f"  with spelling, memos warm     {with_warm * 1000:7.1f} ms  "
        f"({with_warm * per_125k * 1000:.1f}; ×{with_warm / without:.2f})"
    )

    analyzer = Analyzer(spelled)
    analyzer.analyze(chapters)
    edits = iter(range(10_000))

    def edit_one_chapter() -> None:
        n = next(edits)
        changed = list(chapters)
        old = changed[10]
        changed[10] = SourceFile(old.path, old.text + f"\nShe wrote it agian, {n} times.\n")
        analyzer.analyze(changed)

    incremental, _, _ = measure(edit_one_chapter, runs)
    print(f"incremental with spelling (one chapter edited): {incremental * 1000:.1f} ms")


if __name__ == "__main__":
    main()
