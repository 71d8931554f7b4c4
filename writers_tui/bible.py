"""The story bible's completeness, and new bible entries from templates.

**Completeness** (the Creation stage's checklist) reports, with file and line:

* characters (``reference/characters/*.md``) without a *goal*, a *flaw* or an *arc*. A
  field counts when it has text in any of the forms writers use and the templates
  scaffold: a front-matter key (``flaw: pride``), a labelled line (``- **Flaw:** pride``,
  ``Flaw: pride``) or a heading with text under it (``## Flaw``). Synonyms count:
  *goal* is also ``goals``, ``want(s)``, ``desire``, ``motivation``; *flaw* also
  ``flaws``, ``weakness``; *arc* also ``character arc``. An empty field (the template's
  ``- **Flaw:**``) is reported at its own line, a missing one at the file's heading.
* beats without scenes. A beat sheet is any ``planning/*.md`` with a Markdown table whose
  header has a ``Beat`` column. A beat has scenes when a ``Scenes``/``Scene``/``Where``/
  ``Chapter(s)`` cell names a scene or chapter that exists by its binder number (``1.2``,
  ``Ch. 3``, a range ``4-6``; a cell with ``%`` is a position, not a reference), or when a
  scene's front matter names the beat (``beat: Catalyst`` or ``beats: [Catalyst, B story]``,
  any case).
* scenes whose front matter names a POV character (``pov:``, ``viewpoint:``) the bible
  lacks. A POV matches a character's name or alias (dots and case aside: ``mr darcy`` is
  "Mr. Darcy") or its first word ("Elizabeth" for "Elizabeth Bennet", unless that word
  ends in a dot, like "Mr.").

The checks are pure functions over texts (path → text, as
:func:`writers_tui.search_replace.project_texts` gives them, open buffers included).

**Entries** come from Markdown templates in ``writers_tui/data/entries/`` (package data,
``{title}`` their only placeholder, like the project templates). :func:`create_entry`
writes one durably through :mod:`writers_tui.storage.manuscript_ops`, with its path
rules: inside the project, no links, no name that exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Literal

from writers_tui.analysis.characters import Character, parse_character_file, parse_front_matter
from writers_tui.search_replace import project_texts
from writers_tui.storage import manuscript_ops
from writers_tui.storage.manuscript_ops import BinderChange

__all__ = [
    "ENTRY_KINDS",
    "BibleIssue",
    "EntryKind",
    "beat_issues",
    "character_issues",
    "completeness",
    "create_entry",
    "entry_template",
    "pov_issues",
    "project_completeness",
]

IssueKind = Literal[
    "missing-goal", "missing-flaw", "missing-arc", "beat-without-scenes", "unknown-pov"
]
EntryKind = Literal["character", "place", "chapter", "beats"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("character", "place", "chapter", "beats")
#: Where each kind of entry is created (a chapter goes through the binder numbering).
_ENTRY_FOLDERS: dict[EntryKind, str] = {
    "character": "reference/characters",
    "place": "reference/places",
    "beats": "planning",
}
TITLE_PLACEHOLDER = "{title}"

CHARACTERS_PREFIX = "reference/characters/"
MANUSCRIPT_PREFIX = "manuscript/"
PLANNING_PREFIX = "planning/"

_FIELDS: dict[str, frozenset[str]] = {
    "goal": frozenset({"goal", "goals", "want", "wants", "desire", "motivation"}),
    "flaw": frozenset({"flaw", "flaws", "weakness"}),
    "arc": frozenset({"arc", "character arc"}),
}
_POV_KEYS = ("pov", "viewpoint", "point-of-view", "point_of_view")
_BEAT_KEYS = ("beat", "beats")
_REFERENCE_COLUMNS = frozenset({"scenes", "scene", "where", "chapter", "chapters"})

_FRONT_OPEN = re.compile(r"^\ufeff?---[ \t]*$")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w -]*?)[ \t]*:(.*)$")
_LIST_ITEM = re.compile(r"^[ \t]+-[ \t]+\S")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_LABEL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?([A-Za-z][A-Za-z ]*?)[ \t]*"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)(.*)$"
)
_EMPTY_VALUES = frozenset({"", "[]", "~", "null", '""', "''", "-"})
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_NUMBER_REF = re.compile(r"(?<![\d.])(\d+(?:\.\d+)*)(?:\s*[-–—]\s*(\d+(?:\.\d+)*))?(?![\d])")
_MAX_RANGE = 1000


@dataclass(frozen=True, slots=True)
class BibleIssue:
    """One gap in the bible: what, where (project path, 1-based line), about whom."""

    kind: IssueKind
    path: str
    line: int
    subject: str
    message: str


# -- characters ----------------------------------------------------------------------------


def _front_matter_end(lines: Sequence[str]) -> int:
    """Index of the first body line (0 when there is no front matter)."""
    if not lines or not _FRONT_OPEN.match(lines[0]):
        return 0
    for index in range(1, len(lines)):
        if _FRONT_CLOSE.match(lines[index]):
            return index + 1
    return 0


def _field_of(label: str) -> str | None:
    key = " ".join(label.strip().strip("*_").split()).casefold()
    for field_name, names in _FIELDS.items():
        if key in names:
            return field_name
    return None


def _has_text(value: str) -> bool:
    return value.strip().strip("*_").strip() not in _EMPTY_VALUES


def _scan_fields(lines: Sequence[str]) -> tuple[set[str], dict[str, int]]:
    """The fields with text, and the line (1-based) of each field present but empty."""
    filled: set[str] = set()
    empty: dict[str, int] = {}
    body = _front_matter_end(lines)

    def note(field_name: str | None, has_text: bool, index: int) -> None:
        if field_name is None:
            return
        if has_text:
            filled.add(field_name)
        else:
            empty.setdefault(field_name, index + 1)

    for index in range(1, max(body - 1, 1)):  # front matter
        key = _KEY_LINE.match(lines[index])
        if key is None:
            continue
        value = key.group(2)
        if not _has_text(value):  # a YAML list on the lines below?
            following = lines[index + 1] if index + 1 < body - 1 else ""
            note(_field_of(key.group(1)), bool(_LIST_ITEM.match(following)), index)
        else:
            note(_field_of(key.group(1)), True, index)
    for index in range(body, len(lines)):
        line = lines[index]
        heading = _HEADING.match(line)
        if heading is not None:
            level = len(heading.group(1))
            content = False
            for below in lines[index + 1 :]:
                deeper = _HEADING.match(below)
                if deeper is not None and len(deeper.group(1)) <= level:
                    break
                if below.strip():
                    content = True
                    break
            note(_field_of(heading.group(2).rstrip(":")), content, index)
            continue
        label = _LABEL.match(line)
        if label is not None:
            note(_field_of(label.group(1)), _has_text(label.group(2)), index)
    return filled, empty


def _title_line(lines: Sequence[str]) -> int:
    for index in range(_front_matter_end(lines), len(lines)):
        if _HEADING.match(lines[index]):
            return index + 1
    return 1


def character_issues(path: str, text: str) -> list[BibleIssue]:
    """A character file's missing goal, flaw and arc."""
    character = parse_character_file(PurePosixPath(path).name, text)
    subject = character.name if character is not None else PurePosixPath(path).stem
    lines = text.split("\n")
    filled, empty = _scan_fields(lines)
    issues = []
    for field_name in _FIELDS:
        if field_name in filled:
            continue
        line = empty.get(field_name)
        state = "is empty" if line is not None else "is missing"
        issues.append(
            BibleIssue(
                kind=_kind(field_name),
                path=path,
                line=line if line is not None else _title_line(lines),
                subject=subject,
                message=f"{subject}: the {field_name} {state}",
            )
        )
    return issues


