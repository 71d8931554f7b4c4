"""Project-wide search and replace, as pure functions over texts.

The Workspace gathers the texts (the open buffers' for open files, the disk's for the
rest: :func:`project_texts`), calls :func:`search`, shows the matches, and for a replace
builds a :class:`ReplacePlan`: the new texts plus the hashes of the texts they were made
from. Before applying it, it snapshots every file the plan changes (tagged with
``plan.bulk_id``) and refuses files that changed since the search (:meth:`ReplacePlan.stale`);
"undo replace" puts the snapshots back, refusing files edited since the replace
(:meth:`ReplacePlan.undo_blockers`). Nothing here touches the disk except
:func:`project_texts`, which only reads.

**Whole word.** A match is a whole word when the characters on both sides of it are not
word characters in the sense of :func:`writers_tui.wordcount.is_word_char` (letters, digits
and combining marks, in any script). Underscores, apostrophes and hyphens are boundaries:
``_Darcy_`` (Markdown emphasis) and ``Darcy's`` contain the word "Darcy", which is what a
writer renaming a character wants; ``Darcys`` and ``Bennet``-in-``Bennets`` do not.

**Case.** ``case_sensitive=False`` uses Unicode case-insensitive matching.
``preserve_case=True`` makes each replacement follow the case of what it replaces:
``DARCY`` → ``FITZGERALD``, ``darcy`` → ``fitzgerald``, ``Darcy`` → ``Fitzgerald``.

**Replacement text** is literal, also in regex mode (no ``\\1`` group references): a
writer's replacement containing a backslash must not be read as code.

Positions: ``line`` and ``column`` are 1-based (as the analysis reports them), ``offset``
is the 0-based index in the text; all count characters (code points), not bytes.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from writers_tui.paths import TRACKED_DIRS, ProjectPaths
from writers_tui.project import markdown_files_under
from writers_tui.wordcount import COMBINING_MARK, NotTextError, decode_text

__all__ = [
    "Match",
    "PlannedFile",
    "ReplacePlan",
    "SearchError",
    "StaleMatchError",
    "plan_replace",
    "preview",
    "project_texts",
    "replace",
    "search",
    "text_sha256",
]

# Not preceded / followed by a letter, digit or combining mark (the word rule's characters).
_WORD_BEFORE = rf"(?<![^\W_])(?<!{COMBINING_MARK})"
_WORD_AFTER = rf"(?![^\W_])(?!{COMBINING_MARK})"


class SearchError(ValueError):
    """The query cannot be searched for (empty, or a bad regular expression)."""


class StaleMatchError(ValueError):
    """A match no longer fits its text (the text changed since the search)."""


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence: where it is, what it is, and its line for the results list."""

    path: str
    line: int
    column: int
    offset: int
    length: int
    text: str
    line_text: str


