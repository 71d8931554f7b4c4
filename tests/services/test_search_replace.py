"""Search and replace: whole-word rules, the demo's real counts, plans and undo by snapshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from writers_tui.atomic import atomic_write_text
from writers_tui.project import make_demo
from writers_tui.search_replace import (
    Match,
    SearchError,
    StaleMatchError,
    plan_replace,
    preview,
    project_texts,
    replace,
    search,
    text_sha256,
)
from writers_tui.storage import snapshots as snap


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo") / "demo")


def test_whole_word_bennet_on_the_demo_counts_what_word_boundaries_count(demo: Path) -> None:
    texts = project_texts(demo)
    expected = sum(len(re.findall(r"\bBennet\b", text)) for text in texts.values())
    found = search(texts, "Bennet", whole_word=True, case_sensitive=True)
    assert len(found) == expected > 50
    assert not any(m.text == "Bennets" for m in found)
    # the plain substring search also finds "Bennets"
    plain = search(texts, "Bennet", case_sensitive=True)
    assert len(plain) == sum(text.count("Bennet") for text in texts.values()) > len(found)


def test_project_texts_cover_the_three_folders_in_binder_order(demo: Path) -> None:
    paths = list(project_texts(demo))
    assert paths[0] == "manuscript/1 Chapter 1.md"
    assert paths.index("manuscript/2 Chapter 2.md") < paths.index("manuscript/8 Chapter 8.md")
    assert "reference/characters/Mr. Darcy.md" in paths
    assert "planning/beats.md" in paths
    assert "ABOUT-THIS-DEMO.md" not in paths


def test_project_texts_prefer_open_buffers_and_skip_binary(project: Path) -> None:
    (project / "manuscript/junk.md").write_bytes(b"\x00\x01\x02binary")
    scene = "manuscript/1 Chapter One/1.1 Opening.md"
    texts = project_texts(project, {scene: "unsaved Darcy"})
    assert texts[scene] == "unsaved Darcy"
    assert "manuscript/junk.md" not in texts


def test_match_positions() -> None:
    texts = {"a.md": "first line\nsecond Darcy line\nDarcy"}
    one, two = search(texts, "darcy")
    assert (one.line, one.column, one.offset, one.text, one.line_text) == (
        2,
        8,
        18,
        "Darcy",
        "second Darcy line",
    )
    assert (two.line, two.column, two.line_text) == (3, 1, "Darcy")
    assert search(texts, "darcy", case_sensitive=True) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Darcy's pride", 1),  # a possessive holds the word
        ("_Darcy_ said", 1),  # Markdown emphasis: underscores are not letters
        ("Darcys and XDarcy and Darcy2", 0),
        ("Darcy\u0301 with a combining mark", 0),  # the mark continues the word
        ("\u00c9lise Darcy-Smith", 1),  # a hyphen is a boundary
    ],
)
def test_whole_word_rule(text: str, count: int) -> None:
    assert len(search({"a": text}, "Darcy", whole_word=True)) == count


def test_whole_word_in_other_scripts() -> None:
    text = "Мария и Марияна, Мария."
    assert len(search({"a": text}, "Мария", whole_word=True)) == 2
    assert len(search({"a": text}, "мария", whole_word=True)) == 2  # case-insensitive


def test_whole_word_does_not_hide_a_match_after_a_rejected_one() -> None:
    assert [m.offset for m in search({"a": "ba a a"}, "a a", whole_word=True)] == [3]


def test_regex_mode_and_errors() -> None:
    texts = {"a": "colour and color"}
    assert [m.text for m in search(texts, r"colou?r", regex=True)] == ["colour", "color"]
    assert search(texts, r"x*", regex=True) == []  # empty matches are skipped
    with pytest.raises(SearchError, match="regular expression"):
        search(texts, "(", regex=True)
    with pytest.raises(SearchError, match="empty"):
        search(texts, "")
    # replacement text is literal, even in regex mode
    matches = search(texts, r"(colou?r)", regex=True)
    assert replace(texts, matches, r"\1!") == {"a": r"\1! and \1!"}


def test_preview_replace_one_or_all() -> None:
    texts = {"a": "Darcy met Darcy.", "b": "No one here.", "c": "DARCY!"}
    matches = search(texts, "darcy", whole_word=True)
    assert len(matches) == 3
    assert preview(texts["a"], matches[1:2], "Fitzgerald") == "Darcy met Fitzgerald."
    assert replace(texts, matches[:1], "F") == {"a": "F met Darcy."}
    assert replace(texts, matches, "Fitzgerald", preserve_case=True) == {
        "a": "Fitzgerald met Fitzgerald.",
        "c": "FITZGERALD!",
    }
    lowered = search({"x": "darcy"}, "Darcy")
    assert replace({"x": "darcy"}, lowered, "Fitzgerald", preserve_case=True) == {"x": "fitzgerald"}


def test_stale_or_overlapping_matches_are_refused() -> None:
    texts = {"a": "Darcy met Darcy."}
    matches = search(texts, "Darcy")
    with pytest.raises(StaleMatchError, match="changed since the search"):
        replace({"a": "Bingley met Darcy."}, matches, "X")
    with pytest.raises(StaleMatchError):
        replace({}, matches, "X")
    overlap = Match("a", 1, 2, 1, 4, "arcy", "Darcy met Darcy.")
    with pytest.raises(ValueError, match="overlapping"):
        preview(texts["a"], [matches[0], overlap], "X")


def test_replace_across_three_files_then_undo_from_snapshots(project: Path) -> None:
    """What the Workspace does: plan, snapshot, write; later undo by restoring."""
    files = {
        "manuscript/1 Chapter One/1.1 Opening.md": "# Opening\n\nDarcy came.\r\n",
        "manuscript/1 Chapter One/1.2 Second Scene.md": "DARCY! cried Darcy's aunt.\n",
        "reference/characters/protagonist.md": "---\nname: Darcy\n---\n# Darcy\n",
    }
    for path, text in files.items():
        (project / path).write_bytes(text.encode("utf-8"))
    originals = {path: (project / path).read_bytes() for path in files}
    texts = {path: text for path, text in project_texts(project).items() if path in files}
    plan = plan_replace(
        texts, search(texts, "Darcy", whole_word=True), "Fitzgerald", preserve_case=True
    )
    assert [f.path for f in plan.files] == list(files)
    assert plan.replacements == 5
    assert plan.stale(texts) == []
    ids = {}
    for planned in plan.files:  # snapshot the disk bytes, as text, before writing
        original = originals[planned.path].decode("utf-8")
        ids[planned.path] = snap.take_snapshot(
            project, planned.path, original, bulk_id=plan.bulk_id
        ).id
        atomic_write_text(project / planned.path, planned.new_text)
    plan = plan.with_snapshots(ids)
    assert (
        "FITZGERALD! cried Fitzgerald's aunt."
        in (project / "manuscript/1 Chapter One/1.2 Second Scene.md").read_text()
    )
    after = project_texts(project)
    assert plan.undo_blockers(after) == []
    for planned in plan.files:
        restored = snap.restore_snapshot(project, planned.path, plan.snapshot_ids[planned.path])
        atomic_write_text(project / planned.path, restored)
    assert {path: (project / path).read_bytes() for path in files} == originals
    assert snap.release_bulk(project, list(files), plan.bulk_id) == 3


def test_plan_refuses_files_changed_since(project: Path) -> None:
    texts = {"a.md": "Darcy", "b.md": "Darcy"}
    plan = plan_replace(texts, search(texts, "Darcy"), "F")
    assert plan.stale({"a.md": "Darcy", "b.md": "Darcy edited"}) == ["b.md"]
    done = plan.with_snapshots({"a.md": "x"})
    # b.md has no snapshot; a.md was edited after the replace: neither may be undone
    assert done.undo_blockers({"a.md": "F more", "b.md": "F"}) == ["a.md", "b.md"]
    assert done.undo_blockers({"a.md": "F", "b.md": "F"}) == ["b.md"]
    assert plan.files[0].new_sha256 == text_sha256("F")


# -- properties -----------------------------------------------------------------------------

TEXT = st.text(alphabet="abc \n.'-_é", max_size=200)
QUERY = st.text(alphabet="abc", min_size=1, max_size=3)
# The replacement's letters never occur in the text, so searching for it finds exactly the
# replacements just made.
REPLACEMENT = st.text(alphabet="XYZ", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, query=QUERY, replacement=REPLACEMENT, whole_word=st.booleans())
def test_replace_then_replace_back_is_identity(
    text: str, query: str, replacement: str, whole_word: bool
) -> None:
    texts = {"f": text}
    matches = search(texts, query, whole_word=whole_word, case_sensitive=True)
    forward = replace(texts, matches, replacement).get("f", text)
    back_matches = search({"f": forward}, replacement, whole_word=whole_word, case_sensitive=True)
    assert len(back_matches) == len(matches)
    assert replace({"f": forward}, back_matches, query).get("f", forward) == text


@settings(max_examples=200, deadline=None)
@given(text=TEXT, query=QUERY)
def test_every_match_is_the_query_at_its_position(text: str, query: str) -> None:
    for match in search({"f": text}, query, whole_word=True):
        assert text[match.offset : match.offset + match.length].casefold() == query.casefold()
        line_start = text.rfind("\n", 0, match.offset) + 1
        assert match.column == match.offset - line_start + 1
        assert match.line == text.count("\n", 0, match.offset) + 1


def test_closed_files_keep_line_ends_and_stray_bytes_through_a_replace(project: Path) -> None:
    """Texts are read as the prose store reads them, so only the replaced words change."""
    path = "manuscript/1 Chapter One/1.1 Opening.md"
    (project / path).write_bytes(b"Darcy\r\nna\xefve Darcy\r\n")
    texts = project_texts(project)
    [first, second] = search(texts, "Darcy", whole_word=True)
    assert (second.line, second.line_text) == (2, "na\udcefve Darcy")
    new = replace(texts, [first, second], "Fitz")[path]
    assert new.encode("utf-8", "surrogateescape") == b"Fitz\r\nna\xefve Fitz\r\n"
    info = snap.take_snapshot(project, path, texts[path])
    assert snap.read_snapshot(project, path, info.id) == texts[path]
    assert info.sha256 == text_sha256(texts[path])
