"""Shared fixtures: Pride and Prejudice (public domain) split into Markdown chapters."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from writers_tui.analysis.export import MANUSCRIPT, ManuscriptOut
from writers_tui.analysis.manuscript import ManuscriptAnalysis, SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "pride_and_prejudice.txt"
SAMPLES = FIXTURES / "analysis"


def novel_body() -> str:
    """The novel without the Project Gutenberg header and licence."""
    raw = CORPUS.read_text(encoding="utf-8")
    return raw[raw.index("Chapter 1\n") : raw.index("End of the Project Gutenberg")]


def novel_chapters() -> list[tuple[int, str]]:
    parts = re.split(r"^Chapter (\d+)\s*$", novel_body(), flags=re.M)
    return [(int(n), text) for n, text in zip(parts[1::2], parts[2::2], strict=True)]


@pytest.fixture(scope="session")
def chapter_texts() -> list[tuple[int, str]]:
    """(number, text) of each chapter, without its "Chapter N" line."""
    return novel_chapters()


@pytest.fixture(scope="session")
def chapters() -> list[SourceFile]:
    return [
        SourceFile(path=f"manuscript/{n:02d}.md", text=f"# Chapter {n}\n{text}", chapter=f"{n:02d}")
        for n, text in novel_chapters()
    ]


@pytest.fixture(scope="session")
def sample() -> str:
    return (SAMPLES / "scene.md").read_text(encoding="utf-8")


def _exported(m: ManuscriptAnalysis) -> dict[str, Any]:
    out = ManuscriptOut.of(m, project=None, target_reading_ease=65.0)
    return MANUSCRIPT.dump_python(out, mode="json", by_alias=True)


@pytest.fixture(scope="session")
def exported() -> Callable[[ManuscriptAnalysis], dict[str, Any]]:
    """A manuscript as the ``--json`` output shows it."""
    return _exported