def text_sha256(text: str) -> str:
    """The hash a plan records: SHA-256 of the UTF-8 text, undecodable bytes given back
    (the same as a snapshot's and the prose store's)."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()


def _pattern(query: str, *, whole_word: bool, case_sensitive: bool, regex: bool) -> re.Pattern[str]:
    if not query:
        raise SearchError("the search text is empty")
    body = query if regex else re.escape(query)
    if whole_word:
        body = f"{_WORD_BEFORE}(?:{body}){_WORD_AFTER}"
    flags = re.MULTILINE if case_sensitive else re.MULTILINE | re.IGNORECASE
    try:
        return re.compile(body, flags)
    except re.error as error:
        raise SearchError(f"not a valid regular expression: {error}") from None


def search(
    texts: Mapping[str, str],
    query: str,
    *,
    whole_word: bool = False,
    case_sensitive: bool = False,
    regex: bool = False,
) -> list[Match]:
    """Every match in ``texts`` (path → text), in the mapping's order, then by position.

    Empty matches of a regex (``x*``) are skipped: there is nothing to show or replace.
    """
    pattern = _pattern(query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex)
    found: list[Match] = []
    for path, text in texts.items():
        starts: list[int] | None = None
        for hit in pattern.finditer(text):
            if hit.end() == hit.start():
                continue
            if starts is None:
                starts = [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]
            line = bisect.bisect_right(starts, hit.start()) - 1
            end = text.find("\n", starts[line])
            line_text = text[starts[line] : len(text) if end < 0 else end].removesuffix("\r")
            found.append(
                Match(
                    path=path,
                    line=line + 1,
                    column=hit.start() - starts[line] + 1,
                    offset=hit.start(),
                    length=hit.end() - hit.start(),
                    text=hit.group(),
                    line_text=line_text,
                )
            )
    return found


def _cased(found: str, replacement: str) -> str:
    """``replacement`` in the case of ``found``: all caps, all lower, or a capital first."""
    letters = [char for char in found if char.isalpha()]
    if not letters:
        return replacement
    if all(char.isupper() for char in letters) and len(letters) > 1:
        return replacement.upper()
    if all(char.islower() for char in letters):
        return replacement.lower()
    if letters[0].isupper() and all(char.islower() for char in letters[1:]):
        return replacement[:1].upper() + replacement[1:]
    return replacement


def preview(
    text: str, matches: Iterable[Match], replacement: str, *, preserve_case: bool = False
) -> str:
    """``text`` with the given matches (all of one file) replaced.

    Raises :class:`StaleMatchError` when a match does not fit the text (it changed since
    the search) and :class:`ValueError` when two matches overlap.
    """
    ordered = sorted(matches, key=lambda match: match.offset)
    paths = {match.path for match in ordered}
    if len(paths) > 1:
        raise ValueError("preview takes the matches of one file")
    pieces: list[str] = []
    position = 0
    for match in ordered:
        if match.offset < position:
            raise ValueError(f"overlapping matches at line {match.line} of {match.path}")
        if text[match.offset : match.offset + match.length] != match.text:
            raise StaleMatchError(f"{match.path} changed since the search (line {match.line})")
        pieces.append(text[position : match.offset])
        pieces.append(_cased(match.text, replacement) if preserve_case else replacement)
        position = match.offset + match.length
    pieces.append(text[position:])
    return "".join(pieces)


def _by_path(matches: Iterable[Match]) -> dict[str, list[Match]]:
    grouped: dict[str, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.path, []).append(match)
    return grouped


def replace(
    texts: Mapping[str, str],
    matches: Iterable[Match],
    replacement: str,
    *,
    preserve_case: bool = False,
) -> dict[str, str]:
    """The new text of every file a match is in (pass one match to replace one, all of
    :func:`search`'s to replace all). Files whose text would not change are left out."""
    changed: dict[str, str] = {}
    for path, found in _by_path(matches).items():
        if path not in texts:
            raise StaleMatchError(f"{path} is not among the texts searched")
        new = preview(texts[path], found, replacement, preserve_case=preserve_case)
        if new != texts[path]:
            changed[path] = new
    return changed


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One file of a replace: the hash of the text it was planned on, and its new text."""

    path: str
    old_sha256: str
    new_text: str
    new_sha256: str
    replacements: int


@dataclass(frozen=True, slots=True)
class ReplacePlan:
    """Everything needed to apply a replace and to undo it safely.

    ``bulk_id`` tags the snapshots the Workspace takes before applying (their ids go in
    ``snapshot_ids`` through :meth:`with_snapshots`), so undo restores exactly those.
    """

    bulk_id: str
    replacement: str
    files: tuple[PlannedFile, ...]
    snapshot_ids: Mapping[str, str] = field(default_factory=dict)

    @property
    def replacements(self) -> int:
        return sum(planned.replacements for planned in self.files)

    def stale(self, current: Mapping[str, str]) -> list[str]:
        """Files whose text is no longer the one planned on: applying would lose an edit."""
        return [
            planned.path
            for planned in self.files
            if planned.path not in current
            or text_sha256(current[planned.path]) != planned.old_sha256
        ]

    def undo_blockers(self, current: Mapping[str, str]) -> list[str]:
        """Files edited since the replace (or without a snapshot): undoing would lose
        that edit, so undo refuses them."""
        return [
            planned.path
            for planned in self.files
            if planned.path not in self.snapshot_ids
            or planned.path not in current
            or text_sha256(current[planned.path]) != planned.new_sha256
        ]

    def with_snapshots(self, snapshot_ids: Mapping[str, str]) -> ReplacePlan:
        return ReplacePlan(self.bulk_id, self.replacement, self.files, dict(snapshot_ids))


def plan_replace(
    texts: Mapping[str, str],
    matches: Sequence[Match],
    replacement: str,
    *,
    preserve_case: bool = False,
) -> ReplacePlan:
    """A :class:`ReplacePlan` for replacing ``matches`` in ``texts`` (see :func:`replace`)."""
    counts = {path: len(found) for path, found in _by_path(matches).items()}
    new_texts = replace(texts, matches, replacement, preserve_case=preserve_case)
    files = tuple(
        PlannedFile(path, text_sha256(texts[path]), new, text_sha256(new), counts[path])
        for path, new in new_texts.items()
    )
    return ReplacePlan(uuid.uuid4().hex, replacement, files)


def project_texts(root: Path, open_texts: Mapping[str, str] | None = None) -> dict[str, str]:
    """The text of every Markdown file under ``manuscript/``, ``reference/`` and
    ``planning/`` in binder order (project-relative POSIX path → text).

    ``open_texts`` (the open buffers) win over the disk, so a search sees unsaved edits.
    Closed files are read the way the editor's prose store reads them (UTF-8, bytes that
    are not UTF-8 kept as surrogate escapes, line ends as they are), so writing a replaced
    text back changes only the replaced words. Binary files (by
    :func:`writers_tui.wordcount.decode_text`'s test), UTF-16/32 files (which the editor
    would not write back in their encoding) and unreadable files are skipped; links
    leading outside the project are not followed.
    """
    paths = ProjectPaths(root)
    overrides = open_texts or {}
    texts: dict[str, str] = {}
    for top in TRACKED_DIRS:
        for file in markdown_files_under(paths.root / top, within=paths.root):
            relative = file.relative_to(paths.root).as_posix()
            if relative in overrides:
                texts[relative] = overrides[relative]
                continue
            try:
                data = file.read_bytes()
                if decode_text(data).encoding.startswith(("utf-16", "utf-32")):
                    continue
            except (OSError, NotTextError):
                continue
            texts[relative] = data.decode("utf-8", errors="surrogateescape")
    return texts
