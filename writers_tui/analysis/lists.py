"""The word lists behind the style flags: shipped defaults, extended per project.

Each list is a plain text file, one entry per line, ``#`` for comments. The defaults live
in ``writers_tui/analysis/data/NAME.txt``; a project extends them with
``reference/style/NAME.txt`` (same format), where ``!entry`` removes a default the writer
does not want flagged. Reading the project files is the runner's job (:mod:`.runner`);
this module only parses text and merges lists, so it stays pure and testable.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "LIST_NAMES",
    "WORD_LISTS",
    "StyleLists",
    "default_lists",
    "normalize_entry",
    "parse_list",
]

#: Every list the analysis reads, by file name without ``.txt``.
LIST_NAMES: tuple[str, ...] = (
    "adverb_exceptions",
    "filter_words",
    "intensifiers",
    "anti_patterns",
    "cliches",
    "similes",
    "simile_exceptions",
    "passive_participles",
    "stopwords",
)

#: Lists of single words: several may share a line, separated by spaces.
WORD_LISTS = frozenset({"adverb_exceptions", "passive_participles", "stopwords"})

_SPACE = re.compile(r"\s+")


def normalize_entry(entry: str) -> str:
    """Lower case, straight apostrophes, single spaces: how entries and matches compare."""
    return _SPACE.sub(" ", entry.replace("\u2019", "'").strip().lower())


def parse_list(text: str, *, words: bool = False) -> tuple[set[str], set[str]]:
    """Entries to add and entries to remove (``!entry``) from one list file's text."""
    added: set[str] = set()
    removed: set[str] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        items = line.split() if words else [line]
        for item in items:
            target = removed if item.startswith("!") else added
            entry = normalize_entry(item.lstrip("!"))
            if entry:
                target.add(entry)
    return added, removed


@dataclass(frozen=True, slots=True)
class StyleLists:
    """All the lists, plus a fingerprint that changes whenever any entry changes (it is
    part of the analysis cache key, so editing a list re-flags every file)."""

    entries: Mapping[str, frozenset[str]]
    fingerprint: str

    @classmethod
    def build(cls, entries: Mapping[str, frozenset[str]]) -> StyleLists:
        digest = hashlib.sha256()
        for name in sorted(entries):
            digest.update(name.encode())
            for entry in sorted(entries[name]):
                digest.update(b"\0" + entry.encode())
            digest.update(b"\1")
        return cls(entries=dict(entries), fingerprint=digest.hexdigest()[:16])

    def get(self, name: str) -> frozenset[str]:
        return self.entries.get(name, frozenset())

    def extended(self, name: str, text: str) -> StyleLists:
        """A copy with one project file's additions and removals applied."""
        added, removed = parse_list(text, words=name in WORD_LISTS)
        merged = dict(self.entries)
        merged[name] = frozenset((self.get(name) | added) - removed)
        return StyleLists.build(merged)


@cache
def default_lists() -> StyleLists:
    """The lists that ship with the app (read once from the package data)."""
    folder = resources.files("writers_tui.analysis") / "data"
    entries: dict[str, frozenset[str]] = {}
    for name in LIST_NAMES:
        try:
            text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        except OSError:
            text = ""
        added, _ = parse_list(text, words=name in WORD_LISTS)
        entries[name] = frozenset(added)
    return StyleLists.build(entries)