def _kind(field_name: str) -> IssueKind:
    kinds: dict[str, IssueKind] = {
        "goal": "missing-goal",
        "flaw": "missing-flaw",
        "arc": "missing-arc",
    }
    return kinds[field_name]


# -- beats ---------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    stripped = line.strip()
    stripped = stripped.removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in stripped.split("|")]


def _references(cell: str) -> set[tuple[int, ...]]:
    """The scene and chapter numbers a cell names (``1.2``, ``Ch. 3``, ``4-6``)."""
    if "%" in cell:
        return set()
    found: set[tuple[int, ...]] = set()
    for match in _NUMBER_REF.finditer(cell):
        start = tuple(int(part) for part in match.group(1).split("."))
        found.add(start)
        if match.group(2) is None:
            continue
        end = tuple(int(part) for part in match.group(2).split("."))
        found.add(end)
        if (
            len(start) == len(end)
            and start[:-1] == end[:-1]
            and 0 <= end[-1] - start[-1] < _MAX_RANGE
        ):
            found.update((*start[:-1], n) for n in range(start[-1], end[-1] + 1))
    return found


def _scene_numbers(scenes: Mapping[str, str]) -> set[tuple[int, ...]]:
    """The binder numbers of every scene and of every folder holding one."""
    numbers: set[tuple[int, ...]] = set()
    for path in scenes:
        parts = PurePosixPath(path).parts[1:]
        for depth, part in enumerate(parts):
            is_folder = depth < len(parts) - 1
            prefix = manuscript_ops.split_name(part, is_folder=is_folder)[0]
            if prefix is not None:
                numbers.add(tuple(int(n) for n in prefix.split(".")))
    return numbers


def _named_beats(scenes: Mapping[str, str]) -> set[str]:
    named: set[str] = set()
    for text in scenes.values():
        meta = parse_front_matter(text)
        for key in _BEAT_KEYS:
            value = meta.get(key)
            values = value if isinstance(value, list) else [value] if value else []
            named.update(_normal(item) for item in values)
    return named


def _normal(name: str) -> str:
    return " ".join(word.rstrip(".") for word in name.strip("*_ ").split()).casefold()


