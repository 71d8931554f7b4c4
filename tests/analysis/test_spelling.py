"""The spell check (issue 9, item 8): case-aware Hunspell look-ups, the project's words and
the story bible's names, suggestions on request, spans, the JSON, the settings, odd input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from writers_tui.analysis.export import MAX_LISTED_FLAGS
from writers_tui.analysis.manuscript import AnalysisConfig, Analyzer, SourceFile, analyze_text
from writers_tui.analysis.models import Flag, clip
from writers_tui.analysis.runner import ProjectSettings, config_for
from writers_tui.analysis.spelling import SpellingConfig, speller_for, suggest
from writers_tui.cli_analyze import analyze, project_settings
from writers_tui.paths import ProjectPaths

SPELLING = AnalysisConfig(spelling=SpellingConfig())


def misspelt(text: str, config: AnalysisConfig = SPELLING) -> list[str]:
    return [f.text for f in analyze_text(text, config).flags if f.rule == "spelling"]


def spelling_flags(text: str, config: AnalysisConfig = SPELLING) -> list[Flag]:
    return [f for f in analyze_text(text, config).flags if f.rule == "spelling"]


def make_project(root: Path, scene: str) -> Path:
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "01.md").write_text(scene, encoding="utf-8")
    return root


def test_case_aware_london() -> None:
    assert misspelt("She went to london. She went to London. LONDON was gray.") == ["london"]


def test_capitalised_dictionary_word_and_acronyms_pass() -> None:
    # a lower-case word is right capitalised; short all-caps acronyms and numbers skipped
    assert misspelt("Color me surprised. The NASA men came at 10pm in 1813, in 21st year.") == []


def test_misspelling_span_points_at_the_word() -> None:
    text = "# Title\n\nThe letter came.\nShe did not recieve it, nor teh other.\n"
    flags = spelling_flags(text)
    assert [(f.text, f.line, f.column, f.end_line, f.end_column) for f in flags] == [
        ("recieve", 4, 13, 4, 20),
        ("teh", 4, 29, 4, 32),
    ]
    line = text.splitlines()[3]
    for f in flags:
        assert line[f.column - 1 : f.end_column - 1] == f.text
    assert "recieve" in flags[0].message


def test_dialogue_and_curly_apostrophes_checked() -> None:
    assert misspelt("“I dont know,” she said. “Don’t you? I beleive you.”") == [
        "dont",
        "beleive",
    ]


def test_hyphenated_words_checked_part_by_part() -> None:
    flags = spelling_flags("Her mother-in-law was well-knwon in town.")
    assert [(f.text, f.column) for f in flags] == [("knwon", 28)]


def test_code_urls_and_headings_are_not_checked() -> None:
    # fenced code, URLs and headings are masked; inline `code` is skipped by the check
    text = "# Chaptr Won\n\nSee https://exmple.com/foo and `varname` here.\n\n```\nxyzzy\n```\n"
    assert misspelt(text) == []


def test_project_word_list_follows_hunspell_case_rules() -> None:
    words = frozenset({"Zorvath", "glimmerstone"})
    config = AnalysisConfig(spelling=SpellingConfig(words=words))
    text = (
        "Zorvath lifted the glimmerstone. GLIMMERSTONE, Glimmerstone! "
        "ZORVATH called, and Zorvath's men came; zorvath did not."
    )
    assert misspelt(text, config) == ["zorvath"]
    assert misspelt(text) == [
        "Zorvath",
        "glimmerstone",
        "GLIMMERSTONE",
        "Glimmerstone",
        "ZORVATH",
        "Zorvath's",
        "zorvath",
    ]


def test_words_txt_and_story_bible_names_join(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "novel",
        "Quillon met Brannagh at Vethmoor. The Quillons came too. Grizzlewick was late.\n",
    )
    (root / "reference" / "characters").mkdir(parents=True)
    (root / "reference" / "characters" / "quillon.md").write_text(
        "---\nname: Edmund Quillon\naliases: [Brannagh]\n---\n", encoding="utf-8"
    )
    (root / "reference" / "places").mkdir()
    (root / "reference" / "places" / "vethmoor.md").write_text("# Vethmoor\n", encoding="utf-8")
    config = config_for(ProjectPaths(root))
    text = (root / "manuscript" / "01.md").read_text(encoding="utf-8")
    assert misspelt(text, config) == ["Grizzlewick"]
    (root / "reference" / "style").mkdir()
    (root / "reference" / "style" / "words.txt").write_text(
        "# invented\nGrizzlewick\n", encoding="utf-8"
    )
    config = config_for(ProjectPaths(root))
    assert misspelt(text, config) == []


def test_editing_words_txt_rechecks_cached_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "novel", "Grizzlewick was late again.\n")
    runner = CliRunner()

    def spelling_count() -> int:
        result = runner.invoke(analyze, [str(root), "--json"])
        assert result.exit_code == 0, result.output
        (m,) = json.loads(result.output)["manuscripts"]
        return int(m["totals"]["flag_counts"].get("spelling", 0))

    assert spelling_count() == 1
    (root / "reference" / "style").mkdir(parents=True)
    (root / "reference" / "style" / "words.txt").write_text("Grizzlewick\n", encoding="utf-8")
    assert spelling_count() == 0


def test_suggestions_on_request_only() -> None:
    assert "receive" in suggest("recieve")[:3]
    assert "London" in suggest("london")
    assert suggest("") == []
    # analysis computes no suggestion: the flag carries only its text and a message
    flag = spelling_flags("I recieve it.")[0]
    assert "receive" not in flag.message


def test_speller_api_is_case_aware() -> None:
    speller = speller_for(SpellingConfig(words=frozenset({"Meryton"})))
    assert speller.is_correct("London") and not speller.is_correct("london")
    assert speller.is_correct("Meryton") and not speller.is_correct("meryton")
    assert speller.misspelt_parts("well-knwon") == ((5, 5),)


def test_json_includes_spelling_flags_and_summarises_past_the_limit(tmp_path: Path) -> None:
    scene = "Teh cat sat. " * (MAX_LISTED_FLAGS + 200)
    root = make_project(tmp_path / "novel", scene)
    result = CliRunner().invoke(analyze, [str(root), "--json"])
    assert result.exit_code == 0, result.output
    (m,) = json.loads(result.output)["manuscripts"]
    (f,) = m["files"]
    assert f["flag_counts"]["spelling"] == MAX_LISTED_FLAGS + 200
    assert len(f["flags"]) == MAX_LISTED_FLAGS
    assert f["flags_omitted"] == 200
    first = f["flags"][0]
    assert (first["rule"], first["text"], first["line"], first["column"]) == (
        "spelling",
        "Teh",
        1,
        1,
    )
    assert m["totals"]["flag_counts"]["spelling"] == MAX_LISTED_FLAGS + 200


def test_spell_check_can_be_turned_off(tmp_path: Path) -> None:
    root = make_project(tmp_path / "novel", "She went to london with teh letter.\n")
    (root / ".session").mkdir()
    assert project_settings(root).spell_check is True
    assert len(misspelt("x", config_for(ProjectPaths(root)))) == 0
    on = config_for(ProjectPaths(root), ProjectSettings())
    off = config_for(ProjectPaths(root), ProjectSettings(spell_check=False))
    text = (root / "manuscript" / "01.md").read_text(encoding="utf-8")
    assert misspelt(text, on) == ["london", "teh"]
    assert misspelt(text, off) == []
    assert on.fingerprint != off.fingerprint
    (root / ".session" / "preferences.json").write_text(
        json.dumps({"schema_version": 1, "analysis": {"spell_check": False}}), encoding="utf-8"
    )
    assert project_settings(root).spell_check is False
    result = CliRunner().invoke(analyze, [str(root), "--json"])
    (m,) = json.loads(result.output)["manuscripts"]
    assert "spelling" not in m["totals"]["flag_counts"]


def test_unavailable_dictionary_falls_back_with_a_warning(tmp_path: Path) -> None:
    root = make_project(tmp_path / "novel", "The colour of honour.\n")
    settings = ProjectSettings(spelling_dictionary="xx_XX")
    config = config_for(ProjectPaths(root), settings)
    assert config.spelling is not None
    assert misspelt("The colour of honour.", config) == ["colour", "honour"]  # en_US
    from writers_tui.analysis.runner import Target, analyze_targets

    (result,) = analyze_targets(
        [Target(root, [root / "manuscript" / "01.md"])], lambda _root: settings
    )
    assert any("no xx_XX dictionary" in w for w in result.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "汉字文本测试。日本語のテキスト。한국어 텍스트.",
        "Emoji 😀🙂 and 👩‍👩‍👧 here; ️ variation ️ selectors.",
        "x" * 100_000,
        "Ünïcödé wörds, İstanbul, ǅemal, and straße, naïve café.",
        "\u0000\ufeff\u200b zero\u200bwidth and soft\u00adhyphen words.",
        "a-" * 5000 + "b",
        "'tis 'twas o'er th' hills",
    ],
)
def test_no_crash_on_odd_input(text: str) -> None:
    flags = spelling_flags(text)
    for f in flags:
        assert f.line >= 1 and f.column >= 1 and (f.end_line, f.end_column) > (f.line, f.column)
    if text.startswith("x"):
        # one overlong "word": flagged, not looked up; the span covers it, the text is cut
        assert [(f.text, f.end_column - f.column) for f in flags] == [(clip(text), len(text))]
    if text.startswith("'tis"):
        assert misspelt(text) == ["th"]


def test_ten_megabyte_file_is_bounded() -> None:
    text = "Teh quick brwn fox. " * 500_000  # 10 MB, one million misspellings
    started = time.perf_counter()
    analysis = analyze_text(text, SPELLING)
    elapsed = time.perf_counter() - started
    assert sum(f.rule == "spelling" for f in analysis.flags) == 1_000_000
    assert elapsed < 120


def test_incremental_reanalysis_reuses_the_dictionary() -> None:
    analyzer = Analyzer(SPELLING)
    files = [SourceFile(f"{n}.md", f"Chapter {n} has a mispelled word.\n") for n in range(3)]
    first = analyzer.analyze(files)
    assert first.flag_counts["spelling"] == 3
    files[1] = SourceFile("1.md", "Chapter one is now right.\n")
    second = analyzer.analyze(files)
    assert second.flag_counts["spelling"] == 2
    assert analyzer.analysed == 4
