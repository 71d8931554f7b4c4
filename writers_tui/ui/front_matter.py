"""A scene's front matter: the ``key: value`` lines between ``---`` fences at its top.

Pure and small on purpose (no YAML dependency): a block is the text's first line ``---``
up to the next line ``---``; inside it, each ``key: value`` line is a field. Lines that are
not fields (comments, YAML lists, blanks) and unknown keys are kept as written and in their
order, so a round trip through the inspector changes only the field that was edited. A value
is taken as written: quotes, colons and all (``synopsis: "Jane: a letter"`` stays that way).

Notes are "stored with the scene" as the one-line ``notes`` field: a newline in the notes is
written as the two characters ``\\n`` and a backslash as ``\\\\`` (:func:`escape_notes` /
:func:`unescape_notes`), so notes can never break the block or be mistaken for another key,
and stay readable in any text editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "FENCE",
    "FrontMatter",
    "escape_notes",
    "parse",
    "unescape_notes",
    "with_field",
]

FENCE = "---"
_FIELD = re.compile(r"^([A-Za-z_][\w-]*):(?:\s(.*)|)$")


@dataclass(slots=True)
class FrontMatter:
    """The block's lines (between the fences) and where it ends in the text."""

    lines: list[str] = field(default_factory=list)
    #: index of the closing ``---`` line (None: the text has no block yet)
    end_line: int | None = None

    def get(self, key: str) -> str | None:
        """The first ``key``'s value as written (None when the block has no such key)."""
        for line in self.lines:
            match = _FIELD.match(line)
            if match and match.group(1) == key:
                return (match.group(2) or "").strip()
        return None

    def keys(self) -> list[str]:
        return [m.group(1) for line in self.lines if (m := _FIELD.match(line))]

    def set(self, key: str, value: str) -> FrontMatter:
        """A copy with ``key`` set to ``value`` (one line; an empty value removes the key).
        The key keeps its place; a new key goes last."""
        value = " ".join(value.splitlines()).strip()
        lines: list[str] = []
        done = False
        for line in self.lines:
            match = _FIELD.match(line)
            if match and match.group(1) == key:
                if not done and value:
                    lines.append(f"{key}: {value}")
                done = True
                continue
            lines.append(line)
        if not done and value:
            lines.append(f"{key}: {value}")
        return FrontMatter(lines, self.end_line)

    def render(self) -> str:
        """The block with its fences and no trailing newline."""
        return "\n".join([FENCE, *self.lines, FENCE])


def parse(lines: list[str]) -> FrontMatter:
    """The front matter of a text given as its first lines (enough to hold the block; the
    caller need not split the whole text). No block: an empty one with ``end_line`` None."""
    if not lines or lines[0].rstrip() != FENCE:
        return FrontMatter()
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            return FrontMatter(list(lines[1:index]), index)
    return FrontMatter()  # an opening fence never closed: prose, not front matter


def with_field(text: str, key: str, value: str) -> str:
    """``text`` with the front matter field ``key`` set (the block made if there is none)."""
    lines = text.split("\n")
    front = parse(lines)
    updated = front.set(key, value)
    if front.end_line is None:
        if not updated.lines:
            return text
        return updated.render() + "\n" + text
    if not updated.lines:
        return "\n".join(lines[front.end_line + 1 :])
    return "\n".join([updated.render(), *lines[front.end_line + 1 :]])


def escape_notes(notes: str) -> str:
    """Notes as one line: backslash → ``\\\\``, newline → ``\\n``."""
    return notes.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")


def unescape_notes(stored: str) -> str:
    """The inverse of :func:`escape_notes`."""
    out: list[str] = []
    index = 0
    while index < len(stored):
        char = stored[index]
        if char == "\\" and index + 1 < len(stored):
            following = stored[index + 1]
            if following == "n":
                out.append("\n")
                index += 2
                continue
            if following == "\\":
                out.append("\\")
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)
