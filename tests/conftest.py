"""Fixtures every test gets: a machine that looks brand new, and a shared project.

No test may see the real user's config, data, cache or state folders, their
``WRITERS_TUI_*`` variables or their AI keys: :func:`hermetic_user_dirs` points every
platformdirs folder at a temp directory and clears those variables, for this process and
for every subprocess a test starts (they inherit ``os.environ``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from writers_tui.project import new_project

#: Variables that would let the machine's own configuration leak into a test.
LEAKY_PREFIXES = ("WRITERS_TUI_",)
LEAKY_NAMES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "OLLAMA_HOST",
)


@pytest.fixture(autouse=True)
def hermetic_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every user dir (config, data, cache, state) in a fresh temp folder; leaky vars unset."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(LEAKY_PREFIXES) or name in LEAKY_NAMES:
            del os.environ[name]
    os.environ["HOME"] = str(home)
    for variable, folder in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        os.environ[variable] = str(home / folder)
    try:
        yield home
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A new project made from the novel template, as ``writers-tui new`` makes it."""
    return new_project(tmp_path / "novel", title="Test Novel")
