"""Kept flags survive a restart, stay bounded, and a damaged file is set aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from writers_tui.storage.keeps import KeptFlags

SCENE = "manuscript/1 Chapter One/1.1 Opening.md"


def test_kept_flags_are_remembered_across_instances(project: Path) -> None:
    keeps = KeptFlags(project)
    assert keeps.set(SCENE, "adverb|quietly|1", True)
    assert not keeps.set(SCENE, "adverb|quietly|1", True)  # already kept: nothing written
    assert KeptFlags(project).of(SCENE) == {"adverb|quietly|1"}
    assert keeps.set(SCENE, "adverb|quietly|1", False)
    assert KeptFlags(project).of(SCENE) == frozenset()


def test_a_corrupt_keeps_file_is_set_aside_not_fatal(project: Path) -> None:
    (project / ".session").mkdir(exist_ok=True)
    (project / ".session" / "keeps.json").write_text("{not json")
    keeps = KeptFlags(project)
    assert keeps.of(SCENE) == frozenset() and keeps.warnings
    assert list((project / ".session").glob("keeps.json.corrupt-*"))


def test_kept_flags_are_bounded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("writers_tui.storage.keeps.MAX_KEPT_PER_FILE", 2)
    keeps = KeptFlags(project)
    keeps.set(SCENE, "a", True)
    keeps.set(SCENE, "b", True)
    with pytest.raises(ValueError, match="too many kept flags"):
        keeps.set(SCENE, "c", True)
    assert KeptFlags(project).of(SCENE) == {"a", "b"}  # the refused one was not saved
