"""Manuscript combine, incremental re-analysis, caches, and the real novel."""

from __future__ import annotations

import json
import re

import pytest

from writers_tui.analysis import manuscript as manuscript_module
from writers_tui.analysis.manuscript import (
    AnalysisConfig,
    Analyzer,
    SourceFile,
    analyze_text,
    text_sha256,
)
from writers_tui.analysis.models import FILE_ANALYSIS
from writers_tui.analysis.runner import DiskCache
from writers_tui.analysis.scoring import ScoringConfig
from writers_tui.wordcount import count_words


def test_combined_totals_equal_the_sum_of_files(exported) -> None:
    files = [
        SourceFile("a.md", "The cat sat. It was fat.", "one"),
        SourceFile("b.md", '"Hello there," she said. He ran quickly home.', "one"),
    ]
    m = Analyzer().analyze(files)
    assert [f.analysis.words for f in m.files] == [6, 8]
    assert m.words == 14
    assert m.readability.sentences == 4
    assert m.dialogue_words == 2
    assert m.flag_counts == {"adverb": 1}
    assert [f.path for f in m.files] == ["a.md", "b.md"]
    data = exported(m)
    assert data["totals"]["words"] == 14
    assert data["totals"]["dialogue_share"] == round(2 / 14, 4)
    assert data["files"][1]["flags"][0]["text"] == "quickly"
    json.dumps(data)  # serialisable as is


def test_incremental_reanalysis_only_measures_changed_files(monkeypatch) -> None:
    calls: list[str] = []
    real = manuscript_module.analyze_text

    def counting(text: str, config=None):
        calls.append(text)
        return real(text, config)

    monkeypatch.setattr(manuscript_module, "analyze_text", counting)
    files = [SourceFile(f"{i}.md", f"Scene {i} cold grey light fell.") for i in range(5)]
    analyzer = Analyzer()
    first = analyzer.analyze(files)
    assert len(calls) == 5 and first.reused == 0
    calls.clear()
    files[2] = SourceFile("2.md", "Scene two changed: cold grey light fell again.")
    second = analyzer.analyze(files)
    assert calls == ["Scene two changed: cold grey light fell again."]
    assert second.reused == 4
    # the running phrase totals follow the edit exactly
    assert [(p.phrase, p.count, p.files) for p in second.phrases][:1] == [
        ("cold grey light fell", 5, 5)
    ]
    files.pop()
    third = analyzer.analyze(files)
    assert calls == ["Scene two changed: cold grey light fell again."]
    assert [(p.phrase, p.count) for p in third.phrases][:1] == [("cold grey light fell", 4)]


def test_changing_the_reading_target_does_not_invalidate_file_results() -> None:
    text = "The cat sat on the mat. It was fat."
    a = Analyzer(AnalysisConfig(scoring=ScoringConfig(target_reading_ease=65)))
    b = Analyzer(AnalysisConfig(scoring=ScoringConfig(target_reading_ease=110)))
    assert a.key_for(text) == b.key_for(text)
    assert a.key_for(text)[0] == text_sha256(text)


def test_disk_cache_round_trip_and_corruption(tmp_path, sample: str, exported) -> None:
    cache = DiskCache(tmp_path / "cache")
    first = Analyzer(store=cache).analyze([SourceFile("s.md", sample)])
    assert first.reused == 0
    (cached_file,) = (tmp_path / "cache").iterdir()
    second = Analyzer(store=cache).analyze([SourceFile("s.md", sample)])
    assert second.reused == 1
    assert exported(second)["files"] == exported(first)["files"]
    for garbage in ("{not json", "[]", '{"schema_version": 1}', ""):
        cached_file.write_text(garbage, encoding="utf-8")
        again = Analyzer(store=cache).analyze([SourceFile("s.md", sample)])
        assert again.reused == 0
        assert exported(again)["files"] == exported(first)["files"]
    # the damaged file was rewritten with a good one
    assert Analyzer(store=cache).analyze([SourceFile("s.md", sample)]).reused == 1


def test_editing_a_style_list_changes_the_cache_key(sample: str) -> None:
    base = AnalysisConfig()
    edited = AnalysisConfig(lists=base.lists.extended("intensifiers", "cold\n"))
    assert base.fingerprint != edited.fingerprint
    assert Analyzer(base).key_for(sample) != Analyzer(edited).key_for(sample)


# --- the real novel -------------------------------------------------------------------


def reference_word_count(text: str) -> int:
    """A deliberately simple reference: whitespace tokens containing a letter or digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def reference_sentence_count(text: str) -> int:
    """A simple reference splitter: end punctuation, optional closing quote, space, capital."""
    total = 0
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        if not flat:
            continue
        parts = re.split(
            r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)[.!?]+[\"')]*\s+(?=[\"'(]?[A-Z])", flat
        )
        total += sum(1 for part in parts if re.search(r"\w", part))
    return total


@pytest.fixture(scope="module")
def novel(chapters):
    return Analyzer().analyze(chapters)


def test_novel_word_count_within_one_percent(novel, chapter_texts) -> None:
    reference = sum(reference_word_count(text) for _, text in chapter_texts)
    assert 120_000 < reference < 125_000
    assert abs(novel.words - reference) / reference < 0.01


def test_novel_sentence_count_within_three_percent(novel, chapter_texts) -> None:
    reference = sum(reference_sentence_count(text) for _, text in chapter_texts)
    assert abs(novel.readability.sentences - reference) / reference < 0.03


def test_novel_readability_in_a_sane_band(novel) -> None:
    r = novel.readability
    # Austen: long sentences, plain words
    assert 50 < r.flesch_reading_ease < 75
    assert 7 < r.flesch_kincaid_grade < 13
    assert 9 < r.gunning_fog < 16
    assert 18 < novel.sentence_length.mean < 24


def test_novel_structure_characters_and_phrases(novel, chapters) -> None:
    assert len(novel.files) == 61
    assert all(f.analysis.headings[0].text.startswith("Chapter") for f in novel.files)
    assert sum(f.analysis.words for f in novel.files) == novel.words
    assert novel.words == sum(count_words(c.text) for c in chapters)
    assert 0.35 < novel.dialogue_words / novel.words < 0.6
    phrases = {p.phrase: p.count for p in novel.phrases}
    assert phrases["uncle and aunt"] >= 20
    assert all(0 <= f.score.total <= 100 for f in novel.files)
    assert novel.pacing.outliers  # Austen's longest chapters stand out


def test_single_file_analysis_is_deterministic(sample: str) -> None:
    assert FILE_ANALYSIS.dump_json(analyze_text(sample)) == FILE_ANALYSIS.dump_json(
        analyze_text(sample)
    )


def test_a_copy_of_a_file_measured_in_the_same_run_is_not_a_cache_hit(exported) -> None:
    text = "The same scene, twice."
    analyzer = Analyzer()
    first = analyzer.analyze([SourceFile("a.md", text), SourceFile("b.md", text)])
    assert first.reused == 0
    assert [f.cached for f in first.files] == [False, False]
    assert exported(first)["cache"] == {"reused": 0, "analysed": 2}
    assert analyzer.analysed == 1  # measured once all the same
    second = analyzer.analyze([SourceFile("a.md", text), SourceFile("b.md", text)])
    assert second.reused == 2
    assert [f.cached for f in second.files] == [True, True]
