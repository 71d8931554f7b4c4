"""The story bible as model context: ``reference/`` and ``planning/`` text files.

The context is the *stable prefix* of a request: the same files in the same order every
time, so a provider's prompt cache (Anthropic's ``cache_control``, OpenAI's automatic
caching) serves it at the cached rate on the next call. Files are taken sorted by path;
only when the bible is larger than the budget are the files most relevant to the question
kept (then the prefix varies with the question — the price of a huge bible).

A project folder is untrusted: only regular files inside it are read (no symlinks out),
each capped in size. Blocking (disk): call :func:`load_bible` with ``asyncio.to_thread``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from writers_tui.paths import ProjectPaths

TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".org", ".rst", ".yaml", ".yml")
MAX_FILE_CHARS = 40_000
DEFAULT_MAX_CONTEXT_CHARS = 80_000
_WORD = re.compile(r"[a-zA-Z\u00c0-\u024f']{3,}")


@dataclass(frozen=True)
class BibleFile:
    path: str  # relative to the project, with /
    text: str


@dataclass(frozen=True)
class Bible:
    files: tuple[BibleFile, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)

    @property
    def context(self) -> str:
        """The files as one block, each under a header naming it."""
        if not self.files:
            return ""
        parts = ["# Story bible and planning notes"]
        parts += [f"## File: {f.path}\n\n{f.text.strip()}" for f in self.files]
        return "\n\n".join(parts)


def _files(root: Path) -> list[Path]:
    paths = ProjectPaths(root)
    real_root = root.resolve()
    found: list[Path] = []
    for folder in (paths.reference, paths.planning):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in TEXT_SUFFIXES or path.is_symlink():
                continue
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            if path.is_file() and path.resolve().is_relative_to(real_root):
                found.append(path)
    return found


#: A "text" file with more than this share of undecodable bytes is binary, not notes.
MAX_REPLACEMENT_SHARE = 0.02


def _read(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            text = handle.read(MAX_FILE_CHARS)
    except OSError:
        return None
    if "\x00" in text or text.count("\ufffd") > len(text) * MAX_REPLACEMENT_SHARE:
        return None  # a binary file named .md: garbage for the model, and paid for
    return text


def _relevance(text: str, words: set[str]) -> int:
    return len(words & {w.lower() for w in _WORD.findall(text)})


def load_bible(
    root: Path, question: str = "", *, max_chars: int = DEFAULT_MAX_CONTEXT_CHARS
) -> Bible:
    """The bible's files (sorted; the most relevant ones if it is over ``max_chars``)."""
    root = Path(root)
    files: list[BibleFile] = []
    for path in _files(root):
        text = _read(path)
        if text and text.strip():
            files.append(BibleFile(path.relative_to(root).as_posix(), text))
    if sum(len(f.text) for f in files) <= max_chars:
        return Bible(tuple(files))
    words = {w.lower() for w in _WORD.findall(question)}
    ranked = sorted(files, key=lambda f: (-_relevance(f.text, words), f.path))
    kept: list[BibleFile] = []
    used = 0
    for file in ranked:
        if used + len(file.text) <= max_chars:
            kept.append(file)
            used += len(file.text)
    return Bible(tuple(sorted(kept, key=lambda f: f.path)))
