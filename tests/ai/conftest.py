"""Fixtures for the AI tests: a loopback provider server and a project with a story bible."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from writers_tui.project import new_project

# The helpers beside this file (ai_loopback, ai_helpers) are plain modules, not fixtures.
sys.path.insert(0, str(Path(__file__).parent))

from ai_loopback import Loopback, serving


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serving() as loopback:
        yield loopback


@pytest.fixture
def book_project(tmp_path: Path) -> Path:
    """A project with a small story bible and planning notes."""
    root = new_project(tmp_path / "novel", title="Test Novel")
    (root / "reference").mkdir(exist_ok=True)
    (root / "planning").mkdir(exist_ok=True)
    (root / "reference" / "zz-mickey.md").write_text("Mickey is Noni's older sister.\n")
    (root / "planning" / "zz-outline.md").write_text("Act 1: the letter arrives.\n")
    return root