def beat_issues(path: str, text: str, scenes: Mapping[str, str]) -> list[BibleIssue]:
    """Beats in a beat sheet that no existing scene covers."""
    lines = text.split("\n")
    numbers = _scene_numbers(scenes)
    named = _named_beats(scenes)
    issues: list[BibleIssue] = []
    index = 0
    while index + 1 < len(lines):
        header = _cells(lines[index]) if "|" in lines[index] else []
        columns = [cell.strip("*_ ").casefold() for cell in header]
        if "beat" not in columns or not _TABLE_SEPARATOR.match(lines[index + 1]):
            index += 1
            continue
        beat_column = columns.index("beat")
        reference_columns = [i for i, name in enumerate(columns) if name in _REFERENCE_COLUMNS]
        index += 2
        while index < len(lines) and lines[index].strip().startswith("|"):
            cells = _cells(lines[index])
            beat = cells[beat_column].strip("*_ ") if beat_column < len(cells) else ""
            if beat:
                refs = set().union(
                    *(_references(cells[i]) for i in reference_columns if i < len(cells))
                )
                if not (refs & numbers) and _normal(beat) not in named:
                    issues.append(
                        BibleIssue(
                            kind="beat-without-scenes",
                            path=path,
                            line=index + 1,
                            subject=beat,
                            message=f"beat {beat!r} has no scene yet",
                        )
                    )
            index += 1
    return issues


# -- point of view -------------------------------------------------------------------------


def _known_names(characters: Sequence[Character]) -> set[str]:
    known: set[str] = set()
    for character in characters:
        known.update(_normal(name) for name in character.names)
        words = character.name.split()
        if len(words) > 1 and not words[0].endswith("."):
            known.add(_normal(words[0]))
    return known


def _key_line(text: str, keys: Sequence[str]) -> int:
    lines = text.split("\n")
    for index in range(1, max(_front_matter_end(lines) - 1, 1)):
        key = _KEY_LINE.match(lines[index])
        if key is not None and key.group(1).strip().casefold() in keys:
            return index + 1
    return 1


def pov_issues(scenes: Mapping[str, str], characters: Sequence[Character]) -> list[BibleIssue]:
    """Scenes whose front matter names a POV character the bible does not have."""
    known = _known_names(characters)
    issues = []
    for path, text in scenes.items():
        meta = parse_front_matter(text)
        for key in _POV_KEYS:
            value = meta.get(key)
            values = value if isinstance(value, list) else [value] if value else []
            for name in values:
                if _normal(name) and _normal(name) not in known:
                    issues.append(
                        BibleIssue(
                            kind="unknown-pov",
                            path=path,
                            line=_key_line(text, _POV_KEYS),
                            subject=name,
                            message=f"POV {name!r} is not a character in reference/characters/",
                        )
                    )
    return issues


# -- the whole bible -----------------------------------------------------------------------


def completeness(texts: Mapping[str, str]) -> list[BibleIssue]:
    """Every completeness issue of a project's texts: characters (file order), then beats,
    then POVs."""
    characters_texts = {p: t for p, t in texts.items() if p.startswith(CHARACTERS_PREFIX)}
    scenes = {p: t for p, t in texts.items() if p.startswith(MANUSCRIPT_PREFIX)}
    issues: list[BibleIssue] = []
    for path, text in characters_texts.items():
        issues.extend(character_issues(path, text))
    for path, text in texts.items():
        if path.startswith(PLANNING_PREFIX):
            issues.extend(beat_issues(path, text, scenes))
    characters = [
        character
        for path, text in characters_texts.items()
        if (character := parse_character_file(PurePosixPath(path).name, text)) is not None
    ]
    issues.extend(pov_issues(scenes, characters))
    return issues


def project_completeness(
    root: Path, open_texts: Mapping[str, str] | None = None
) -> list[BibleIssue]:
    """:func:`completeness` of a project on disk (open buffers' texts win). Blocking."""
    return completeness(project_texts(root, open_texts))


# -- entries -------------------------------------------------------------------------------


def entry_template(kind: EntryKind, title: str) -> str:
    """The template text for a new entry, with its title filled in."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}; choose one of: {', '.join(ENTRY_KINDS)}")
    source = resources.files("writers_tui").joinpath("data", "entries", f"{kind}.md")
    return source.read_text(encoding="utf-8").replace(TITLE_PLACEHOLDER, title.strip())


def create_entry(
    root: Path, kind: EntryKind, title: str, *, after: str | None = None
) -> BinderChange:
    """Create a character, place, beat sheet (``TITLE.md`` in its folder) or chapter (a
    numbered folder after ``after`` or at the end, with a first scene) from its template.

    Bad titles and taken names are :class:`ValueError`; links on the way are
    :class:`~writers_tui.atomic.UnsafePath`. Blocking.
    """
    text = entry_template(kind, title)
    if kind == "chapter":
        return manuscript_ops.create_chapter(root, title, after=after, scene_text=text)
    return manuscript_ops.create_file(root, _ENTRY_FOLDERS[kind], title, text)
